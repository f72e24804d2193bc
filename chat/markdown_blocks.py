"""Where a growing Markdown answer can be cut so that the part before the cut never changes.

While an answer streams, the finished blocks before such a cut are shown once, as their own
element, and only the unfinished tail is sent again on each update: the cost of an update then
depends on the tail, not on the whole answer. A cut is made only at a blank line that ends a block
for good whatever text follows: not inside a fenced code block or a ``$$`` math block, not where
the next block could still belong to the same list or to an indented continuation, and never in
an answer that uses footnotes or reference-style links, whose parts refer to each other.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MATH = re.compile(r"^ {0,3}\$\$")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
# A label holds no unescaped bracket, so the search for its end stops at the next "[" as well as "]":
# each character is then read from one "[" at most, where "[^a[^a..." was read once per "[" (quadratic).
_CROSS_REFERENCE = re.compile(r"\[\^[^\[\]]+\]|^ {0,3}\[[^\[\]]+\]:", re.MULTILINE)
_RAW_HTML_START = re.compile(r"^ {0,3}<")
# Enough characters of a line to see a 3-space indent and a 9-digit list marker with its space.
_DECISIVE_LENGTH = 16


def stable_prefix_length(text: str, start: int = 0) -> int:
    """The length of the longest prefix of ``text`` (from ``start``, itself a cut) made of blocks that
    no continuation can change. Returns ``start`` when there is no safe cut yet."""
    # ``text[:start]`` was cut when it held no cross-reference, so only the rest needs looking at.
    if _CROSS_REFERENCE.search(text, start):
        return start
    cut = position = start
    fence: str | None = None
    in_math = False
    block_started = False  # a block has begun since the last cut or blank line
    list_open = after_blank = False  # a list may still take more items
    for line in text[start:].splitlines(keepends=True):
        line_start, position = position, position + len(line)
        stripped = line.rstrip("\r\n")
        if stripped == line:
            if after_blank and fence is None and not in_math and _unfinished_line_ends_block(line, list_open):
                cut = line_start
            break
        if fence is not None:
            fence = None if _closes_fence(stripped, fence) else fence
            continue
        if in_math:
            in_math = stripped.count("$$") % 2 == 0
            continue
        if not stripped.strip():
            after_blank = block_started
            continue
        if _RAW_HTML_START.match(stripped):
            break  # some raw HTML blocks run across blank lines: cut no further
        if after_blank:
            if _block_ends_before(stripped, list_open):
                cut = line_start
            if stripped[:1] not in (" ", "\t"):
                list_open = False  # an unindented block after a blank line ends any list
        block_started = True
        list_open = list_open or bool(_LIST_ITEM.match(stripped))
        after_blank = False
        if marker := _FENCE.match(stripped):
            fence = marker.group(1)
        elif _MATH.match(stripped) and stripped.count("$$") % 2 == 1:
            in_math = True
    return cut


def _unfinished_line_ends_block(line: str, list_open: bool) -> bool:
    # An unfinished line can only tell, once long enough to show its indent and list marker,
    # whether the block before it has ended.
    return len(line) >= _DECISIVE_LENGTH and _block_ends_before(line, list_open)


def _closes_fence(line: str, fence: str) -> bool:
    """Whether ``line`` closes the code block that ``fence`` opened: the same character, at least as
    many of them, and nothing after them."""
    marker = _FENCE.match(line)
    return bool(
        marker
        and marker.group(1)[0] == fence[0]
        and len(marker.group(1)) >= len(fence)
        and not line[marker.end() :].strip()
    )


def _block_ends_before(next_line: str, list_open: bool) -> bool:
    """Whether the blank line between the block before and ``next_line`` ends that block for good."""
    if next_line[:1] in (" ", "\t") or _RAW_HTML_START.match(next_line):
        return False  # indented: a list item's continuation or an indented code block
    return not (list_open and _LIST_ITEM.match(next_line))  # else the same list may go on
