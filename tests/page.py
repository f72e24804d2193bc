"""Driving the chat page through Streamlit's AppTest: what a test types, and what the page shows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from chat.conversation import Conversation
from chat.session import CONVERSATIONS, FLOW_CHOICE

APP = str(Path(__file__).parent.parent / "app.py")


def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input[0].set_value(question).run()


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.code] + [e.value for e in at.error]
    parts += [t.value for t in at.text] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def conversation_of(at: AppTest) -> Conversation:
    """The conversation the page holds: the chosen flow's. The session-state keys are the app's,
    read only here."""
    return at.session_state[CONVERSATIONS][at.session_state[FLOW_CHOICE]]


def chat_id(at: AppTest) -> str:
    return conversation_of(at).chat_id


def sent_to_browser(at: AppTest) -> str:
    """Every element the app sent, as its protobuf text: what a browser could see or read."""

    def walk(node) -> list[str]:
        proto = getattr(node, "proto", None)
        texts = [str(proto)] if proto is not None else []
        for child in getattr(node, "children", {}).values():
            texts += walk(child)
        return texts

    return "\n".join(walk(at._tree))


def enter_password(at: AppTest, attempt: str) -> AppTest:
    (box,) = at.text_input
    box.input(attempt)
    return at.button[0].click().run()


def health_line(at: AppTest) -> str:
    (line,) = [c.value for c in at.sidebar.caption if "Flowise" in c.value]
    return line


def follow_up_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.key and b.key.startswith("follow-up-")]


def flow_selector(at: AppTest):
    (selector,) = at.sidebar.radio
    return selector
