"""What the chat page offers to ask: the welcome message, starter prompts and follow-up prompts."""

from __future__ import annotations

from testbed.wire.flows import Scenario
from tests.page import ask, conversation_of, follow_up_buttons, page_text


def test_welcome_message_and_starter_prompts_on_an_empty_chat(app, wire):
    at = app(Scenario.WELCOME)
    (welcome,) = at.chat_message
    assert welcome.markdown[0].value == "Здравствуйте! 👋 Ask me *anything*."
    starters = [b for b in at.button if b.key and b.key.startswith("starter-")]
    assert [b.label for b in starters] == ["What can you do?", "Что такое \\*\\*Flowise\\*\\*?"]
    at = starters[1].click().run()
    assert wire.predictions(Scenario.WELCOME)[-1].body["question"] == "Что такое **Flowise**?"
    assert "You asked: Что такое **Flowise**?" in page_text(at)
    assert not [b for b in at.button if b.key and b.key.startswith("starter-")]
    assert at.chat_message[0].markdown[0].value == "Здравствуйте! 👋 Ask me *anything*."  # the welcome stays first


def test_flow_without_chat_settings_has_no_welcome_or_starters(app):
    at = app(Scenario.RAG)
    assert not at.chat_message
    assert not [b for b in at.button if b.key and b.key.startswith("starter-")]


def test_follow_up_prompts_under_the_last_answer_ask_with_a_click(app, wire):
    at = ask(app(Scenario.FOLLOW_UPS), "The capital of France?")
    assert [b.label for b in follow_up_buttons(at)] == ["Почему Париж?", "And \\*Lyon\\*?"]
    at = follow_up_buttons(at)[1].click().run()
    assert wire.predictions(Scenario.FOLLOW_UPS)[-1].body["question"] == "And *Lyon*?"
    assert "About And *Lyon*?" in page_text(at)
    # Only the newest answer offers its follow-ups, also when drawn again from the history.
    turn_ids = [t.id for t in conversation_of(at).turns]
    at.run()
    assert {b.key.split("-")[2] for b in follow_up_buttons(at)} == {turn_ids[-1]}
