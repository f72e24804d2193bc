"""A small client for Flowise's prediction API: typed events from a streamed or JSON answer.

It has no Streamlit dependency, so it can be used and tested on its own. The event dataclasses
live in :mod:`flowise_client.events`, and :func:`parse_event` reads them from the wire.
"""

from .budget import AnswerBounds
from .client import (
    DEFAULT_MAX_ANSWER_CHARS,
    DEFAULT_MAX_FILE_BYTES,
    ChatbotConfig,
    FlowDetails,
    FlowiseClient,
    Rating,
    StoredMessage,
    Timeouts,
)
from .errors import (
    FlowiseAnswerTooLongError,
    FlowiseAuthError,
    FlowiseConnectionLostError,
    FlowiseError,
    FlowiseNotFoundError,
    FlowiseProtocolError,
    FlowiseServerError,
    FlowiseStreamError,
    FlowiseTimeoutError,
    FlowiseUnreachableError,
)
from .event_parsing import parse_event
from .events import FlowiseEvent
from .human_input import HumanReply
from .uploads import AttachmentText, FullFileUpload, StoredUpload, Upload, UploadLimit, UploadsConfig

__all__ = [
    "AnswerBounds",
    "DEFAULT_MAX_ANSWER_CHARS",
    "DEFAULT_MAX_FILE_BYTES",
    "ChatbotConfig",
    "FlowDetails",
    "FlowiseClient",
    "HumanReply",
    "Rating",
    "StoredMessage",
    "Timeouts",
    "AttachmentText",
    "FullFileUpload",
    "StoredUpload",
    "Upload",
    "UploadLimit",
    "UploadsConfig",
    "FlowiseError",
    "FlowiseAnswerTooLongError",
    "FlowiseAuthError",
    "FlowiseConnectionLostError",
    "FlowiseNotFoundError",
    "FlowiseProtocolError",
    "FlowiseServerError",
    "FlowiseStreamError",
    "FlowiseTimeoutError",
    "FlowiseUnreachableError",
    "FlowiseEvent",
    "parse_event",
]
