"""The files a question was sent with, in its bubble: thumbnails of the images, and every file's name."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from chat.attachments import Attachment
from chat.images import PIXEL_BUDGET_MEGAPIXELS
from chat.language import t

from .markdown import plain_text, visible_text


def render_attachments(attachments: Sequence[Attachment]) -> None:
    thumbnails = [a.thumbnail for a in attachments if a.thumbnail]
    if thumbnails:
        # Each at its own size: the thumbnails are already small, and a tall one stays as tall as a wide one is wide.
        st.image(thumbnails, width="content", alt=[visible_text(a.name) for a in attachments if a.thumbnail])
    for image in (a for a in attachments if a.too_large):
        st.caption(
            ":material/hide_image: "
            + t("upload.image_too_large", name=plain_text(image.name), limit=PIXEL_BUDGET_MEGAPIXELS)
        )
    names = [t("voice.message") if a.is_audio else plain_text(a.name) for a in attachments]
    if names:
        st.caption(":material/attach_file: " + " · ".join(names))
