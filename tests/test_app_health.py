"""The chat page's health line: whether Flowise is reached, the flow's name, streaming."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from testbed.wire.flows import API_KEY, RUN_ONLY_KEY, Scenario
from tests.app_cases import unreachable_app
from tests.page import APP, ask, health_line


def test_health_line_shows_reached_flow_name_and_streaming(app, wire):
    def pings():
        return sum(r.path == "/api/v1/ping" for r in wire.received)

    before = pings()
    at = app(Scenario.ECHO, FLOWISE_API_KEY=API_KEY)
    line = health_line(at)
    assert "Flowise reached" in line
    assert "Flow name: Echo \\*test\\* \\[flow\\]" in line  # shown as typed, not as Markdown
    assert "Answers stream as they are written" in line
    ask(at, "one").run()
    assert pings() == before + 1  # cached for the session, not asked on every rerun


def test_health_line_without_a_key_that_may_read_the_flow(app):
    for at in (app(Scenario.JSON_ONLY), app(Scenario.JSON_ONLY, FLOWISE_API_KEY=RUN_ONLY_KEY)):
        line = health_line(at)
        assert "Flowise reached" in line and "Flow name" not in line
        assert "Answers arrive in one piece" in line


def test_health_line_of_an_unreachable_server(monkeypatch):
    at = unreachable_app(monkeypatch)
    assert not at.exception
    line = health_line(at)
    assert "Flowise not reached" in line and "connection refused" in line


def test_health_line_of_the_demo_flow():
    at = AppTest.from_file(APP, default_timeout=30).run()
    line = health_line(at)
    assert "Flowise reached" in line and "Flow name: Built\\-in demo flow" in line
