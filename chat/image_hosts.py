"""Which remote images a reader's browser may load: loading one tells its host the reader's address
and whatever the flow put in its URL (a prompt-injected answer can put the conversation there)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection
from urllib.parse import urlsplit

from .http_urls import http_url

_NAME = re.compile(r"[\w-]+(?:\.[\w-]+)*")


def host_name(entry: str) -> str | None:
    """``entry`` of IMAGE_HOSTS as it is compared with a URL's host (lower case, an IPv6 address
    without its brackets); None if it is not a host name or address alone (a scheme, port or path)."""
    entry = entry.strip().lower()
    if _NAME.fullmatch(entry):
        return entry
    try:
        return str(ipaddress.IPv6Address(entry.removeprefix("[").removesuffix("]")))
    except ValueError:
        return None


def allowed_image_url(url: str, hosts: Collection[str]) -> bool:
    """Whether ``url`` is an http(s) URL whose host is one of ``hosts`` (as :func:`host_name` gives
    them), read as the browser reads it: user info, port and a trailing path do not count."""
    address = http_url(url) if hosts else None
    return address is not None and urlsplit(address).hostname in hosts
