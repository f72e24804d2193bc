"""Guessing the password from fresh browser sessions, with and without forged X-Forwarded-For headers,
and logging in through a real OpenID Connect provider (oidc-provider-mock) running on this machine,
in Chromium against `streamlit run`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import oidc_provider_mock
import pytest
import requests
import werkzeug.serving
from playwright.sync_api import Browser, BrowserContext, Page, expect

from testbed.browser import assistant_messages, send, streamlit_app
from testbed.wire.flows import Scenario

PASSWORD = "a long passphrase, not guessed"
COOLING = "Too many wrong passwords came from your network address in the last 15 minutes (10)"


def new_session(browser: Browser, forwarded_for: str | None = None) -> tuple[BrowserContext, Page]:
    """A browser context of its own (a new Streamlit session), sending X-Forwarded-For if given
    (Chromium sends it with the websocket's handshake too, which is what Streamlit reads)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    context = browser.new_context(viewport={"width": 1100, "height": 1000}, extra_http_headers=headers)
    page = context.new_page()
    return context, page


def open_password_page(browser: Browser, url: str, forwarded_for: str | None = None) -> tuple[BrowserContext, Page]:
    context, page = new_session(browser, forwarded_for)
    page.goto(url)
    expect(page.get_by_test_id("stAlertContentError").or_(page.get_by_test_id("stTextInputRootElement"))).to_be_visible(
        timeout=30_000
    )
    return context, page


def enter(page: Page, attempt: str) -> None:
    page.get_by_test_id("stTextInputRootElement").locator("input").fill(attempt)
    page.get_by_role("button", name="Enter").click()


def guess_ten_times(browser: Browser, url: str, forwarded_for=lambda session: None) -> Page:
    """Ten wrong passwords, two in each of five fresh sessions; the last page, left open."""
    failures = 0
    for session in range(5):
        context, page = open_password_page(browser, url, forwarded_for(session))
        for in_session in range(1, 3):
            enter(page, f"guess {failures}")
            failures += 1
            left = min(5 - in_session, 10 - failures)
            said = (
                COOLING
                if not left
                else "Wrong password. 1 try left."
                if left == 1
                else f"Wrong password. {left} tries left."
            )
            expect(page.get_by_test_id("stAlertContentError")).to_contain_text(said, timeout=20_000)
        if session < 4:
            context.close()
    return page


def assert_cooling_down(page: Page) -> None:
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text(COOLING)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("Try again in 15 minutes.")
    expect(page.get_by_test_id("stTextInputRootElement")).to_have_count(0)
    expect(page.get_by_test_id("stChatInputTextArea")).to_have_count(0)


def password_app(tmp_path: Path, wire, **settings: str):
    return streamlit_app(
        tmp_path, FLOWISE_URL=wire.url, FLOWISE_FLOW_ID=Scenario.ECHO, APP_PASSWORD=PASSWORD, **settings
    )


def test_ten_wrong_tries_over_fresh_sessions_refuse_the_right_password_in_a_new_one(browser, wire, tmp_path):
    with password_app(tmp_path, wire) as app:
        last = guess_ten_times(browser, app.url)
        assert_cooling_down(last)
        context, page = open_password_page(browser, app.url)
        assert_cooling_down(page)
        assert PASSWORD not in page.content() and PASSWORD not in app.log()
        context.close()
        last.context.close()


def test_a_forged_x_forwarded_for_that_rotates_is_still_throttled(browser, wire, tmp_path):
    # No proxy is trusted: Streamlit's server would believe this header from localhost, the app does not.
    with password_app(tmp_path, wire) as app:
        guess_ten_times(browser, app.url, lambda session: f"198.51.100.{session}").context.close()
        context, page = open_password_page(browser, app.url, "192.0.2.77")
        assert_cooling_down(page)
        context.close()
        assert "X-Forwarded-For header came from a peer not listed in FORWARDED_ALLOW_IPS" in app.log()


def test_behind_a_trusted_proxy_one_client_s_guessing_does_not_lock_out_another(browser, wire, tmp_path):
    # The browser plays the proxy on this machine: the last hop is the client it saw, anything
    # before it is what the client sent (and rotates).
    with password_app(tmp_path, wire, FORWARDED_ALLOW_IPS="127.0.0.1, ::1") as app:
        guess_ten_times(browser, app.url, lambda session: f"6.6.6.{session}, 203.0.113.1").context.close()
        context, page = open_password_page(browser, app.url, "7.7.7.7, 203.0.113.1")
        assert_cooling_down(page)
        context.close()
        context, page = open_password_page(browser, app.url, "6.6.6.0, 203.0.113.2")
        enter(page, PASSWORD)
        expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=20_000)
        context.close()


# -- logging in through a real OpenID Connect provider -----------------------------------------------


@pytest.fixture(scope="module")
def oidc() -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1 on a free port: it signs in whoever is typed into its form,
    with the claims last PUT for that subject."""
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


def secrets_with_login(tmp_path: Path, oidc: str) -> Path:
    """A secrets.toml of the test's own, with [auth] pointing at the provider; {port} is filled in
    by Streamlit with the port the app runs on."""
    path = tmp_path / "secrets.toml"
    path.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-that-is-long-enough-0123456789"\n'
        'client_id = "flowise-chat"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{oidc}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def login_apps(oidc, wire, tmp_path_factory):
    """The app with an email allowlist, and the app with none, both logging in through ``oidc``."""
    folder = tmp_path_factory.mktemp("login")
    secrets = secrets_with_login(folder, oidc)
    flow = {"FLOWISE_URL": wire.url, "FLOWISE_FLOW_ID": Scenario.ECHO}
    allowlist = {"ALLOWED_EMAILS": "ada@example.com", "ALLOWED_EMAIL_DOMAINS": "team.example"}
    with (
        streamlit_app(folder, secrets=secrets, **flow, **allowlist) as listed,
        streamlit_app(folder, secrets=secrets, **flow) as open_to_all,
    ):
        yield {"listed": listed, "open": open_to_all}


def log_in(browser: Browser, oidc: str, app_url: str, subject: str, claims: dict | None) -> Page:
    """Logs ``subject`` in at the provider's form, with ``claims`` (None: the provider's default,
    an email equal to the subject and nothing about whether it is verified)."""
    if claims is not None:
        response = requests.put(f"{oidc}/users/{quote(subject)}", json=claims, timeout=10)
        assert response.status_code == 204
    _, page = new_session(browser)
    page.goto(app_url)
    page.get_by_role("button", name="Log in").click(timeout=30_000)
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    return page


def test_an_allowed_email_logs_in_and_chats(browser, oidc, login_apps):
    page = log_in(browser, oidc, login_apps["listed"].url, "ada", {"email": "Ada@Example.com", "email_verified": True})
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=30_000)
    send(page, "Hello after logging in")
    expect(assistant_messages(page).last).to_contain_text("You asked: Hello after logging in", timeout=20_000)
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Log out")).to_be_visible()
    page.context.close()


@pytest.mark.parametrize(
    ("subject", "claims", "words"),
    [
        (
            "mallory",
            {"email": "mallory@example.com", "email_verified": True},
            "You are logged in as mallory@example.com, and this address may not use this chat.",
        ),
        (
            "impostor",
            {"email": "ada@example.com", "email_verified": False},
            "You are logged in as ada@example.com, but your login provider has not confirmed",
        ),
        ("grace@team.example", None, "your login provider has not confirmed that this address is yours"),
    ],
)
def test_a_refused_email_sees_why_and_no_question_box(browser, oidc, login_apps, wire, subject, claims, words):
    before = len(wire.predictions(Scenario.ECHO))
    page = log_in(browser, oidc, login_apps["listed"].url, subject, claims)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text(words, timeout=30_000)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_test_id("stChatInputTextArea")).to_have_count(0)
    expect(page.get_by_test_id("stChatMessage")).to_have_count(0)
    assert len(wire.predictions(Scenario.ECHO)) == before
    # Log out ends the session at the provider too (its form asks to confirm), then the app asks to log in.
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="End session").click(timeout=30_000)
    expect(page.get_by_role("button", name="Log in")).to_be_visible(timeout=30_000)
    page.context.close()


def test_without_an_allowlist_anyone_the_provider_authenticates_gets_in(browser, oidc, login_apps):
    page = log_in(browser, oidc, login_apps["open"].url, "anyone@anywhere.example", None)
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=30_000)
    page.context.close()
    assert "anyone the login provider authenticates may use the chat" in login_apps["open"].log()
