"""A file sent with a question, as its bubble shows it: a name, and for an image a small picture."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

# Big enough to recognise a photo in the chat, small enough that a session holding many stays light.
THUMBNAIL_PIXELS = 160


@dataclass(frozen=True)
class Attachment:
    name: str
    mime: str
    # PNG bytes; None for files that are not images, or images that could not be read.
    thumbnail: bytes | None = None

    @property
    def is_audio(self) -> bool:
        return self.mime.startswith("audio/")


def thumbnail(content: bytes) -> bytes | None:
    """A PNG of the image at most THUMBNAIL_PIXELS on each side, or None if it is not a readable image."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            small = io.BytesIO()
            image.convert("RGBA").save(small, format="PNG")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return small.getvalue()


def attachment(name: str, mime: str, content: bytes | None) -> Attachment:
    """``content`` is the file's bytes when they are at hand (only images use them)."""
    small = thumbnail(content) if content is not None and mime.startswith("image/") else None
    return Attachment(name, mime, small)


def is_image(content: bytes) -> bool:
    """Whether ``content`` is an image a browser can show (its header and structure check out)."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (OSError, ValueError, Image.DecompressionBombError):
        return False
    return True
