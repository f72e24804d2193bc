"""A file sent with a question, as its bubble shows it: a name, and for an image a small picture."""

from __future__ import annotations

from dataclasses import dataclass

from .images import thumbnail


@dataclass(frozen=True)
class Attachment:
    name: str
    mime: str
    # PNG bytes; None for files that are not images, or images that could not be read or are too large.
    thumbnail: bytes | None = None
    # An image past the pixel budget: it is not decoded, and its bubble says so instead.
    too_large: bool = False

    @property
    def is_audio(self) -> bool:
        return self.mime.startswith("audio/")


def attachment(name: str, mime: str, content: bytes | None) -> Attachment:
    """``content`` is the file's bytes when they are at hand (only images use them)."""
    if content is None or not mime.startswith("image/"):
        return Attachment(name, mime)
    small = thumbnail(content)
    return Attachment(name, mime, small.content, small.too_large)
