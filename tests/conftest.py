from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import CHROMIUM, CHROMIUM_FLAGS
from tests.flowise_wire import FlowiseWire, start_wire


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
