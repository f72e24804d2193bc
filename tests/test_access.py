"""The shared password's rules: per session, and per place across every session."""

from __future__ import annotations

from chat.access import (
    MAX_ATTEMPTS,
    PLACE_ATTEMPTS,
    PLACE_WINDOW_SECONDS,
    PasswordGate,
    PlaceThrottle,
    password_matches,
    refusal,
    short_password,
    wrong_password,
)
from chat.app_wide import LocalWindowCounter
from chat.i18n import Message


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def throttle(place: str | None = "203.0.113.7", clock: Clock | None = None) -> PlaceThrottle:
    return PlaceThrottle(LocalWindowCounter(clock=clock or Clock()), place)


def test_compare_is_exact_and_handles_non_ascii():
    assert password_matches("пароль-🔑", "пароль-🔑")
    assert not password_matches("пароль", "пароль-🔑")
    assert not password_matches("Secret", "secret")
    assert not password_matches("", "secret")


def test_right_password_unlocks():
    gate, place = PasswordGate(), throttle()
    assert not gate.try_password("wrong", "secret", place)
    assert gate.attempts_left == MAX_ATTEMPTS - 1
    assert gate.try_password("secret", "secret", place)
    assert gate.unlocked and not gate.locked and refusal(gate, place) is None


def test_five_wrong_tries_lock_and_then_nothing_is_checked():
    gate, place = PasswordGate(), throttle()
    for _ in range(MAX_ATTEMPTS):
        assert not gate.try_password("wrong", "secret", place)
    assert MAX_ATTEMPTS == 5
    assert gate.locked and gate.attempts_left == 0
    # Locked means locked: not even the right password opens it, and failures stop counting.
    assert not gate.try_password("secret", "secret", place)
    assert gate.failures == MAX_ATTEMPTS and not gate.unlocked
    assert refusal(gate, place) == Message("access.locked", {"max_attempts": MAX_ATTEMPTS})


def test_ten_failures_from_one_place_over_new_sessions_stop_all_checking_there():
    clock = Clock()
    windows = LocalWindowCounter(clock=clock)
    place = PlaceThrottle(windows, "203.0.113.7")
    for _ in range(PLACE_ATTEMPTS // 2):
        gate = PasswordGate()  # a reload: a fresh session
        for _ in range(2):
            assert not gate.try_password("wrong", "secret", place)
        clock.now += 60
    assert (PLACE_ATTEMPTS, PLACE_WINDOW_SECONDS) == (10, 900)
    fresh = PasswordGate()
    # Refused without being checked: the right password does not open it, and nothing is counted.
    assert not fresh.try_password("secret", "secret", place)
    assert fresh.failures == 0 and windows.count(place.key, PLACE_WINDOW_SECONDS) == PLACE_ATTEMPTS
    # The first failure was 5 minutes ago: 10 minutes until it leaves the 15-minute window.
    assert refusal(fresh, place) == Message(
        "access.cooling_down",
        {"max_attempts": 10, "window": 15, "minutes": 10},
    )
    # Another place is not affected.
    assert PasswordGate().try_password("secret", "secret", PlaceThrottle(windows, "198.51.100.1"))
    clock.now += 9 * 60 + 30
    assert refusal(fresh, place) == Message("access.cooling_down_one_minute", {"max_attempts": 10, "window": 15})
    clock.now += 31
    assert refusal(fresh, place) is None
    assert fresh.try_password("secret", "secret", place)


def test_every_unknown_address_is_one_place():
    windows = LocalWindowCounter(clock=Clock())
    assert PlaceThrottle(windows, None).key == "password:unknown"
    for _ in range(PLACE_ATTEMPTS):
        PasswordGate().try_password("wrong", "secret", PlaceThrottle(windows, None))
    assert refusal(PasswordGate(), PlaceThrottle(windows, None)) is not None


def test_tries_left_are_the_fewer_of_the_session_s_and_the_place_s():
    windows = LocalWindowCounter(clock=Clock())
    place = PlaceThrottle(windows, "203.0.113.7")
    for _ in range(7):
        place.failed()
    gate = PasswordGate()
    gate.try_password("wrong", "secret", place)
    assert wrong_password(gate, place) == Message("access.wrong_password", {"left": 2})
    gate.try_password("wrong", "secret", place)
    assert wrong_password(gate, place) == Message("access.wrong_password_last")
    assert wrong_password(PasswordGate(failures=3), throttle()) == Message("access.wrong_password", {"left": 2})


def test_a_password_under_twelve_characters_is_short():
    assert short_password("hunter2") and short_password("пароль-🔑ab1")
    assert not short_password("a long passphrase")
