"""The health checks: ping and flow name from the client, and what the sidebar is told."""

from __future__ import annotations

import socket

import pytest

from chat.health import Health, check_health
from demo_flow import start_demo_server
from flowise_client import FlowiseClient, FlowiseProtocolError, FlowiseUnreachableError
from testbed.wire.flows import API_KEY, RUN_ONLY_KEY, Scenario
from tests.local_server import serving


def free_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def login_page():
    """A server that answers everything with a login page, as a misconfigured proxy does."""

    with serving(lambda _: (200, "text/html", b"<html><body>Please log in</body></html>")) as url:
        yield url


def test_ping_reaches_flowise(wire):
    FlowiseClient(wire.url).ping()
    assert wire.received[-1].path == "/api/v1/ping"


def test_ping_of_something_else_is_a_protocol_error(login_page):
    with pytest.raises(FlowiseProtocolError, match='did not answer "pong"'):
        FlowiseClient(login_page).ping()


def test_ping_of_nothing_is_unreachable():
    with pytest.raises(FlowiseUnreachableError, match="Cannot reach Flowise"):
        FlowiseClient(free_url()).ping()


def test_flow_name_is_read_with_the_key(wire):
    assert FlowiseClient(wire.url, API_KEY).flow_details(Scenario.RAG).name == "Facts about France"
    request = wire.received[-1]
    assert (request.method, request.path) == ("GET", "/api/v1/chatflows/rag")
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"


@pytest.mark.parametrize(
    ("key", "flow_id"),
    [(None, Scenario.RAG), ("sk-wrong-0000", Scenario.RAG), (RUN_ONLY_KEY, Scenario.RAG), (API_KEY, "no-such-flow")],
    ids=["no key: 401", "wrong key: 401", "key without chatflows:view: 403", "unknown flow: 404"],
)
def test_flow_name_is_none_when_it_may_not_be_read(wire, key, flow_id):
    assert FlowiseClient(wire.url, key).flow_details(flow_id) is None


def test_health_of_a_reachable_server(wire):
    assert check_health(FlowiseClient(wire.url, API_KEY), Scenario.ECHO) == Health(None, "Echo *test* [flow]", False)
    assert check_health(FlowiseClient(wire.url), Scenario.ECHO) == Health(None, None)


def test_health_of_an_unreachable_server_says_why():
    health = check_health(FlowiseClient(free_url(), API_KEY), Scenario.ECHO)
    assert health.problem is not None
    problem = health.problem.text("en")
    assert "Cannot reach Flowise" in problem and "connection refused" in problem
    assert "Не удаётся связаться с Flowise" in health.problem.text(
        "ru"
    ) and "соединение отклонено" in health.problem.text("ru")


def test_demo_server_speaks_the_same_health_endpoints():
    server = start_demo_server(token_delay=0)
    try:
        client = FlowiseClient(server.base_url)
        assert check_health(client, server.flow_id) == Health(None, "Built-in demo flow")
        assert client.flow_details("nope") is None
    finally:
        server.stop()
