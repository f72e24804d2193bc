"""Who may use the chat page: the app password and the login."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from testbed.wire.flows import Scenario
from tests.app_cases import AUTH, PASSWORD
from tests.page import APP, ask, enter_password, page_text, sent_to_browser


def test_password_gate_keeps_the_chat_closed_until_the_right_password(app, wire):
    before = len(wire.received)
    at = app(Scenario.ECHO, APP_PASSWORD=PASSWORD)
    assert not at.chat_input and not at.sidebar.button
    assert at.text_input[0].label == "Password" and at.text_input[0].proto.type == at.text_input[0].proto.PASSWORD
    at = enter_password(at, "s3cret")
    assert at.error[0].value == "Wrong password. 4 tries left."
    assert not at.chat_input
    assert len(wire.received) == before  # nothing reached Flowise while the gate was closed
    at = enter_password(at, PASSWORD)
    assert not at.error and not at.text_input
    at = ask(at, "past the gate")
    assert "You asked: past the gate" in page_text(at)
    assert PASSWORD not in sent_to_browser(at) and "s3cret" not in sent_to_browser(at)


def test_five_wrong_passwords_lock_the_session(app, wire):
    at = app(Scenario.ECHO, APP_PASSWORD=PASSWORD)
    for attempt in ["a", "b", "c", "d"]:
        at = enter_password(at, attempt)
    assert at.error[0].value == "Wrong password. 1 try left."
    at = enter_password(at, "e")
    assert "this session is locked" in at.error[0].value and "Reload the page later" in at.error[0].value
    assert not at.text_input and not at.chat_input
    at.run()
    assert "this session is locked" in at.error[0].value and not at.text_input
    for attempt in "abcde":
        assert f'"{attempt}"' not in sent_to_browser(at)
    assert PASSWORD not in sent_to_browser(at)
    # Another browser session has its own tries.
    assert app(Scenario.ECHO, APP_PASSWORD=PASSWORD).text_input[0].label == "Password"


def test_password_from_secrets_and_never_in_the_page(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.ECHO)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["APP_PASSWORD"] = PASSWORD
    at = enter_password(at.run(), "nope")
    assert "Wrong password" in at.error[0].value
    assert PASSWORD not in sent_to_browser(at) and '"nope"' not in sent_to_browser(at)


def auth_app(wire, monkeypatch, user: dict) -> AppTest:
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.ECHO)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = AUTH
    at.user = user
    return at.run()


def test_login_is_required_when_auth_is_configured(wire, monkeypatch):
    monkeypatch.setattr("components.access._missing_auth_packages", lambda: [])
    at = auth_app(wire, monkeypatch, {"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert "Log in to use this chat" in at.info[0].value
    assert not at.chat_input
    assert "client-secret" not in sent_to_browser(at) and "a-long-random-cookie-secret" not in sent_to_browser(at)


def test_login_without_its_packages_fails_closed_with_instructions(wire, monkeypatch):
    monkeypatch.setattr("components.access._missing_auth_packages", lambda: ["httpx"])
    at = auth_app(wire, monkeypatch, {"is_logged_in": False})
    assert "not installed (httpx)" in at.error[0].value
    assert 'pip install "streamlit[auth]==1.67.0"' in at.error[0].value
    assert not at.chat_input and not at.button


def test_logged_in_user_chats_and_can_log_out(wire, monkeypatch):
    at = auth_app(wire, monkeypatch, {"is_logged_in": True, "email": "ada@example.com"})
    assert [b.label for b in at.sidebar.button] == ["New chat", "Log out"]
    at = ask(at, "signed in")
    assert "You asked: signed in" in page_text(at)
