"""An answer's text, with each decision the person made where they made it."""

from __future__ import annotations

import streamlit as st

from chat.turn import Turn

from .human_input import decision_caption
from .markdown import safe_markdown


def render_answer_text(turn: Turn, image_hosts: frozenset[str]) -> None:
    for text, decision in turn.answer_parts():
        if text:
            st.markdown(safe_markdown(text, image_hosts))
        if decision:
            st.caption(decision_caption(decision))
