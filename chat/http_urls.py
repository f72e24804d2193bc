"""Which addresses the app lets become a link or an image: http(s) URLs with a host, nothing else
(no ``javascript:``, ``data:`` or ``file:``, no relative paths that would resolve against the app)."""

from __future__ import annotations

from urllib.parse import urlsplit


def http_url(value: object) -> str | None:
    """The value, stripped, if it is an http(s) URL with a host; else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None
