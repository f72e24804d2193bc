"""The shared password's rules: a constant-time compare and a few tries per browser session."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

# Enough for typos, too few to guess a password: after these the session stops checking.
MAX_ATTEMPTS = 5


def password_matches(attempt: str, password: str) -> bool:
    # compare_digest on bytes: the time taken does not tell how much of the attempt was right,
    # and non-ASCII passwords compare like any other.
    return hmac.compare_digest(attempt.encode("utf-8"), password.encode("utf-8"))


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

    def try_password(self, attempt: str, password: str) -> bool:
        """Whether this session may chat now; a locked session is not checked at all."""
        if self.unlocked or self.locked:
            return self.unlocked
        if password_matches(attempt, password):
            self.unlocked = True
        else:
            self.failures += 1
        return self.unlocked
