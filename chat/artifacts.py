"""Where an artifact's picture comes from. Flowise sends an image artifact's ``data`` as a reference to
a file it stored for the conversation (``FILE-STORAGE::<name>``, read through ``get-upload-file``),
as a data URL, or as a link (FlowiseChatEmbed ``bubbles/BotBubble.tsx``)."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from flowise_client import DEFAULT_MAX_FILE_BYTES
from flowise_client.events import Artifact

from .http_urls import http_url

IMAGE_TYPES = frozenset({"png", "jpeg", "jpg", "gif", "webp"})
_DATA_URL = re.compile(r"^data:image/[\w.+-]+;base64,(?P<data>[A-Za-z0-9+/=\s]*)$")


@dataclass(frozen=True)
class ImageSource:
    """Exactly one of: a stored file's name, the image's bytes, an http(s) link."""

    stored_name: str | None = None
    content: bytes | None = None
    url: str | None = None


def image_source(artifact: Artifact) -> ImageSource | None:
    if artifact.stored_file is not None:
        return ImageSource(stored_name=artifact.stored_file) if artifact.stored_file else None
    data = artifact.data
    if not isinstance(data, str):
        return None
    if match := _DATA_URL.match(data.strip()):
        # Decoded size is 3/4 of the text: a data URL past the file bound is not decoded at all.
        if len(match["data"]) * 3 // 4 > DEFAULT_MAX_FILE_BYTES:
            return None
        try:
            return ImageSource(content=base64.b64decode(match["data"], validate=False))
        except (binascii.Error, ValueError):
            return None
    # A link: only http(s), loaded by the reader's browser from a host IMAGE_HOSTS lists, else a link.
    url = http_url(data)
    return ImageSource(url=url) if url else None
