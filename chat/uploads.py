"""Files sent with a question: which the flow accepts, why one is refused, and how each goes to Flowise.

Follows Flowise's chat widget: a file of an allowed image type and size goes as an image; with Full
File Upload on, any other file has its text extracted by Flowise's attachments endpoint first
("file:full"); else, for a flow that retrieves from files, it is added to the flow's vector store
first ("file:rag"). Unlike the widget, types and sizes are checked here before anything is sent,
and a refusal names the file and says what the flow accepts.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from flowise_client import FlowiseClient, FlowiseError, FullFileUpload, Upload, UploadLimit, UploadsConfig
from flowise_client.uploads import FULL_FILE, IMAGE, MB, RAG_FILE

from .flowise_errors import error_message
from .i18n import Message, Verbatim


@dataclass(frozen=True)
class PendingFile:
    """A file attached in the question box, not yet sent."""

    name: str
    mime: str
    content: bytes

    @property
    def extension(self) -> str:
        return PurePosixPath(self.name).suffix.lower()


@dataclass(frozen=True)
class UploadPolicy:
    """What a flow accepts besides text: from its uploads config and its Full File Upload setting."""

    config: UploadsConfig = field(default_factory=UploadsConfig)
    full_files: FullFileUpload | None = None

    @property
    def accepts_files(self) -> bool:
        return bool(self.config.images) or self._other_files

    @property
    def _other_files(self) -> bool:
        """Whether files besides images can go at all: with Full File Upload on, it alone decides (and
        takes none when the owner chose no types); else the flow's vector store does."""
        return bool(self.full_files.mime_types) if self.full_files else bool(self.config.rag_files)

    @property
    def voice(self) -> bool:
        return self.config.speech_to_text

    def kind(self, file: PendingFile) -> str | None:
        """How ``file`` goes to the flow (an uploads ``type``), or None if the flow does not take it."""
        if any(file.mime in limit.file_types and _fits(file, limit) for limit in self.config.images):
            return IMAGE
        if not self._other_files:
            return None
        if self.full_files:
            return FULL_FILE if file.mime in self.full_files.mime_types else None
        for limit in self.config.rag_files:
            if ("*" in limit.file_types or file.extension in limit.file_types) and _fits(file, limit):
                return RAG_FILE
        return None

    def refusal(self, text: str, files: Sequence[PendingFile]) -> Message | None:
        """Why this question and its files cannot be sent, or None if they can."""
        for file in files:
            if self.kind(file) is None:
                return self._why_not(file)
        needs_question = [file for file in files if self.kind(file) != IMAGE]
        if not text.strip() and needs_question:
            # Flowise's widget does not send a file without a question either: there is nothing to ask.
            return Message("upload.needs_question", {"name": Verbatim(needs_question[0].name)})
        return None

    def _why_not(self, file: PendingFile) -> Message:
        too_big = [limit for limit in self._limits_naming(file) if not _fits(file, limit)]
        if too_big:
            return Message(
                "upload.too_large",
                {
                    "name": Verbatim(file.name),
                    "size": _megabytes(len(file.content)),
                    "limit": max(limit.max_mb for limit in too_big),
                },
            )
        accepted = self._accepted()
        if not accepted:
            return Message("upload.not_accepted_any", {"name": Verbatim(file.name)})
        return Message("upload.not_accepted", {"name": Verbatim(file.name), "accepted": accepted})

    def _limits_naming(self, file: PendingFile) -> list[UploadLimit]:
        images = [limit for limit in self.config.images if file.mime in limit.file_types]
        files = (
            []
            if self.full_files
            else [
                limit
                for limit in self.config.rag_files
                if "*" in limit.file_types or file.extension in limit.file_types
            ]
        )
        return images + files

    def _accepted(self) -> Message | None:
        """Each kind of file the flow takes, in one message; None when it takes none."""
        kinds = [
            Message("upload.accepts_images", {"types": _type_names(limit.file_types), "limit": limit.max_mb})
            for limit in self.config.images
        ]
        if self.full_files:
            if self.full_files.mime_types:
                kinds.append(Message("upload.accepts_files", {"types": _type_names(self.full_files.mime_types)}))
        else:
            kinds += [
                Message("upload.accepts_any_files_up_to", {"limit": limit.max_mb})
                if "*" in limit.file_types
                else Message(
                    "upload.accepts_files_up_to", {"types": ", ".join(limit.file_types), "limit": limit.max_mb}
                )
                for limit in self.config.rag_files
            ]
        if not kinds:
            return None
        joined = kinds[0]
        for kind in kinds[1:]:
            joined = Message("upload.accepts_both", {"first": joined, "then": kind})
        return joined


def _fits(file: PendingFile, limit: UploadLimit) -> bool:
    # Flowise's widget compares megabytes of 1024 * 1024 bytes; no size given means no limit.
    return not limit.max_mb or len(file.content) <= limit.max_mb * MB


def _megabytes(size: int) -> float:
    return round(size / MB, 1)


def _type_names(types: Sequence[str]) -> str:
    return ", ".join(sorted({_type_name(t) for t in types}))


def _type_name(mime_or_extension: str) -> str:
    """ "PNG" for image/png, ".pdf" for application/pdf, the text itself when nothing better is known."""
    if mime_or_extension.startswith("image/"):
        return mime_or_extension.removeprefix("image/").upper()
    if "/" in mime_or_extension:
        return mimetypes.guess_extension(mime_or_extension) or mime_or_extension
    return mime_or_extension


class UploadFailed(Exception):
    """A file could not be handed to Flowise; ``message`` says which and why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.key)
        self.message = message


def send_files(
    client: FlowiseClient, flow_id: str, chat_id: str, policy: UploadPolicy, files: Sequence[PendingFile]
) -> list[Upload]:
    """Hand the files to Flowise as the widget does and return the uploads for the prediction. Files
    for retrieval or whose text Flowise extracts are sent before the question, each kind in one request.
    The files are ones ``policy`` accepts (the question box checked them against it)."""
    if refused := [file.name for file in files if policy.kind(file) is None]:
        raise ValueError(f"The flow does not take {', '.join(refused)}; files are checked before they are sent")
    kinds = [(file, kind) for file in files if (kind := policy.kind(file)) is not None]
    uploads: dict[str, Upload] = {}
    try:
        full = [file for file, kind in kinds if kind == FULL_FILE]
        if full:
            texts = {text.name: text for text in client.extract_attachments(flow_id, chat_id, _parts(full))}
            for file in full:
                if file.name not in texts:
                    raise UploadFailed(Message("upload.no_text", {"name": Verbatim(file.name)}))
                uploads[file.name] = Upload(texts[file.name].content, FULL_FILE, file.name, file.mime)
        rag = [file for file, kind in kinds if kind == RAG_FILE]
        if rag:
            client.add_to_vector_store(flow_id, chat_id, _parts(rag))
    except FlowiseError as exc:
        names = Verbatim(", ".join(f.name for f in files))
        raise UploadFailed(Message("upload.failed", {"names": names, "reason": error_message(exc)})) from None
    return [uploads.get(file.name) or Upload.of_bytes(file.content, kind, file.name, file.mime) for file, kind in kinds]


def _parts(files: Sequence[PendingFile]) -> list[tuple[str, bytes, str]]:
    return [(file.name, file.content, file.mime) for file in files]


def pending_files(value: object) -> list[PendingFile]:
    """The files of a question box submission (Streamlit's ChatInputValue; a str has none)."""
    files = None if isinstance(value, str) else getattr(value, "files", None)
    return [
        # Browsers leave the type empty for kinds they do not know; Flowise wants one that fits the name.
        PendingFile(file.name, (file.type or mimetypes.guess_type(file.name)[0] or "").lower(), file.getvalue())
        for file in files or ()
        if hasattr(file, "getvalue")
    ]
