"""The chat page set up for the feature tests (AppTest): a password, a login, an unreachable server, two
flows; and the feedback that reached the wire."""

from __future__ import annotations

import socket

from streamlit.testing.v1 import AppTest

from testbed.wire.flows import API_KEY, Scenario
from tests.page import APP

PASSWORD = "s3cret-пароль"


def unreachable_app(monkeypatch) -> AppTest:
    """The app pointed at a port where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("FLOWISE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.RAG)
    return AppTest.from_file(APP, default_timeout=30).run()


def feedback_sent(wire) -> list:
    return [r for r in wire.received if r.path.startswith("/api/v1/feedback")]


# Two flows that answer differently: "welcome" echoes the question and has starter prompts, "json-only"
# answers with the recorded rag answer and does not stream.
SECOND_KEY = "sk-second-flow-5c1e"
TWO_FLOWS = [
    {
        "name": "Greeter *one*",
        "id": Scenario.WELCOME,
        "description": "Says **hello**",
        "api_key": API_KEY,
        "override_config": {"temperature": 0.1},
    },
    {"name": "Facts", "id": Scenario.JSON_ONLY, "api_key": SECOND_KEY, "overrideConfig": {"vars": {"team": "facts"}}},
]


def flows_app(wire, flows: list, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["FLOWISE_URL"] = wire.url
    at.secrets["flows"] = flows
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-cookie-secret",
    "client_id": "client-id",
    "client_secret": "client-secret",
    "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration",
}
