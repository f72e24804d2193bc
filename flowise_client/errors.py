"""Errors a Flowise call can end with, each carrying a message a person can act on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from .uploads import MB

# The client's own words for each error it raises, by code; {names} are filled from the error's values.
# An application that words errors itself (in another language, say) keys its words on the same
# codes and values: both are stable, and new codes may be added.
MESSAGES: dict[str, str] = {
    "tls_failed": (
        "A secure connection to {url} failed ({reason}). Check that FLOWISE_URL uses the right scheme "
        "(http or https) and that the server's certificate is valid."
    ),
    "connect_timeout": (
        "Flowise at {url} did not accept a connection within {seconds:g} s. It may be overloaded, or the "
        "flow id may be wrong; try again, and check FLOWISE_URL and FLOWISE_FLOW_ID."
    ),
    "first_byte_timeout": (
        "Flowise at {url} did not start answering within {seconds:g} s. It may be overloaded, or the "
        "flow id may be wrong; try again, and check FLOWISE_URL and FLOWISE_FLOW_ID."
    ),
    "unreachable": (
        "Cannot reach Flowise at {url} ({reason}). Check that the server is running and that FLOWISE_URL is right."
    ),
    "not_flowise": 'The server at {url} is not Flowise: /api/v1/ping did not answer "pong". Check FLOWISE_URL.',
    "feedback_not_stored": "Flowise at {url} did not say which feedback it stored.",
    "answer_too_long": (
        "The answer was longer than {limit:,} characters, so the app stopped reading it. What arrived is "
        "shown above; to allow longer answers, raise FLOWISE_MAX_ANSWER_CHARS."
    ),
    "thoughts_too_long": (
        "The flow's thoughts were longer than {limit:,} characters, so the app stopped reading the answer. "
        "What arrived is shown above; to allow longer thoughts, raise FLOWISE_MAX_ANSWER_CHARS."
    ),
    "too_many_artifacts": (
        "The flow sent more than {limit:,} artifacts with this answer, so the app stopped reading it. "
        "What arrived is shown above."
    ),
    "artifacts_too_large": (
        "The flow's artifacts for this answer came to more than {megabytes:g} MB, so the app stopped "
        "reading it. What arrived is shown above."
    ),
    "too_many_sources": (
        "The flow sent more than {limit:,} source documents with this answer, so the app stopped reading "
        "it. What arrived is shown above."
    ),
    "too_many_events": (
        "The flow sent more than {limit:,} steps and other events with this answer, so the app stopped "
        "reading it. What arrived is shown above."
    ),
    "stream_too_large": (
        "The answer's stream came to more than {megabytes:g} MB, so the app stopped reading it. What "
        "arrived is shown above."
    ),
    "wrong_content_type": (
        "The server at {url} answered with {content_type} instead of a Flowise answer. Check that FLOWISE_URL "
        "points at Flowise itself and not at a login page or a proxy's error page."
    ),
    "unknown_content_type": (
        "The server at {url} answered with an unknown content type instead of a Flowise answer. Check that "
        "FLOWISE_URL points at Flowise itself and not at a login page or a proxy's error page."
    ),
    "stream_silent": (
        "Flowise stopped sending the answer: nothing arrived for {seconds:g} s. Try again; if it keeps "
        "happening, the flow may be stuck."
    ),
    "connection_broken": (
        "The connection to Flowise broke before the answer was complete. What arrived is kept; try asking again."
    ),
    "connection_closed": (
        "Flowise closed the connection before the answer was complete. What arrived is kept; try asking again."
    ),
    "read_broken": "The connection to Flowise broke while the answer was being read. Try asking again.",
    "flow_failed": "The flow failed while answering: {message}",
    "key_rejected": "Flowise rejected the API key. Check FLOWISE_API_KEY: it must be a key this flow accepts.",
    "key_needed": "This flow needs an API key. Set FLOWISE_API_KEY to one of the flow's Flowise API keys.",
    "flow_not_found": "Flowise does not know this flow ({message}). Check FLOWISE_FLOW_ID.",
    "api_not_found": (
        "No Flowise API was found at {url}. Check FLOWISE_URL: it is the server's base address, without /api/v1."
    ),
    "rate_limited": "Flowise is limiting how many questions this flow accepts. Wait a minute and try again.",
    "request_failed": "Flowise answered with an error (HTTP {status}): {message}",
    "request_failed_bare": "Flowise answered with an error (HTTP {status}).",
    "server_failed": "Flowise answered with an error (HTTP {status}): {message} Try again in a moment.",
    "server_failed_bare": "Flowise answered with an error (HTTP {status}). Try again in a moment.",
    "not_json": (
        "The server at {url} sent a reply that is not valid JSON. Check that FLOWISE_URL points at Flowise itself."
    ),
    "event_too_large": (
        "The server sent a single event larger than {megabytes:g} MB, more than any Flowise answer needs, so "
        "the app stopped reading. What arrived is kept; check that FLOWISE_URL points at Flowise itself."
    ),
    "file_too_large": "The file {name} is larger than {megabytes:g} MB, more than this app shows or downloads.",
    "file_read_broken": "The connection to Flowise broke while the file {name} was being read. Try again.",
    "answer_too_large": (
        "The server sent a reply larger than {megabytes:g} MB, more than Flowise ever sends, so the app "
        "stopped reading it. Check that FLOWISE_URL points at Flowise itself."
    ),
}

# Why a connection failed: the codes an error's ``reason`` value holds, and the client's words for them.
REASONS: dict[str, str] = {
    "connection_refused": "connection refused",
    "unknown_host": "the host name is unknown",
    "untrusted_certificate": "its certificate is not trusted",
    "tls_handshake": "the TLS handshake failed",
    "connection_reset": "the connection was reset",
    "invalid_url": "the URL is not valid",
    "network_error": "network error",
}


class FlowiseError(Exception):
    """Base class. ``str(error)`` is the human message: what went wrong and what to do. ``code`` names
    the failure (a key of :data:`MESSAGES`; None for an error built without one) and ``values`` holds
    what its message is made of, for an application that words the message itself."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.values = dict(values or {})

    @classmethod
    def of(cls, code: str, *, status: int | None = None, **values: Any) -> Self:
        """The error named ``code``, its message made from ``values`` (and ``status``, when given)."""
        if status is not None:
            values["status"] = status
        words = {**values, "reason": REASONS[values["reason"]]} if "reason" in values else values
        return cls(MESSAGES[code].format(**words), status=status, code=code, values=values)


class FlowiseUnreachableError(FlowiseError):
    """No connection: refused, unknown host, TLS failure."""


class FlowiseTimeoutError(FlowiseError):
    """Connected, but the server stayed silent for longer than allowed."""


class FlowiseAuthError(FlowiseError):
    """The API key is missing or wrong (401/403, or Flowise's "Unauthorized" error)."""


class FlowiseNotFoundError(FlowiseError):
    """The flow id, or the Flowise API itself, does not exist at the configured URL."""


class FlowiseServerError(FlowiseError):
    """Any other 4xx/5xx answer, with Flowise's own message when it sent one."""


class FlowiseStreamError(FlowiseError):
    """The flow reported an ``error`` event while answering."""


class FlowiseConnectionLostError(FlowiseError):
    """The connection broke, or closed, before the answer was complete."""


class FlowiseAnswerTooLongError(FlowiseError):
    """The answer's text, its thoughts, or what else it brought grew past its bound; reading stopped there."""


class FlowiseProtocolError(FlowiseError):
    """The server answered with something that is neither an event stream nor Flowise JSON."""

    @classmethod
    def too_large(cls, code: str, limit: int) -> FlowiseProtocolError:
        """``code``: ``event_too_large`` or ``answer_too_large``; ``limit`` in bytes."""
        return cls.of(code, megabytes=limit / MB)
