"""Limits on questions: how long one may be, how many files it may bring, and how many a minute may
bring, from this session and from every session of the app together; and how many answers may
stream at once."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from flowise_client import Upload
from flowise_client.uploads import FULL_FILE

from .app_wide import AppWide, Slots, slot
from .i18n import Message, Verbatim

# The app-wide counters' keys: questions sent by every session, and answers streaming now.
QUESTIONS = "questions"
ANSWERS = "answers"
# A comment with a rating is a few sentences; Flowise stores it whole with the answer.
MAX_FEEDBACK_CHARS = 2000


@dataclass(frozen=True)
class QuestionLimits:
    """0 for any count: no limit."""

    max_chars: int
    per_minute: int  # from this session
    total_per_minute: int = 0  # from every session together
    concurrent_answers: int = 0  # streaming at once, in every session together
    max_files: int = 0  # with one question, images included


@dataclass
class SlidingWindow:
    """When this session's recent questions were sent; the clock is injectable for tests."""

    seconds: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _sent: deque[float] = field(default_factory=deque)

    def wait(self, limit: int) -> float:
        """Seconds until one more question fits within ``limit`` per window (0: it fits now)."""
        now = self.clock()
        while self._sent and self._sent[0] <= now - self.seconds:
            self._sent.popleft()
        if limit <= 0 or len(self._sent) < limit:
            return 0.0
        # The question that has to leave the window for a new one to fit.
        return self._sent[-limit] + self.seconds - now

    def record(self) -> None:
        self._sent.append(self.clock())


@dataclass(frozen=True)
class Rejection:
    """A question that was not sent: why, and its text, to give back to the person."""

    message: Message
    question: str


def admit(question: str, limits: QuestionLimits, window: SlidingWindow, everyone: AppWide) -> Rejection | None:
    """None and the question counted, in this session and app-wide, if it may go to the flow;
    otherwise why not. Each check counts nothing when a later one refuses the question, so that a
    question turned away by this session's limits does not use up everyone's."""
    if len(question) > limits.max_chars:
        return Rejection(Message("limits.too_long", {"length": len(question), "max_chars": limits.max_chars}), question)
    if wait := window.wait(limits.per_minute):
        return Rejection(_wait_message("limits.too_many", wait, limits.per_minute), question)
    if not answers_free(everyone.slots, limits.concurrent_answers):
        return Rejection(busy(limits.concurrent_answers), question)
    if wait := everyone.windows.take(QUESTIONS, limits.total_per_minute, 60.0):
        return Rejection(_wait_message("limits.too_many_everyone", wait, limits.total_per_minute), question)
    window.record()
    return None


def busy(concurrent_answers: int) -> Message:
    """Why a question waits for an answer of any session to finish."""
    return Message("limits.busy", {"answers": concurrent_answers})


def _wait_message(key: str, wait: float, per_minute: int) -> Message:
    """``key``'s message, or its ``_one_second`` form: both languages say one second apart."""
    seconds = math.ceil(wait)
    if seconds == 1:
        return Message(f"{key}_one_second", {"per_minute": per_minute})
    return Message(key, {"per_minute": per_minute, "seconds": seconds})


def answers_free(slots: Slots, concurrent_answers: int) -> bool:
    """Whether an answer could start streaming now. Only a look: the answer takes its slot when it
    starts (see ``answer_slot``), since the question may still be turned away before then."""
    with slot(slots, ANSWERS, concurrent_answers) as free:
        return free


def answer_slot(slots: Slots, concurrent_answers: int) -> AbstractContextManager[bool]:
    """Whether an answer may stream now; its slot is held until the block ends, however it ends: an
    error, Stop or a new question (Streamlit reruns the page), a closed tab (it stops the run)."""
    return slot(slots, ANSWERS, concurrent_answers)


def too_many_files(names: list[str], limits: QuestionLimits) -> Message | None:
    """Why a question cannot bring these files, or None if it can."""
    if 0 < limits.max_files < len(names):
        return Message(
            "limits.too_many_files",
            {"count": len(names), "max_files": limits.max_files, "names": Verbatim(", ".join(names))},
        )
    return None


def attached_text_too_long(question: str, uploads: Sequence[Upload], max_chars: int) -> Message | None:
    """Why the question with the text Flowise extracted from its files (Full File Upload) is too long
    to send, or None. That text goes into the prompt with the question, so it costs as much."""
    texts = [upload for upload in uploads if upload.type == FULL_FILE]
    length = len(question) + sum(len(upload.data) for upload in texts)
    if not texts or length <= max_chars:
        return None
    names = Verbatim(", ".join(upload.name for upload in texts))
    return Message("limits.attached_too_long", {"length": length, "max_chars": max_chars, "names": names})
