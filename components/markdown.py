"""Safe Markdown for text that came from a person or a flow."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_markdown(text: str) -> str:
    """Text shown exactly as written: no emphasis, links, colour directives or LaTeX."""
    return _SPECIAL.sub(r"\\\1", text)


def http_url(value: object) -> str | None:
    """The value if it is an http(s) URL, else None: only those may become links."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def link(label: str, url: str) -> str:
    # Percent-encode what would end the Markdown link target early.
    return f"[{escape_markdown(label)}]({quote(url, safe=':/?#[]@!$&*+,;=%~._-')})"
