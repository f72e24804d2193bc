"""The shared password's rules: a constant-time compare, a few tries per browser session, and a
throttle per place (client address) that a new session does not escape."""

from __future__ import annotations

import hmac
import math
from dataclasses import dataclass

from .app_wide import WindowCounter
from .i18n import Message

# Enough for typos, too few to guess a password: after these the session stops checking.
MAX_ATTEMPTS = 5
# A reload is a new session, so the tries are also counted per place across every session: after
# this many failures from one place in the window, no password from there is checked until the
# oldest of them leaves the window.
PLACE_ATTEMPTS = 10
PLACE_WINDOW_SECONDS = 15 * 60
# Shorter than this, a password falls to guessing spread over many addresses: said in the log.
SHORT_PASSWORD = 12


def password_matches(attempt: str, password: str) -> bool:
    # compare_digest on bytes: the time taken does not tell how much of the attempt was right,
    # and non-ASCII passwords compare like any other.
    return hmac.compare_digest(attempt.encode("utf-8"), password.encode("utf-8"))


@dataclass(frozen=True)
class PlaceThrottle:
    """The failed tries from one place, counted by every session of the app together."""

    windows: WindowCounter
    # An address or network (chat.client_place); None: every place whose address is unknown.
    place: str | None

    @property
    def key(self) -> str:
        return f"password:{self.place or 'unknown'}"

    def cooling_down(self) -> float:
        """Seconds until a password from this place is checked again; 0: now."""
        return self.windows.wait(self.key, PLACE_ATTEMPTS, PLACE_WINDOW_SECONDS)

    def attempts_left(self) -> int:
        return max(PLACE_ATTEMPTS - self.windows.count(self.key, PLACE_WINDOW_SECONDS), 0)

    def failed(self) -> None:
        self.windows.record(self.key, PLACE_WINDOW_SECONDS)


@dataclass
class PasswordGate:
    """One browser session's standing with the password."""

    failures: int = 0
    unlocked: bool = False

    @property
    def locked(self) -> bool:
        return not self.unlocked and self.failures >= MAX_ATTEMPTS

    @property
    def attempts_left(self) -> int:
        return max(MAX_ATTEMPTS - self.failures, 0)

    def try_password(self, attempt: str, password: str, throttle: PlaceThrottle) -> bool:
        """Whether this session may chat now. Neither a locked session nor a place cooling down is
        checked at all. Two sessions of one place trying at the same moment may both be checked:
        the count may pass its limit by the tries in flight, never by more."""
        if self.unlocked or self.locked or throttle.cooling_down():
            return self.unlocked
        if password_matches(attempt, password):
            self.unlocked = True
        else:
            self.failures += 1
            throttle.failed()
        return self.unlocked


def refusal(gate: PasswordGate, throttle: PlaceThrottle) -> Message | None:
    """Why no password can be tried now, if none can."""
    if gate.locked:
        return Message("access.locked", {"max_attempts": MAX_ATTEMPTS})
    if seconds := throttle.cooling_down():
        minutes = max(math.ceil(seconds / 60), 1)
        values = {"max_attempts": PLACE_ATTEMPTS, "window": PLACE_WINDOW_SECONDS // 60}
        if minutes == 1:
            return Message("access.cooling_down_one_minute", values)
        return Message("access.cooling_down", {**values, "minutes": minutes})
    return None


def wrong_password(gate: PasswordGate, throttle: PlaceThrottle) -> Message:
    """What a wrong password that left tries says: the fewer of this session's and this place's."""
    left = min(gate.attempts_left, throttle.attempts_left())
    return Message("access.wrong_password_last") if left == 1 else Message("access.wrong_password", {"left": left})


def short_password(password: str) -> bool:
    return len(password) < SHORT_PASSWORD
