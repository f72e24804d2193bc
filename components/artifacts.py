"""What an answer came with besides its text: artifacts (images, Markdown, HTML, code) and files to
download (``fileAnnotations``)."""

from __future__ import annotations

import html
from collections.abc import Collection
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import streamlit as st

from chat.answer_files import artifact_image, downloaded, fetch_download
from chat.artifacts import IMAGE_TYPES
from chat.display_text import display_text
from chat.flow_target import FlowTarget
from chat.i18n import Message, Verbatim
from chat.image_hosts import allowed_image_url
from chat.images import PIXEL_BUDGET_MEGAPIXELS
from chat.language import say, t
from chat.turn import Turn

from .markdown import as_written, link, plain_text, safe_markdown, visible_text

# An HTML artifact is shown in a frame of this height; it scrolls inside when longer.
HTML_HEIGHT = 360
# Streamlit's own frames allow scripts and same-origin access, so the artifact goes into a frame of
# ours inside one of them: an empty sandbox (no scripts, forms, popups or navigation, an origin of
# its own) under a policy that also forbids scripts and loading anything from elsewhere.
_FRAME = (
    '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'; img-src data:; font-src data:\"></head>"
    '<body style="margin:0"><iframe sandbox="" title="{title}" srcdoc="{document}" '
    'style="box-sizing:border-box;width:100%;height:{height}px;'
    'border:1px solid rgba(128,128,128,.3);border-radius:.5rem">'
    "</iframe></body></html>"
)


def sandboxed_html(document: str, title: str) -> str:
    """A page whose only content is ``document`` in a sandboxed frame: its markup is shown, never run."""
    return _FRAME.format(
        document=html.escape(document, quote=True), title=html.escape(title, quote=True), height=HTML_HEIGHT
    )


def render_artifacts(flow: FlowTarget, chat_id: str, turn: Turn) -> None:
    for index, artifact in enumerate(turn.artifacts):
        kind = artifact.type.strip().lower()
        if kind in IMAGE_TYPES:
            _render_image(flow, chat_id, turn, index)
        elif kind == "html":
            st.iframe(sandboxed_html(_content(artifact.data), t("artifact.html_title")), height=HTML_HEIGHT + 8)
        elif kind in ("json", "javascript"):
            st.code(_content(artifact.data), language=kind, wrap_lines=True)
        else:
            # Markdown, and kinds without a renderer of their own (Flowise's widget does the same).
            st.markdown(safe_markdown(_content(artifact.data), flow.image_hosts))


def _content(data: object) -> str:
    return display_text(data, text_may_be_json=False).text


def _render_image(flow: FlowTarget, chat_id: str, turn: Turn, index: int) -> None:
    picture = artifact_image(flow, chat_id, turn, index)
    if isinstance(picture, str):  # a link to the image
        _render_linked_image(picture, flow.image_hosts)
        return
    if picture.content is not None:
        st.image(picture.content, output_format=picture.format)
        return
    artifact = turn.artifacts[index]
    name = plain_text(artifact.stored_file if artifact.stored_file is not None else artifact.type)
    if picture.too_large:
        st.caption(":material/hide_image: " + t("artifact.image_too_large", name=name, limit=PIXEL_BUDGET_MEGAPIXELS))
    else:
        st.caption(":material/broken_image: " + t("artifact.image_missing", name=name))


def _render_linked_image(url: str, image_hosts: Collection[str]) -> None:
    """An image the reader's browser would load from ``url``: shown only from a listed host, else a
    link to it, which the reader may follow or not."""
    if allowed_image_url(url, image_hosts):
        st.image(url)
        return
    host = urlsplit(url).hostname or url
    st.markdown(":material/image: " + link(t("artifact.remote_image", host=visible_text(host)), url))


def render_file_annotations(flow: FlowTarget, chat_id: str, turn: Turn) -> None:
    """A button per file. A click fetches the file from Flowise (in this run's thread, before the page
    is drawn again), and then it is offered to save, or the reason it could not be read is shown."""
    for number, annotation in enumerate(turn.file_annotations):
        name = annotation.file_name or PurePosixPath(annotation.file_path).name
        if not name:
            continue
        shown = plain_text(name)
        fetched = downloaded(turn, name)
        if isinstance(fetched, bytes):
            st.download_button(
                t("artifact.save", name=shown),
                data=fetched,
                file_name=visible_text(PurePosixPath(name).name),
                key=f"annotation-save-{turn.id}-{number}",
                icon=":material/download:",
                on_click="ignore",
                type="primary",
            )
            continue
        st.button(
            t("artifact.download", name=shown),
            key=f"annotation-{turn.id}-{number}",
            icon=":material/download:",
            on_click=fetch_download,
            args=(flow, chat_id, turn, name),
        )
        if fetched is not None:
            # The reason may quote the server: Markdown, but as safe as an answer.
            failed = Message("artifact.download_failed", {"name": Verbatim(name), "reason": fetched})
            st.caption(":material/error: " + safe_markdown(say(as_written(failed))))
