"""This session's way past the shared password: its tries, and the throttle of the place it connects from."""

from __future__ import annotations

from .access import PasswordGate, PlaceThrottle
from .app_wide import app_wide
from .client_place import Network, current_place
from .session import PASSWORD_GATE, kept


def password_gate() -> PasswordGate:
    return kept(PASSWORD_GATE, PasswordGate)


def password_throttle(trusted_proxies: tuple[Network, ...]) -> tuple[PlaceThrottle, bool]:
    """The throttle of the place this session connects from, and whether an X-Forwarded-For header
    it sent was not believed."""
    place = current_place(trusted_proxies)
    return PlaceThrottle(app_wide().windows, place.key), place.header_ignored
