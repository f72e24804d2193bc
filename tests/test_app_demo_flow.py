"""The chat page with nothing configured: the built-in demo flow."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.page import APP, ask, chat_id, conversation_of, follow_up_buttons, page_text


def test_demo_flow_answers_with_sources_and_a_tool_when_nothing_is_configured():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert "built-in demo flow" in at.info[0].value
    at = ask(at, "How do I deploy to Streamlit Community Cloud? And what is 12 * 7?")
    assert not at.exception and not at.error
    assert "12 \\* 7 = 84" in page_text(at) or "12 * 7 = 84" in page_text(at)
    assert "Push the repository to GitHub" in page_text(at)
    assert [e.label for e in at.expander] == ["Sources (3)", "Tools used (1)"]


def test_demo_flow_welcomes_suggests_follow_ups_and_restores_a_linked_conversation():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert "Hi! I am the built-in demo flow" in page_text(at)
    at = ask(at, "How do I deploy to Streamlit Community Cloud?")
    follow_ups = [b.label for b in follow_up_buttons(at)]
    assert follow_ups and all(label.startswith('Tell me about "') for label in follow_ups)
    at = follow_up_buttons(at)[0].click().run()
    linked = AppTest.from_file(APP, default_timeout=30)
    linked.query_params["chat"] = chat_id(at)
    linked = linked.run()
    questions = [t.question for t in conversation_of(linked).turns]
    assert questions == ["How do I deploy to Streamlit Community Cloud?", follow_ups[0]]
    assert "Push the repository to GitHub" in page_text(linked)
