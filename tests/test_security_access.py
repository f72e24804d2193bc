"""Guessing the password from fresh sessions and forged addresses, and logging in with an account the
app does not admit, through AppTest. Each AppTest is a new browser session of the same process, so
they share the app-wide counts as a reload would (conftest clears them between tests)."""

from __future__ import annotations

import importlib.util
import logging
import re

import pytest
from streamlit.testing.v1 import AppTest

from chat.client_place import Connection, forwarded_hops
from chat.setup_warnings import _warn_once
from testbed.wire.flows import Scenario
from tests.app_cases import AUTH, PASSWORD
from tests.page import APP, ask, enter_password, page_text, sent_to_browser

COOLING = "Too many wrong passwords came from your network address in the last 15 minutes (10)"


@pytest.fixture
def start(wire, monkeypatch):
    """A new session of the page on the echo flow, the password set, with these settings."""

    def new_session(secrets: dict | None = None, **env: str) -> AppTest:
        for name, value in {
            "FLOWISE_URL": wire.url,
            "FLOWISE_FLOW_ID": Scenario.ECHO,
            "APP_PASSWORD": PASSWORD,
            **env,
        }.items():
            monkeypatch.setenv(name, value)
        at = AppTest.from_file(APP, default_timeout=30)
        for name, value in (secrets or {}).items():
            at.secrets[name] = value
        return at.run()

    return new_session


@pytest.fixture
def connect_from(monkeypatch):
    """Makes the next sessions connect as ``reported`` with these X-Forwarded-For values, as Streamlit
    would report it (AppTest has no connection of its own)."""

    def set_connection(reported: str | None, *forwarded_for: str) -> None:
        connection = Connection(reported, forwarded_hops(forwarded_for))
        monkeypatch.setattr("chat.client_place.connection", lambda: connection)

    return set_connection


@pytest.fixture
def setup_log(caplog):
    """The warnings about the setup, said afresh in this test (they are said once per process)."""
    _warn_once.cache_clear()
    caplog.set_level(logging.WARNING, logger="chat.setup_warnings")
    yield caplog
    _warn_once.cache_clear()


def fail_in_fresh_sessions(start, tries: int, before_each=lambda n: None, **settings) -> AppTest:
    """``tries`` wrong passwords, two per new session; the last session."""
    at = None
    for n in range(tries):
        if n % 2 == 0:
            before_each(n)
            at = start(**settings)
        at = enter_password(at, f"guess-{n}")
    return at


def shown(markdown: str) -> str:
    """Markdown as it reads on the page: without the backslashes that keep characters literal."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def assert_cooling_down(at: AppTest) -> None:
    (error,) = at.error
    assert error.value.startswith(COOLING) and "Try again in 15 minutes." in error.value
    assert not at.text_input and not at.chat_input


def assert_chats(at: AppTest) -> None:
    at = enter_password(at, PASSWORD)
    assert "You asked: hello" in page_text(ask(at, "hello"))


def test_ten_wrong_tries_over_fresh_sessions_refuse_even_the_right_password(start, wire):
    before = len(wire.received)
    waiting = start()  # a page opened earlier, its form still showing
    last = fail_in_fresh_sessions(start, 10)
    # The tenth wrong try already says so, and the form is gone.
    assert_cooling_down(last)
    fresh = start()
    assert_cooling_down(fresh)
    # The right password from the page that still has its form is not checked either.
    assert_cooling_down(enter_password(waiting, PASSWORD))
    assert len(wire.received) == before
    assert PASSWORD not in sent_to_browser(fresh)


def test_nine_wrong_tries_over_fresh_sessions_still_let_the_right_password_in(start):
    fail_in_fresh_sessions(start, 8)
    # A fresh session has five tries of its own, but its place has two left.
    at = enter_password(start(), "guess-8")
    assert at.error[0].value == "Wrong password. 1 try left."
    assert_chats(at)


def test_rotating_x_forwarded_for_from_localhost_is_still_throttled(start, connect_from):
    # Streamlit's server believes loopback's header and reports the forged address; the app does not.
    fail_in_fresh_sessions(start, 10, lambda n: connect_from(f"198.51.100.{n}", f"198.51.100.{n}"))
    connect_from("192.0.2.77", "192.0.2.77")
    assert_cooling_down(start())


def test_rotating_x_forwarded_for_from_an_untrusted_peer_is_still_throttled(start, connect_from, setup_log):
    fail_in_fresh_sessions(
        start, 10, lambda n: connect_from("203.0.113.9", f"198.51.100.{n}"), FORWARDED_ALLOW_IPS="10.0.0.5"
    )
    connect_from("203.0.113.9", "192.0.2.77")
    assert_cooling_down(start(FORWARDED_ALLOW_IPS="10.0.0.5"))
    assert "X-Forwarded-For header came from a peer not listed in FORWARDED_ALLOW_IPS" in setup_log.text


def test_a_proxy_trusted_in_the_environment_separates_two_clients(start, connect_from):
    # Streamlit's server read the same variable, so it already reports the client.
    env = {"FORWARDED_ALLOW_IPS": "10.0.0.5"}
    assert_cooling_down(fail_in_fresh_sessions(start, 10, lambda n: connect_from("203.0.113.1", "203.0.113.1"), **env))
    connect_from("203.0.113.2", "203.0.113.2")
    assert_chats(start(**env))


def test_a_proxy_trusted_in_secrets_separates_two_clients(start, connect_from):
    # The server, on its default, reports the proxy itself; what the client forged comes first.
    secrets = {"FORWARDED_ALLOW_IPS": ["10.0.0.5"]}
    guessing = lambda n: connect_from("10.0.0.5", "6.6.6.6", f"6.6.6.{n}, 203.0.113.1")  # noqa: E731
    assert_cooling_down(fail_in_fresh_sessions(start, 10, guessing, secrets=secrets))
    connect_from("10.0.0.5", "203.0.113.2")
    assert_chats(start(secrets=secrets))


def test_a_short_password_is_warned_about_once_and_never_logged(start, setup_log):
    for _ in range(2):
        start(APP_PASSWORD="hunter2")
    warnings = [r.getMessage() for r in setup_log.records if "APP_PASSWORD is shorter than 12" in r.getMessage()]
    assert len(warnings) == 1
    assert "hunter2" not in setup_log.text
    start(APP_PASSWORD="a long passphrase, not warned about")
    assert len([r for r in setup_log.records if r.name == "chat.setup_warnings"]) == 1


# -- the login's allowlist --------------------------------------------------------------------------


def login_app(wire, monkeypatch, user: dict, **env: str) -> AppTest:
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.ECHO)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, **user}
    return at.run()


ALLOWED = {"ALLOWED_EMAILS": "ada@example.com", "ALLOWED_EMAIL_DOMAINS": "team.example"}


@pytest.mark.parametrize("email", ["ada@example.com", "Ada@Example.com", "grace@team.example"])
def test_an_allowed_verified_email_chats(wire, monkeypatch, email):
    at = login_app(wire, monkeypatch, {"email": email, "email_verified": True}, **ALLOWED)
    assert not at.error
    assert "You asked: allowed" in page_text(ask(at, "allowed"))


@pytest.mark.parametrize(
    ("user", "words"),
    [
        (
            {"email": "mallory@example.com", "email_verified": True},
            "You are logged in as mallory@example.com, and this address may not",
        ),
        ({"email": "ada@example.com.evil", "email_verified": True}, "and this address may not use this chat"),
        ({"email": "eve@sub.team.example", "email_verified": True}, "and this address may not use this chat"),
        ({"email": "ada@example.com", "email_verified": False}, "has not confirmed that this address is yours"),
        ({"email": "ada@example.com"}, "has not confirmed that this address is yours"),
        ({"email": "grace@team.example", "email_verified": "false"}, "has not confirmed that this address is yours"),
        ({"name": "No Email"}, "did not tell this app your email address"),
    ],
)
def test_a_refused_login_sees_why_and_a_log_out_button_and_nothing_of_the_chat(wire, monkeypatch, user, words):
    before = len(wire.received)
    at = login_app(wire, monkeypatch, user, **ALLOWED)
    (error,) = at.error
    assert words in shown(error.value)
    assert [b.label for b in at.button] == ["Log out"]
    assert not at.chat_input and not at.chat_message and not at.sidebar.button
    assert len(wire.received) == before


def test_a_provider_s_address_is_shown_as_written():
    from chat.i18n import Message, Verbatim
    from components.markdown import as_written

    refused = as_written(Message("access.email_not_allowed", {"email": Verbatim("**x**@example.com")}))
    assert r"logged in as \*\*x\*\*@example\.com," in refused.text("en")


def test_the_refusal_speaks_russian(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.ECHO)
    monkeypatch.setenv("ALLOWED_EMAILS", "ada@example.com")
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "ru-RU"
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "mallory@example.com", "email_verified": True}
    at = at.run()
    assert shown(at.error[0].value).startswith("Вы вошли как mallory@example.com, а этому адресу не разрешено")
    assert [b.label for b in at.button] == ["Выйти"]


def test_without_an_allowlist_anyone_logged_in_chats_and_the_log_says_so(wire, monkeypatch, setup_log):
    at = login_app(wire, monkeypatch, {"email": "anyone@anywhere.example"})
    assert "You asked: open" in page_text(ask(at, "open"))
    assert "anyone the login provider authenticates may use the chat" in setup_log.text


def test_a_login_without_httpx_fails_closed_naming_streamlit_auth(wire, monkeypatch):
    # Authlib alone is not enough: Streamlit's login also imports httpx.
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "httpx" else real_find_spec(name, *a)
    )
    at = login_app(wire, monkeypatch, {"is_logged_in": False})
    (error,) = at.error
    assert "are not installed (httpx)" in error.value and 'pip install "streamlit[auth]==1.67.0"' in error.value
    assert "`streamlit[auth]==1.67.0` instead of `streamlit==1.67.0`" in error.value
    assert not at.button and not at.chat_input
