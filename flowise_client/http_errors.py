"""What a failed request means: the FlowiseError for an HTTP error status or a failed connection."""

from __future__ import annotations

import re

import requests

from .errors import (
    FlowiseAuthError,
    FlowiseError,
    FlowiseNotFoundError,
    FlowiseServerError,
    FlowiseTimeoutError,
    FlowiseUnreachableError,
)

# Flowise wraps the real cause in layers such as "Error: predictionsServices.buildChatflow - Error: ...".
_ERROR_PREFIX = re.compile(r"^(?:Error:\s*)?[\w.]+ - ")
# Some endpoints report an unknown flow id as a 500 whose message says so.
_FLOW_NOT_FOUND = re.compile(r"\bChatflow \S+ not found")
# How much of a server's error message the page quotes.
QUOTED_CHARS = 500

# Each pattern of a failed connection's message, and the code of the reason it names (see REASONS).
_REASONS = (
    (re.compile(r"Connection refused", re.I), "connection_refused"),
    (
        re.compile(r"Name or service not known|nodename nor servname|getaddrinfo failed|name resolution", re.I),
        "unknown_host",
    ),
    (re.compile(r"certificate|CERTIFICATE", re.I), "untrusted_certificate"),
    (re.compile(r"wrong version number|SSL|TLS", re.I), "tls_handshake"),
    (re.compile(r"Connection reset|RemoteDisconnected|aborted", re.I), "connection_reset"),
    (re.compile(r"Invalid URL|No connection adapters|MissingSchema", re.I), "invalid_url"),
)


def clean_server_message(message: str) -> str:
    message = message.strip()
    while (stripped := _ERROR_PREFIX.sub("", message, count=1)) != message:
        message = stripped
    return message.removeprefix("Error: ").strip()


def auth_error(has_key: bool, status: int | None = None) -> FlowiseAuthError:
    """``has_key``: a key was sent with the request that was refused."""
    return FlowiseAuthError.of("key_rejected" if has_key else "key_needed", status=status)


def status_error(status: int, message: str, base_url: str, sent_key: bool) -> FlowiseError:
    """The error for an HTTP error ``status`` with the server's (cleaned, redacted) ``message``."""
    if status in (401, 403) or message.endswith("Unauthorized"):
        return auth_error(sent_key, status)
    if status == 404 or _FLOW_NOT_FOUND.search(message):
        if message:
            return FlowiseNotFoundError.of("flow_not_found", status=status, message=message)
        return FlowiseNotFoundError.of("api_not_found", status=status, url=base_url)
    if status == 429:
        return FlowiseServerError.of("rate_limited", status=status)
    code = "server_failed" if status >= 500 else "request_failed"
    if message:
        return FlowiseServerError.of(code, status=status, message=message)
    return FlowiseServerError.of(f"{code}_bare", status=status)


def connection_error(
    exc: requests.exceptions.RequestException, base_url: str, connect_seconds: float, first_byte_seconds: float
) -> FlowiseError:
    """The error for a request that got no response at all."""
    if isinstance(exc, requests.exceptions.SSLError):
        return FlowiseUnreachableError.of("tls_failed", url=base_url, reason=reason(exc))
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return FlowiseTimeoutError.of("connect_timeout", url=base_url, seconds=connect_seconds)
    if isinstance(exc, requests.exceptions.Timeout):
        return FlowiseTimeoutError.of("first_byte_timeout", url=base_url, seconds=first_byte_seconds)
    return FlowiseUnreachableError.of("unreachable", url=base_url, reason=reason(exc))


def reason(exc: BaseException) -> str:
    # requests nests urllib3's low-level reason in its message; name it plainly instead of quoting it.
    text = f"{type(exc).__name__}: {exc}"
    return next((code for pattern, code in _REASONS if pattern.search(text)), "network_error")


def caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind) or any(isinstance(arg, kind) for arg in getattr(seen, "args", ())):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
