"""Warnings for whoever runs the app, each logged once per process, however many sessions and reruns
come upon the same thing."""

from __future__ import annotations

import logging
import threading

_told: set[str] = set()
_lock = threading.Lock()


def warn_once(log: logging.Logger, key: str, message: str, *args: object) -> None:
    """Log ``message`` (with ``args``, as logging does) unless a warning under ``key`` was logged already."""
    with _lock:
        if key in _told:
            return
        _told.add(key)
    log.warning(message, *args)
