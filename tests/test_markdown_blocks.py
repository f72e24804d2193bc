"""A cut found in any prefix of an answer never changes how the complete answer renders."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from chat.markdown_blocks import stable_prefix_length

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(dollarmath_plugin)

BLOCKS = [
    "A paragraph with **bold** and `code`.",
    "Первый абзац на русском 🙂.",
    "# Heading",
    "Setext heading\n===",
    "- tight item\n- another item",
    "1. first\n2. second",
    "- loose item",
    "3) third",
    "  indented continuation",
    "    indented code",
    "```python\nx = 1\n\n\ny = 2\n```",
    "~~~\nnot closed by ```\n\n~~~",
    "````\n```\ninner\n```\n````",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "> quoted\n> still quoted",
    "$$\nx^2\n\n+ y\n$$",
    "<!-- comment\n\nstill comment -->",
    "<div>\n\nhtml</div>",
    "***",
    "Text with a [link](https://example.com).",
    "```\nunclosed fence",
]


def render(text: str) -> str:
    return MD.render(text)


def assert_every_prefix_cut_is_safe(text: str) -> None:
    whole = render(text)
    cut = 0
    for end in range(len(text) + 1):
        cut = stable_prefix_length(text[:end], cut)
        assert render(text[:cut]) + render(text[cut:]) == whole, f"bad cut at {cut} of {text!r}"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=7),
    st.lists(st.sampled_from(["\n\n", "\n", "\n\n\n"]), min_size=7, max_size=7),
)
def test_cuts_never_change_the_rendering(blocks, separators):
    text = "".join(block + sep for block, sep in zip(blocks, separators, strict=False))
    assert_every_prefix_cut_is_safe(text)


def test_paragraphs_are_cut_as_soon_as_the_next_one_shows_its_start():
    text = "First paragraph.\n\nSecond paragraph that goes on"
    assert text[: stable_prefix_length(text)] == "First paragraph.\n\n"
    assert stable_prefix_length("First paragraph.\n\nSec") == 0


def test_no_cut_inside_code_fence_or_list_or_with_footnotes():
    assert stable_prefix_length("```\na\n\nb more text here\n") == 0
    assert stable_prefix_length("- a\n\n- b and more text here\n") == 0
    assert stable_prefix_length("See [^1].\n\nMore text that is long enough\n") == 0


def test_long_answer_is_mostly_frozen():
    text = "".join(f"Paragraph {i} with some words in it.\n\n" for i in range(200)) + "Tail being written"
    assert len(text) - stable_prefix_length(text) < 60
