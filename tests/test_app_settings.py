"""The chat page's settings: environment and secrets, the API key, override config, bad settings."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from testbed.wire.flows import API_KEY, Scenario
from tests.page import APP, ask, chat_id, page_text


def test_right_api_key_is_sent(app, wire):
    at = ask(app(Scenario.PROTECTED, FLOWISE_API_KEY=API_KEY), "Hello?")
    assert not at.error
    assert wire.predictions(Scenario.PROTECTED)[-1].headers["Authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in page_text(at)


def test_secrets_are_used_when_environment_is_empty(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", "")  # empty counts as unset
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["APP_URL"] = wire.url
    at.secrets["FLOW_ID"] = Scenario.ECHO
    at = ask(at.run(), "via secrets")
    assert "You asked: via secrets" in page_text(at)


def test_environment_wins_over_secrets(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.ECHO)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["FLOWISE_URL"] = "http://127.0.0.1:9"
    at.secrets["FLOWISE_FLOW_ID"] = Scenario.RAG
    at = ask(at.run(), "via env")
    assert "You asked: via env" in page_text(at)


def test_bad_setting_shows_how_to_fix_it(monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", "localhost:3000")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "must be the address of your Flowise server" in at.error[0].value
    assert not at.chat_input


def test_override_config_from_secrets_goes_with_every_question_under_the_chat_id(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.ECHO)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["FLOWISE_OVERRIDE_CONFIG"] = {"temperature": 0.2, "vars": {"team": "sales"}, "sessionId": "shared"}
    at = ask(ask(at.run(), "First"), "Second")
    first, second = wire.predictions(Scenario.ECHO)[-2:]
    expected = {"temperature": 0.2, "vars": {"team": "sales"}, "sessionId": chat_id(at)}
    assert first.body["overrideConfig"] == second.body["overrideConfig"] == expected


def test_no_override_config_sends_none(app, wire):
    ask(app(Scenario.ECHO), "Plain")
    assert "overrideConfig" not in wire.predictions(Scenario.ECHO)[-1].body
