"""The app's log in a test: as in a process that has warned about nothing yet."""

from __future__ import annotations

import logging

import pytest

from chat import log_once


@pytest.fixture
def fresh_log(monkeypatch, caplog):
    """The log as in a process that has warned about nothing yet; its warnings in ``caplog``."""
    monkeypatch.setattr(log_once, "_told", set())
    caplog.set_level(logging.WARNING)
    return caplog


def warnings_of(caplog, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger and r.levelno == logging.WARNING]
