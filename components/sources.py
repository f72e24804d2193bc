"""The "Sources (n)" expander under an answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from chat.http_urls import http_url
from chat.state import t
from flowise_client.events import SourceDocument

from .long_text import render_long_text
from .markdown import escape_markdown, link, visible_text


def _location(metadata: Mapping[str, Any]) -> str:
    loc = metadata.get("loc") if isinstance(metadata.get("loc"), Mapping) else {}
    page = metadata.get("page", loc.get("pageNumber"))
    lines = loc.get("lines") if isinstance(loc.get("lines"), Mapping) else {}
    parts = []
    if isinstance(page, (int, str)) and str(page).strip():
        parts.append(t("sources.page", page=page))
    first, last = lines.get("from"), lines.get("to")
    if isinstance(first, int) and isinstance(last, int):
        parts.append(t("sources.line", line=first) if first == last else t("sources.lines", first=first, last=last))
    return ", ".join(parts)


def source_heading(doc: SourceDocument, number: int) -> str:
    """Markdown heading line: title (a link only for http(s) URLs), its file, page/lines when known."""
    meta = doc.metadata
    url = next(filter(None, (http_url(meta.get(key)) for key in ("url", "source", "link"))), None)
    title = visible_text(doc.name or t("sources.document", number=number))
    heading = link(title, url) if url else escape_markdown(title)
    source = visible_text(str(meta.get("source") or "")).strip()
    details = [source] if source and source not in (title, url) else []
    if where := _location(meta):
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
