from __future__ import annotations

from contextlib import ExitStack

import pytest
from playwright.sync_api import sync_playwright
from streamlit.testing.v1 import AppTest

from chat.app_wide import app_wide
from chat.setting_sources import SETTING_NAMES
from testbed.browser import CHROMIUM, CHROMIUM_FLAGS, streamlit_app
from testbed.wire.handler import FlowiseWire
from testbed.wire.server import start_wire
from tests.page import APP


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Every test starts from no settings at all, whatever the shell that runs pytest has."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def fresh_app_wide():
    """Every test starts with no app-wide counts: AppTest runs in this process, and its pages share
    one st.cache_resource, so one test's password failures would otherwise lock the next one out."""
    app_wide.clear()
    yield
    app_wide.clear()


@pytest.fixture(scope="session")
def wire() -> FlowiseWire:
    server = start_wire()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def app(wire, monkeypatch):
    """The page through AppTest, talking to ``flow_id`` on the wire server; with ``chat``, opened
    from that conversation's link."""

    def start(flow_id: str, chat: str | None = None, **env: str) -> AppTest:
        monkeypatch.setenv("FLOWISE_URL", wire.url)
        monkeypatch.setenv("FLOWISE_FLOW_ID", flow_id)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        at = AppTest.from_file(APP, default_timeout=30)
        if chat:
            at.query_params["chat"] = chat
        return at.run()

    return start


@pytest.fixture(scope="module")
def slow_wire():
    """A wire server for the browser tests of one module; a module may slow it down further."""
    # Slow enough that a person, and this test, can see the answer grow.
    server = start_wire(token_delay=0.01)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def apps(slow_wire, tmp_path_factory):
    """One running app per flow id and settings, on ``slow_wire``, started on demand."""
    with ExitStack() as stack:
        running = {}

        def get(flow_id: str, **settings: str):
            key = (flow_id, tuple(sorted(settings.items())))
            if key not in running:
                running[key] = stack.enter_context(
                    streamlit_app(
                        tmp_path_factory.mktemp("app"), FLOWISE_URL=slow_wire.url, FLOWISE_FLOW_ID=flow_id, **settings
                    )
                )
            return running[key]

        yield get
