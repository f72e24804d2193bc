"""The chat page's limits on questions: their length and their rate."""

from __future__ import annotations

import re

from testbed.wire.flows import Scenario
from tests.page import ask, page_text


def test_too_long_question_is_not_sent_and_given_back(app, wire):
    at = app(Scenario.ECHO, MAX_QUESTION_CHARS="20")
    sent = len(wire.predictions(Scenario.ECHO))
    long_question = "Why is the sky blue at noon?"  # 28 characters
    at = ask(at, long_question)
    assert len(wire.predictions(Scenario.ECHO)) == sent
    (warning,) = at.warning
    assert "28 characters long" in warning.value and "at most 20" in warning.value and "Shorten it" in warning.value
    assert [c.value for c in at.code] == [long_question]
    assert at.chat_input[0].proto.value == long_question and at.chat_input[0].proto.set_value
    assert not at.chat_message
    at = ask(at, "Why is it blue?")
    assert len(wire.predictions(Scenario.ECHO)) == sent + 1
    assert not at.warning and not at.code
    assert "You asked: Why is it blue?" in page_text(at)


def test_questions_over_the_rate_are_not_sent(app, wire):
    at = app(Scenario.ECHO, QUESTIONS_PER_MINUTE="2")
    sent = len(wire.predictions(Scenario.ECHO))
    at = ask(ask(at, "one"), "two")
    at = ask(at, "three, too soon")
    assert len(wire.predictions(Scenario.ECHO)) == sent + 2
    (warning,) = at.warning
    assert "as many questions in the last minute as this chat accepts (2)" in warning.value
    assert re.search(r"Wait (\d+) seconds?, then send it again", warning.value)
    assert 50 <= int(re.search(r"Wait (\d+)", warning.value)[1]) <= 60
    assert [c.value for c in at.code] == ["three, too soon"]
    assert "You asked: two" in page_text(at)  # the conversation so far is still there
