"""What a flow accepts besides text, and the shapes in which files travel to and from Flowise.

Shapes follow Flowise 3.x's server (``utils/getUploadsConfig.ts``, ``utils/buildChatflow.ts``,
``utils/createAttachment.ts``) and its chat widget FlowiseChatEmbed (``components/Bot.tsx``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# What a prediction's ``uploads`` item is (its ``type``): an image or audio sent whole as a data URL
# ("file", "audio"), a file already added to the flow's vector store ("file:rag"), or the text
# Flowise's attachments endpoint extracted from a file ("file:full").
IMAGE = "file"
AUDIO = "audio"
RAG_FILE = "file:rag"
FULL_FILE = "file:full"
# What a question's stored ``fileUploads`` item is: a file whose content Flowise keeps in its storage.
STORED_FILE = "stored-file"

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimit:
    """One ``{fileTypes, maxUploadSize}`` entry: MIME types (images) or extensions such as ".pdf"
    (files for retrieval, where ``"*"`` means any), and the largest size in MB."""

    file_types: tuple[str, ...]
    max_mb: float

    @classmethod
    def from_json(cls, entry: Any) -> UploadLimit | None:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("fileTypes"), list):
            return None
        size = entry.get("maxUploadSize")
        # Flowise lists a trailing "" (it splits "image/gif;...;image/webp;" on ";").
        types = tuple(t.strip().lower() for t in entry["fileTypes"] if isinstance(t, str) and t.strip())
        max_mb = float(size) if isinstance(size, (int, float)) and not isinstance(size, bool) and size > 0 else 0.0
        return cls(types, max_mb) if types else None


def _limits(value: Any) -> tuple[UploadLimit, ...]:
    entries = value if isinstance(value, list) else []
    return tuple(limit for limit in map(UploadLimit.from_json, entries) if limit is not None)


@dataclass(frozen=True)
class UploadsConfig:
    """``GET /api/v1/chatflows-uploads/{id}``: what the flow lets a visitor send besides text."""

    speech_to_text: bool = False
    images: tuple[UploadLimit, ...] = ()
    rag_files: tuple[UploadLimit, ...] = ()

    @classmethod
    def from_json(cls, body: Any) -> UploadsConfig:
        if not isinstance(body, Mapping):
            return cls()
        images = _limits(body.get("imgUploadSizeAndTypes")) if body.get("isImageUploadAllowed") is True else ()
        files = _limits(body.get("fileUploadSizeAndTypes")) if body.get("isRAGFileUploadAllowed") is True else ()
        return cls(body.get("isSpeechToTextEnabled") is True, images, files)


@dataclass(frozen=True)
class FullFileUpload:
    """The chat setting "Full File Upload" (``chatbotConfig.fullFileUpload``): files whose whole text
    Flowise's attachments endpoint extracts and the prediction then carries. ``mime_types`` empty:
    the owner chose none, and Flowise then refuses every file."""

    mime_types: tuple[str, ...]

    @classmethod
    def from_json(cls, setting: Any) -> FullFileUpload | None:
        if not isinstance(setting, Mapping) or setting.get("status") is not True:
            return None
        allowed = setting.get("allowedUploadFileTypes")
        types = allowed.split(",") if isinstance(allowed, str) else []
        return cls(tuple(t.strip().lower() for t in types if t.strip()))


def data_url(content: bytes, mime: str) -> str:
    """The ``data:`` URL Flowise reads an upload from (it splits on the comma and decodes base64)."""
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


@dataclass(frozen=True)
class Upload:
    """One item of a prediction's ``uploads`` list."""

    data: str
    type: str
    name: str
    mime: str

    @classmethod
    def of_bytes(cls, content: bytes, type: str, name: str, mime: str) -> Upload:
        return cls(data_url(content, mime), type, name, mime)

    def to_json(self) -> dict[str, str]:
        return {"data": self.data, "type": self.type, "name": self.name, "mime": self.mime}


@dataclass(frozen=True)
class StoredUpload:
    """A file as Flowise's chat history keeps it on a question (``fileUploads``): its content stays in
    Flowise's storage (``type`` "stored-file", "stored-file:full") or elsewhere (``type`` "url")."""

    type: str
    name: str
    mime: str

    @property
    def in_storage(self) -> bool:
        """Whether the file itself is in Flowise's storage, where ``get-upload-file`` reads it by name."""
        return self.type == STORED_FILE

    @classmethod
    def many_from_json(cls, value: Any) -> tuple[StoredUpload, ...]:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return ()
        items = value if isinstance(value, list) else []
        return tuple(
            cls(str(item.get("type") or ""), str(item.get("name") or ""), str(item.get("mime") or ""))
            for item in items
            if isinstance(item, Mapping) and isinstance(item.get("name"), str) and item["name"]
        )


@dataclass(frozen=True)
class AttachmentText:
    """What ``POST /api/v1/attachments/{flow}/{chat}`` answers for one file: its extracted text."""

    name: str
    mime: str
    size: int
    content: str

    @classmethod
    def many_from_json(cls, body: Any) -> list[AttachmentText]:
        items = body if isinstance(body, list) else []
        return [
            cls(
                str(item.get("name") or ""),
                str(item.get("mimeType") or ""),
                item["size"] if isinstance(item.get("size"), int) else 0,
                item["content"],
            )
            for item in items
            if isinstance(item, Mapping) and isinstance(item.get("content"), str)
        ]
