"""A warning in the log when a flow's credentials would cross the network unencrypted.

Only a loopback address is taken as safe: a private address or a Docker service name (``http://flowise:3000``
on a compose network) is still warned about, since a LAN or a cloud network is shared with other
machines and the app cannot tell a trusted one from another. It is a warning, not a refusal: plain
http:// between containers on one host is a common, reasonable setup."""

from __future__ import annotations

import ipaddress
import logging
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

from .settings import Flow

log = logging.getLogger(__name__)

_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


def is_local_host(host: str) -> bool:
    """Whether traffic to ``host`` stays on this machine: localhost, 127.0.0.0/8 and ::1."""
    if host.rstrip(".").lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


def credentials_in_clear(flow: Flow) -> tuple[str, ...]:
    """What secrets the flow sends over plain http:// to another machine: "API key", "URL credentials"."""
    parts = urlsplit(flow.url)
    if parts.scheme != "http" or is_local_host(parts.hostname or ""):
        return ()
    sent = ("API key",) if flow.api_key else ()
    return sent + (("URL credentials",) if parts.password else ())


def warn_of_credentials_in_clear(flows: Iterable[Flow]) -> None:
    """Logs each such flow once per process (the settings are read on every rerun); never the secret."""
    for flow in flows:
        secrets = credentials_in_clear(flow)
        with _warned_lock:
            if not secrets or (flow.id, flow.address) in _warned:
                continue
            _warned.add((flow.id, flow.address))
        host = urlsplit(flow.url).hostname
        log.warning(
            "Flow %s sends its %s over plain http:// to %s, where anyone on the network path can read what "
            "is sent. Use an https:// address, unless %s is on a network you trust (such as a Docker "
            "network on this host).",
            flow.name or flow.id,
            " and ".join(secrets),
            host,
            host,
        )
