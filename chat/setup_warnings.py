"""Warnings in the server's log about how access is set up: each said once per process, not on
every rerun of every session, and never with a secret in it."""

from __future__ import annotations

import functools
import logging

from .access import SHORT_PASSWORD, short_password
from .settings import Settings

log = logging.getLogger(__name__)


@functools.cache
def _warn_once(text: str) -> None:
    log.warning(text)


def warn_about_access(settings: Settings) -> None:
    if settings.app_password and short_password(settings.app_password):
        _warn_once(
            f"APP_PASSWORD is shorter than {SHORT_PASSWORD} characters: tries are throttled per address, "
            "but guesses spread over many addresses can still find a short password. Use a long passphrase."
        )
    if settings.login_required and settings.email_allowlist.open:
        _warn_once(
            "A login is configured ([auth]) but neither ALLOWED_EMAILS nor ALLOWED_EMAIL_DOMAINS is set: "
            "anyone the login provider authenticates may use the chat."
        )


def warn_header_ignored() -> None:
    _warn_once(
        "An X-Forwarded-For header came from a peer not listed in FORWARDED_ALLOW_IPS and was not believed. "
        "Behind a proxy, list the proxy's address there, or every visitor shares one count of password tries."
    )
