"""A small client for Flowise's prediction API: typed events from a streamed or JSON answer.

It has no Streamlit dependency, so it can be used and tested on its own. The event dataclasses
live in :mod:`flowise_client.events`, and :func:`parse_event` reads them from the wire.
"""

from .budget import AnswerBounds
from .chat_history import StoredMessage
from .client import DEFAULT_MAX_ANSWER_CHARS, DEFAULT_MAX_FILE_BYTES, FlowiseClient, Rating
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
from .flow_settings import ChatbotConfig, FlowDetails
from .human_input import HumanReply
from .transport import Timeouts
from .uploads import AttachmentText, FullFileUpload, StoredUpload, Upload, UploadLimit, UploadsConfig

__all__ = [
    "DEFAULT_MAX_ANSWER_CHARS",
    "DEFAULT_MAX_FILE_BYTES",
    "AnswerBounds",
    "AttachmentText",
    "ChatbotConfig",
    "FlowDetails",
    "FlowiseAnswerTooLongError",
    "FlowiseAuthError",
    "FlowiseClient",
    "FlowiseConnectionLostError",
    "FlowiseError",
    "FlowiseEvent",
    "FlowiseNotFoundError",
    "FlowiseProtocolError",
    "FlowiseServerError",
    "FlowiseStreamError",
    "FlowiseTimeoutError",
    "FlowiseUnreachableError",
    "FullFileUpload",
    "HumanReply",
    "Rating",
    "StoredMessage",
    "StoredUpload",
    "Timeouts",
    "Upload",
    "UploadLimit",
    "UploadsConfig",
    "parse_event",
]
