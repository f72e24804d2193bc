from __future__ import annotations

import pytest

from tests.flowise_wire import FlowiseWire, start_wire


@pytest.fixture(scope="session")
def wire() -> FlowiseWire:
    server = start_wire()
    yield server
    server.stop()
