"""The shared password's rules."""

from __future__ import annotations

from chat.access import MAX_ATTEMPTS, PasswordGate, password_matches


def test_compare_is_exact_and_handles_non_ascii():
    assert password_matches("пароль-🔑", "пароль-🔑")
    assert not password_matches("пароль", "пароль-🔑")
    assert not password_matches("Secret", "secret")
    assert not password_matches("", "secret")


def test_right_password_unlocks():
    gate = PasswordGate()
    assert not gate.try_password("wrong", "secret")
    assert gate.attempts_left == MAX_ATTEMPTS - 1
    assert gate.try_password("secret", "secret")
    assert gate.unlocked and not gate.locked


def test_five_wrong_tries_lock_and_then_nothing_is_checked():
    gate = PasswordGate()
    for _ in range(MAX_ATTEMPTS):
        assert not gate.try_password("wrong", "secret")
    assert MAX_ATTEMPTS == 5
    assert gate.locked and gate.attempts_left == 0
    # Locked means locked: not even the right password opens it, and failures stop counting.
    assert not gate.try_password("secret", "secret")
    assert gate.failures == MAX_ATTEMPTS and not gate.unlocked
