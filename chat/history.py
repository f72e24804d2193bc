"""A conversation rebuilt from Flowise's chat history, turn by turn."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flowise_client import StoredMessage, StoredUpload

from .attachments import Attachment, attachment
from .turn import Turn

# Reads a file Flowise stores with the conversation, by name; None if it cannot.
FetchFile = Callable[[str], "bytes | None"]


def turns_from_history(messages: list[StoredMessage], fetch: FetchFile | None = None) -> list[Turn]:
    """Each question with its files and the answer stored after it, its sources, tools and message id.
    With ``fetch``, the images sent with questions are read back for their thumbnails."""
    turns: list[Turn] = []
    for message in messages:
        if message.role == "userMessage":
            files = [_attachment(upload, fetch) for upload in message.file_uploads]
            turns.append(Turn(message.content, asked_at=_when(message.created), attachments=files))
        elif message.role == "apiMessage" and turns and not turns[-1].complete:
            for event in message.events:
                turns[-1].apply(event)
    return turns


def _attachment(upload: StoredUpload, fetch: FetchFile | None) -> Attachment:
    # Only files in Flowise's storage are read back; a "url" upload points elsewhere.
    stored = upload.type == "stored-file" and upload.mime.startswith("image/") and fetch is not None
    return attachment(upload.name, upload.mime, fetch(upload.name) if stored else None)


def _when(created: str) -> datetime:
    try:
        return datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now().astimezone()
