"""Answers, sources and tool texts from a flow are untrusted: what of them may become a link, and
which characters are shown."""

from __future__ import annotations

import re
import time

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from chat.markdown_blocks import stable_prefix_length
from components.long_text import clip
from components.markdown import LINK_SCHEMES, safe_markdown, visible_text

# CommonMark as a browser would get it, had the renderer no scheme filter of its own.
MD = MarkdownIt("commonmark")
MD.validateLink = lambda url: True


def link_targets(markdown: str) -> list[str]:
    found = []

    def walk(tokens):
        for token in tokens:
            found.extend(token.attrs[name] for name in ("href", "src") if token.attrs.get(name) is not None)
            walk(token.children or [])

    walk(MD.parse(markdown))
    return found


def browser_scheme(url: str) -> str | None:
    # What the WHATWG URL parser takes as the scheme: blanks around it dropped, tab and newline removed.
    url = re.sub("[\t\n\r]", "", url.strip("\x00\x20" + "".join(map(chr, range(1, 32)))))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return match.group(1).lower() if match else None


HOSTILE = [
    "[click](javascript:alert(1))",
    "[click](  JavaScript:alert(1) )",
    "[click](\ndata:text/html;base64,PHNjcmlwdD4=)",
    "[click](<vbscript:msgbox(1)>)",
    "[click](<da\tta:text/html,x>)",
    "[click](java&#x73;cript&#58;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](javascript\\:alert(1))",
    "![img](file:///etc/passwd)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "[a][ref]\n\n   [ref]:\n  <data:text/html,x> 'title'",
    "<javascript:alert(1)>",
    "<DATA:text/html,x>",
    "- [x](file:///c:/windows)\n> [y](data:,z)",
]


def test_hostile_link_targets_are_shown_as_text():
    for text in HOSTILE:
        assert link_targets(text), f"the example is not a link to begin with: {text!r}"
        assert link_targets(safe_markdown(text)) == [], text


def test_http_mailto_and_relative_links_are_kept_as_written():
    text = (
        "[a](https://example.com/x?q=1) <https://x.example> "
        "[c](mailto:someone@example.com) [d](#part) [e](/docs/page)\n\n[r]: https://ref.example"
    )
    assert safe_markdown(text) == text
    image = "![b](http://img.example/p.png)"
    assert safe_markdown(image, image_hosts={"img.example"}) == image  # from a host IMAGE_HOSTS lists


def test_a_defused_link_reads_as_the_text_it_was():
    assert safe_markdown("[click](javascript:alert(1))") == "[click]\\(javascript:alert(1))"
    assert safe_markdown("<data:text/html,x>") == "\\<data:text/html,x>"
    assert safe_markdown("[r]: file:///etc/passwd") == "[r]\\: file:///etc/passwd"
    rendered = MD.render(safe_markdown("[click](javascript:alert(1)) <data:x>"))
    assert rendered == "<p>[click](javascript:alert(1)) &lt;data:x&gt;</p>\n"


def test_visible_text_replaces_controls_and_bidi_overrides_and_keeps_lines_and_tabs():
    assert visible_text("a\tb\r\nc\rd\n") == "a\tb\nc\nd\n"
    assert visible_text("evil\u202etxt.exe \u2066x\u2069 \x00\x1b[31m \x85 \x7f") == "evil�txt.exe �x� ��[31m � �"
    assert visible_text("Привет 🙂 שלום\u200d") == "Привет 🙂 שלום\u200d"
    assert safe_markdown("**a**\u202e\x07") == "**a**��"


FRAGMENTS = st.sampled_from(
    [
        "[x](",
        "](",
        "]:",
        "[r]",
        "[r]: ",
        "![i](",
        "<",
        ">",
        "(",
        ")",
        "javascript",
        "JavaScript",
        "data",
        "file",
        "vbscript",
        "https",
        "mailto",
        ":",
        "&#58;",
        "&colon;",
        "&#x6A;",
        "\\",
        "\t",
        " ",
        "\n",
        "\n\n",
        "//a.b/c",
        "`",
        "```\n",
        "- ",
        "> ",
        "1. ",
        "    ",
        "text",
        "\u202e",
        "\r\n",
        "a line long enough to cut before\n",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(FRAGMENTS, max_size=30).map("".join))
@example("[x](java\n\nscript:y)")
def test_no_fragment_soup_yields_a_link_to_another_scheme(text):
    for target in link_targets(safe_markdown(text)):
        assert browser_scheme(target) in LINK_SCHEMES | {None}, (text, target)


@settings(max_examples=400, deadline=None)
@given(st.lists(FRAGMENTS, max_size=30).map("".join))
@example("[x](\n\ndata:text/html,abcdefghijklmnop\n")
def test_block_by_block_gives_the_same_text_as_the_whole(text):
    # A streaming answer is rewritten one frozen block at a time, and its tail at every update.
    pieces, start = [], 0
    while (cut := stable_prefix_length(text, start)) > start:
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    assert "".join(safe_markdown(piece) for piece in pieces) == safe_markdown(text)


def test_many_link_starts_on_one_line_are_read_once():
    # Each "]:" used to read the rest of the line: minutes for this line, now well under a second.
    text = ("]:" + "x " * 10) * 20_000
    started = time.perf_counter()
    assert safe_markdown(text) == text
    assert time.perf_counter() - started < 5


def test_clip_keeps_short_text_and_cuts_long_text():
    assert clip("short", 10) == "short"
    assert clip("x" * 10, 10) == "x" * 10
    assert clip("abcdefghijk", 10) == "abcdefghij…"
