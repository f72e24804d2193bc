"""What the flow's owner set up for visitors in Flowise: a welcome message, and starter prompts
that ask a first question with one click."""

from __future__ import annotations

import streamlit as st

from chat.asking import request_question
from flowise_client import ChatbotConfig

from .markdown import escape_markdown, safe_markdown


def render_welcome_message(config: ChatbotConfig) -> None:
    if config.welcome_message:
        with st.chat_message("assistant"):
            st.markdown(safe_markdown(config.welcome_message))


def render_starter_prompts(config: ChatbotConfig) -> None:
    for number, prompt in enumerate(config.starter_prompts):
        st.button(
            escape_markdown(prompt),
            key=f"starter-{number}",
            icon=":material/chat_bubble:",
            on_click=request_question,
            args=(prompt,),
        )
