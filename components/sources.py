"""The "Sources (n)" expander under an answer."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from chat.http_urls import http_url
from chat.language import t
from flowise_client.events import SourceDocument

from .long_text import render_long_text
from .markdown import escape_markdown, link, visible_text


def _location(doc: SourceDocument) -> str:
    parts = []
    if doc.page is not None:
        parts.append(t("sources.page", page=doc.page))
    if doc.lines is not None:
        first, last = doc.lines
        parts.append(t("sources.line", line=first) if first == last else t("sources.lines", first=first, last=last))
    return ", ".join(parts)


def source_heading(doc: SourceDocument, number: int) -> str:
    """Markdown heading line: title (a link only for http(s) URLs), its file, page/lines when known."""
    url = next(filter(None, map(http_url, doc.addresses)), None)
    title = visible_text(doc.name or t("sources.document", number=number))
    heading = link(title, url) if url else escape_markdown(title)
    source = visible_text(doc.source).strip()
    details = [source] if source and source not in (title, url) else []
    if where := _location(doc):
        details.append(where)
    return f"**{number}.** {heading}" + "".join(f" · {escape_markdown(d)}" for d in details)


def render_sources(sources: Sequence[SourceDocument], key: str) -> None:
    """``key`` is unique to the turn: it keys each document's "show all" toggle."""
    if not sources:
        return
    with st.expander(t("sources.title", count=len(sources)), icon=":material/description:"):
        for number, doc in enumerate(sources, 1):
            st.markdown(source_heading(doc, number))
            render_long_text(doc.page_content, f"{key}-source-{number}", st.text)
