"""What streaming does to every answer at each flush, on the most hostile text an answer may be:
its time grows with the text's length, never with its square."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from chat.markdown_blocks import stable_prefix_length
from components.markdown import safe_markdown
from flowise_client import DEFAULT_MAX_ANSWER_CHARS

# Texts that make a backtracking or rescanning pattern read the rest of the text from each of its
# starts: unclosed footnotes and labels, link and image openings, runs of backslashes.
HOSTILE_UNITS = ["[^a", "[^", "[a\n", "[", "![", "![a](", "]:", "](", "\\", "\\![", "<a:", "![](h"]


def _seconds(work: Callable[[str], object], text: str) -> float:
    # The fastest of a few runs: other work on the machine only ever adds time.
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        work(text)
        best = min(best, time.process_time() - started)
    return best


def _growth(work: Callable[[str], object], unit: str) -> float:
    """How much longer ``work`` takes on the answer cap's worth of ``unit`` than on a quarter of it:
    about 4 when linear, 16 when quadratic."""
    large = (unit * (DEFAULT_MAX_ANSWER_CHARS // len(unit) + 1))[:DEFAULT_MAX_ANSWER_CHARS]
    small = large[: len(large) // 4]
    # Below the clock's resolution a ratio says nothing: such work is fast whatever its growth.
    return _seconds(work, large) / max(_seconds(work, small), 0.002)


@pytest.mark.parametrize("unit", HOSTILE_UNITS)
def test_finding_a_cut_takes_time_in_proportion_to_the_answer(unit):
    assert _growth(stable_prefix_length, unit) < 8, unit


@pytest.mark.parametrize("unit", HOSTILE_UNITS)
def test_making_an_answer_safe_takes_time_in_proportion_to_the_answer(unit):
    assert _growth(lambda text: safe_markdown(text, image_hosts={"img.example"}), unit) < 8, unit
