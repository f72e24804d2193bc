from __future__ import annotations

import pytest

from testbed.local_flowise import LocalFlowise, local_flowise


@pytest.fixture(scope="session")
def flowise() -> LocalFlowise:
    # Installs Flowise into the cache on first use (minutes), then starts it in seconds.
    with local_flowise() as server:
        yield server
