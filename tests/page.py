"""Driving the chat page through Streamlit's AppTest: what a test types, and what the page shows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from chat.state import Conversation

APP = str(Path(__file__).parent.parent / "app.py")


def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input[0].set_value(question).run()


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.code] + [e.value for e in at.error]
    parts += [t.value for t in at.text] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def conversation_of(at: AppTest) -> Conversation:
    """The conversation the page holds; the session-state key is the app's, read only here."""
    return at.session_state["conversation"]


def chat_id(at: AppTest) -> str:
    return conversation_of(at).chat_id
