"""Errors a Flowise call can end with, each carrying a message a person can act on."""

from __future__ import annotations


class FlowiseError(Exception):
    """Base class. ``str(error)`` is the human message: what went wrong and what to do."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


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
    """The answer's text grew past the configured maximum; reading stopped there."""


class FlowiseProtocolError(FlowiseError):
    """The server answered with something that is neither an event stream nor Flowise JSON."""

    @classmethod
    def too_large(cls, what: str, limit: int) -> FlowiseProtocolError:
        size = f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit:,} bytes"
        return cls(
            f"The server sent {what} larger than {size}, more than any Flowise answer needs, so the app stopped "
            "reading. What arrived is kept; check that FLOWISE_URL points at Flowise itself."
        )
