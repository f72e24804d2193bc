"""Safe Markdown for text that came from a person or a flow."""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from urllib.parse import quote

from chat.i18n import Message, Verbatim
from chat.image_hosts import allowed_image_url

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
# Where a Markdown image starts: "![" with its "!" not escaped (of a run of backslashes before it,
# pairs escape each other). Every image, inline or by reference, starts so, whatever surrounds it;
# one that goes unrecognised here is a link, not a picture. The lookbehind starts a match only at
# the first backslash of a run, so that each run is read once. An image without alt text (what a
# hidden tracker uses) is read up to its target, to give the link it becomes something to show.
_IMAGE_START = re.compile(r"(?<!\\)(?P<slashes>\\*)!(?=\[)(?P<no_alt>\[\](?=\())?")
# What the link that was an image without alt text shows.
_NO_ALT = "[:material/image:]"
# The one image form kept as an image, from a listed host: every character that could let the
# browser's Markdown parser see another text, target or host than this pattern does (brackets, code
# spans, HTML, escapes, blanks, line ends) is left out, and so is a reference, whose target may
# come in another block.
_PLAIN_IMAGE = re.compile(r"!\[[^\[\]\\`<>\n]*\]\((?P<url>https?://[^\s()<>\[\]\\`\"']+)\)")
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


def safe_markdown(text: str, image_hosts: Collection[str] = ()) -> str:
    """A flow's Markdown answer with visible characters only, links only to http(s) and mailto (any
    other link target, javascript:, data:, file:, ..., shows as text), and no image the reader's
    browser would load: each is a link to it instead, but an inline image from one of
    ``image_hosts``. Applied to each frozen block of a streaming answer it gives the same result as
    on the whole answer."""

    def unload(match: re.Match[str]) -> str:
        if len(match["slashes"]) % 2:
            return match[0]  # an escaped "!": no image
        image = _PLAIN_IMAGE.match(match.string, match.end("slashes"))
        if image and allowed_image_url(html.unescape(image["url"]), image_hosts):
            return match[0]
        # The escaped "!" shows as itself, followed by a link to the image.
        return match["slashes"] + "\\!" + (_NO_ALT if match["no_alt"] else "")

    return _TARGET.sub(_defuse, _IMAGE_START.sub(unload, visible_text(text)))


def link(label: str, url: str) -> str:
    # Percent-encode what would end the Markdown link target early.
    return f"[{escape_markdown(label)}]({quote(url, safe=':/?#[]@!$&*+,;=%~._-')})"
