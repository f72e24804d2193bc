"""Per-session limits on questions: how long one may be, and how many a minute may bring."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from .i18n import Message


@dataclass(frozen=True)
class QuestionLimits:
    max_chars: int
    per_minute: int  # 0: no limit


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


def admit(question: str, limits: QuestionLimits, window: SlidingWindow) -> Rejection | None:
    """None and the question counted if it may go to the flow; otherwise why not."""
    if len(question) > limits.max_chars:
        why = Message("limits.too_long", {"length": len(question), "max_chars": limits.max_chars})
        return Rejection(why, question)
    if wait := window.wait(limits.per_minute):
        seconds = math.ceil(wait)
        if seconds == 1:
            why = Message("limits.too_many_one_second", {"per_minute": limits.per_minute})
        else:
            why = Message("limits.too_many", {"per_minute": limits.per_minute, "seconds": seconds})
        return Rejection(why, question)
    window.record()
    return None
