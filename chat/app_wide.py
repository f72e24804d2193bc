"""What every browser session of this app process counts together: budgets and throttles that a
person cannot escape by opening a new tab or reloading the page.

Per-session state lives in ``st.session_state``; this is the one other place that holds state, and
it holds only counters. The counters are behind a small interface (``WindowCounter``, ``Slots``) so
that a store shared by several app processes can take the place of the in-process one.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

import streamlit as st


class WindowCounter(Protocol):
    def take(self, key: str, limit: int, seconds: float) -> float:
        """Count one more event under ``key`` if fewer than ``limit`` happened in the last ``seconds``,
        and return 0; otherwise count nothing and return the seconds until one would fit. A
        ``limit`` of 0 or less is no limit."""

    def record(self, key: str, seconds: float) -> None:
        """Count one event under ``key``, whatever the limit; it is forgotten after ``seconds``."""

    def count(self, key: str, seconds: float) -> int:
        """How many events under ``key`` happened in the last ``seconds``."""

    def wait(self, key: str, limit: int, seconds: float) -> float:
        """Seconds until fewer than ``limit`` events under ``key`` fall in the last ``seconds``."""


class Slots(Protocol):
    def acquire(self, key: str, limit: int) -> bool:
        """Take one of ``limit`` slots under ``key``; False when all are taken. 0 or less: no limit."""

    def release(self, key: str) -> None:
        """Give back a slot taken with ``acquire``."""


@dataclass
class LocalWindowCounter:
    """Sliding windows held in this process, safe across the sessions' threads."""

    clock: Callable[[], float] = time.monotonic
    _events: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, seconds: float) -> deque[float]:
        events = self._events.setdefault(key, deque())
        horizon = self.clock() - seconds
        while events and events[0] <= horizon:
            events.popleft()
        return events

    def _wait(self, events: deque[float], limit: int, seconds: float) -> float:
        if limit <= 0 or len(events) < limit:
            return 0.0
        # The event that has to leave the window for one more to fit.
        return max(events[-limit] + seconds - self.clock(), 0.0) or 1e-9

    def take(self, key: str, limit: int, seconds: float) -> float:
        with self._lock:
            events = self._recent(key, seconds)
            wait = self._wait(events, limit, seconds)
            if not wait:
                events.append(self.clock())
            return wait

    def record(self, key: str, seconds: float) -> None:
        with self._lock:
            self._recent(key, seconds).append(self.clock())

    def count(self, key: str, seconds: float) -> int:
        with self._lock:
            return len(self._recent(key, seconds))

    def wait(self, key: str, limit: int, seconds: float) -> float:
        with self._lock:
            return self._wait(self._recent(key, seconds), limit, seconds)


@dataclass
class LocalSlots:
    """Counted slots held in this process, safe across the sessions' threads."""

    _taken: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def acquire(self, key: str, limit: int) -> bool:
        with self._lock:
            taken = self._taken.get(key, 0)
            if 0 < limit <= taken:
                return False
            self._taken[key] = taken + 1
            return True

    def release(self, key: str) -> None:
        with self._lock:
            self._taken[key] = max(self._taken.get(key, 0) - 1, 0)


@contextmanager
def slot(slots: Slots, key: str, limit: int) -> Iterator[bool]:
    """Whether a slot could be taken; a slot taken is given back however the block ends."""
    taken = slots.acquire(key, limit)
    try:
        yield taken
    finally:
        if taken:
            slots.release(key)


@dataclass(frozen=True)
class AppWide:
    windows: WindowCounter
    slots: Slots


@st.cache_resource(show_spinner=False)
def app_wide() -> AppWide:
    """The counters every session of this process shares."""
    return AppWide(LocalWindowCounter(), LocalSlots())
