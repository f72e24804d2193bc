"""Safe Markdown for text that came from a person or a flow."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from chat.i18n import Message, Verbatim

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")

# Characters that reorder or hide the text around them: C0 and C1 controls (but tab and newline),
# DEL, and the bidi embeddings, overrides and isolates that can make text read other than it is.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_END = re.compile(r"\r\n?")
_REPLACEMENT = "\ufffd"

# Where a link target starts in Markdown: after "](" of an inline link or image, after "]:" of a
# reference definition (each may have spaces and one line break before the target), or right after
# the "<" of an autolink. Keyed on those characters alone, whatever the text around them, so that
# no parsing subtlety can hide a link; the match is the one character to escape, the target only
# looked at, so that a "<" right after "](" is looked at again as an autolink. None of these spans
# a blank line, which keeps the rewrite the same block by block as on the whole text.
_TARGET = re.compile(
    # Of a target, only what can spell a scheme is read: scheme characters, blanks (the browser drops
    # them), entities and backslash escapes (Markdown decodes them). That stops at the next "]" or
    # "<", so each character is read once however many "](" a hostile text holds.
    r"\](?=[(:][ \t]*(?:\n[ \t]*)?<?(?P<target>[A-Za-z0-9+.\-:&#;\\\x00-\x09\x0b-\x20]*))"
    r"|<(?=(?P<auto>[A-Za-z][A-Za-z0-9+.\-]*:))"
)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_URL_DROPPED = re.compile("[\x00-\x20]")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def escape_markdown(text: str) -> str:
    """Text shown exactly as written: no emphasis, links, colour directives or LaTeX."""
    return _SPECIAL.sub(r"\\\1", text)


def as_written(message: Message) -> Message:
    """``message`` with the values a person gave (Verbatim: their file names) escaped, so that the
    message can be shown as Markdown and they still read exactly as written."""
    def written(value: object) -> object:
        if isinstance(value, Message):
            return as_written(value)
        return plain_text(value) if isinstance(value, Verbatim) else value

    return Message(message.key, {name: written(value) for name, value in message.values.items()})


def visible_text(text: str) -> str:
    """Text whose every character shows: line ends made "\\n", and each control or bidi character
    that could hide or reorder what follows replaced by "�"."""
    return _INVISIBLE.sub(_REPLACEMENT, _LINE_END.sub("\n", text))


def plain_text(text: str) -> str:
    """A name or label from the flow or the person, shown as written, every character of it visible."""
    return escape_markdown(visible_text(text))


def link_scheme(target: str) -> str | None:
    """The scheme a browser would see in a Markdown link target, after Markdown's entity and
    backslash decoding and the URL parser's dropping of blanks; None for a relative target."""
    url = _URL_DROPPED.sub("", _ESCAPED.sub(r"\1", html.unescape(target))).lower()
    match = _SCHEME.match(url)
    return match.group(1) if match else None


def _defuse(match: re.Match[str]) -> str:
    scheme = link_scheme(match.group("target") if match.group(0) == "]" else match.group("auto"))
    if scheme is None or scheme in LINK_SCHEMES:
        return match.group(0)  # relative or http(s)/mailto: a link that goes nowhere unexpected
    # A backslash escapes the "(", ":" or "<" that makes this a link: it shows as the text it is.
    return "]\\" if match.group(0) == "]" else "\\<"


def safe_markdown(text: str) -> str:
    """A flow's Markdown answer with visible characters only and links only to http(s) and mailto:
    any other link target (javascript:, data:, file:, ...) shows as text. Applied to each frozen
    block of a streaming answer it gives the same result as on the whole answer."""
    return _TARGET.sub(_defuse, visible_text(text))


def http_url(value: object) -> str | None:
    """The value if it is an http(s) URL, else None: only those may become links."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def link(label: str, url: str) -> str:
    # Percent-encode what would end the Markdown link target early.
    return f"[{escape_markdown(label)}]({quote(url, safe=':/?#[]@!$&*+,;=%~._-')})"
