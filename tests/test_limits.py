"""The per-session question limits, with a clock the tests move by hand."""

from __future__ import annotations

import pytest

from chat.app_wide import AppWide, LocalSlots, LocalWindowCounter
from chat.limits import QuestionLimits, SlidingWindow, admit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def everyone(clock) -> AppWide:
    return AppWide(LocalWindowCounter(clock=clock), LocalSlots())


def test_window_lets_limit_questions_through_then_says_how_long_to_wait(clock):
    window = SlidingWindow(clock=clock)
    for _ in range(3):
        assert window.wait(3) == 0
        window.record()
        clock.now += 10
    # Sent at 1000, 1010, 1020; now 1030: the one from 1000 leaves the window at 1060.
    assert window.wait(3) == pytest.approx(30)
    clock.now = 1059.5
    assert window.wait(3) == pytest.approx(0.5)
    clock.now = 1060
    assert window.wait(3) == 0


def test_window_is_sliding_not_fixed(clock):
    window = SlidingWindow(clock=clock)
    window.record()
    clock.now += 50
    window.record()
    clock.now += 15  # the first has left, the second has not
    assert window.wait(2) == 0
    window.record()
    assert window.wait(2) == pytest.approx(45)  # the one from 1050 leaves at 1110


def test_zero_means_no_limit(clock):
    window = SlidingWindow(clock=clock)
    for _ in range(100):
        window.record()
    assert window.wait(0) == 0


def test_a_lowered_limit_counts_the_most_recent_questions(clock):
    window = SlidingWindow(clock=clock)
    for _ in range(5):
        window.record()
        clock.now += 1
    assert window.wait(2) == pytest.approx(58)  # the 4th question, sent at 1003, leaves at 1063


def english(rejection) -> str:
    return rejection.message.text("en")


def test_admit_counts_only_questions_it_lets_through(clock, everyone):
    window = SlidingWindow(clock=clock)
    limits = QuestionLimits(max_chars=10, per_minute=2)
    assert admit("short", limits, window, everyone) is None
    too_long = admit("x" * 11, limits, window, everyone)
    assert too_long.question == "x" * 11
    assert "11 characters long" in english(too_long) and "at most 10" in english(too_long)
    assert "Shorten it" in english(too_long)
    assert "символов: 11" in too_long.message.text("ru") and "не больше 10" in too_long.message.text("ru")
    assert admit("again", limits, window, everyone) is None
    clock.now += 20.2
    over = admit("third", limits, window, everyone)
    assert over.question == "third"
    assert "as many questions in the last minute as this chat accepts (2)" in english(over)
    assert "Wait 40 seconds" in english(over)
    assert "подождите 40 с " in over.message.text("ru")
    clock.now += 39.5
    last = admit("third", limits, window, everyone)
    assert "Wait 1 second," in english(last) and "подождите секунду" in last.message.text("ru")
    clock.now += 0.5
    assert admit("third", limits, window, everyone) is None


def test_length_is_checked_first_so_a_long_question_does_not_use_up_the_rate(clock, everyone):
    window = SlidingWindow(clock=clock)
    limits = QuestionLimits(max_chars=3, per_minute=1)
    for _ in range(5):
        assert "at most 3" in english(admit("long question", limits, window, everyone))
    assert admit("ok", limits, window, everyone) is None
