"""The files that came with answers, as this session read them from Flowise: the picture of each
image artifact and each file the person asked to download. Kept beside the turns, not in them: the
page is drawn again on every click, and shows what was read then, neither read nor decoded again;
a turn that is gone (a new chat) takes its files with it."""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass, field

import streamlit as st

from flowise_client import FlowiseError

from .artifacts import image_source
from .flow_target import FlowTarget
from .flowise_errors import error_message
from .i18n import Message
from .images import Picture, display_picture
from .session import ANSWER_FILES
from .turn import Turn

log = logging.getLogger(__name__)


@dataclass
class _TurnFiles:
    # The picture of each image artifact, by its place in the turn's ``artifacts``.
    pictures: dict[int, Picture] = field(default_factory=dict)
    # Files of the turn's file_annotations the person asked to download, by name: their bytes, or why not.
    downloads: dict[str, bytes | Message] = field(default_factory=dict)


def _files(turn: Turn) -> _TurnFiles:
    store: weakref.WeakKeyDictionary[Turn, _TurnFiles] = st.session_state.setdefault(
        ANSWER_FILES, weakref.WeakKeyDictionary()
    )
    if turn not in store:
        store[turn] = _TurnFiles()
    return store[turn]


def artifact_image(flow: FlowTarget, chat_id: str, turn: Turn, index: int) -> Picture | str:
    """What to show for the turn's image artifact at ``index``: the URL of a linked image, which the
    reader's browser would load, or the picture, made once from the artifact's bytes or from the
    file Flowise stored."""
    files = _files(turn)
    picture = files.pictures.get(index)
    if picture is None:
        source = image_source(turn.artifacts[index])
        if source is not None and source.url:
            return source.url
        content = source.content if source is not None else None
        if source is not None and source.stored_name:
            try:
                content = flow.client.get_upload_file(flow.flow_id, chat_id, source.stored_name)
            except FlowiseError as exc:
                log.warning("An artifact's file could not be read from Flowise: %s", exc)
        picture = files.pictures[index] = display_picture(content) if content is not None else Picture()
    return picture


def downloaded(turn: Turn, name: str) -> bytes | Message | None:
    """The file ``name`` of the turn's file annotations, once fetched: its bytes, or why it could not
    be read; None until the person asks for it."""
    return _files(turn).downloads.get(name)


def fetch_download(flow: FlowTarget, chat_id: str, turn: Turn, name: str) -> None:
    """A download button's callback: it fetches the file from Flowise in this run's thread, before the
    page is drawn again."""
    try:
        _files(turn).downloads[name] = flow.client.download_file_annotation(flow.flow_id, chat_id, name)
    except FlowiseError as exc:
        _files(turn).downloads[name] = error_message(exc)
