"""Feedback on answers in the chat page, as Flowise stores it."""

from __future__ import annotations

from testbed.wire.flows import Scenario
from tests.app_cases import feedback_sent
from tests.page import ask, chat_id, conversation_of


def test_feedback_is_sent_then_updated_with_a_comment(app, wire):
    at = ask(app(Scenario.RAG), "What is the capital of France?")
    turn = conversation_of(at).turns[-1]
    assert turn.message_id  # from the recorded stream's metadata event
    before = len(feedback_sent(wire))
    at.get("feedback")[0].set_value(1).run()
    (created,) = feedback_sent(wire)[before:]
    assert (created.method, created.path) == ("POST", "/api/v1/feedback")
    assert created.body == {
        "chatflowid": Scenario.RAG,
        "chatId": chat_id(at),
        "messageId": turn.message_id,
        "rating": "THUMBS_UP",
        "content": "",
    }
    at.get("feedback")[0].set_value(0).run()
    (comment_box,) = [t for t in at.text_input if t.label.startswith("Anything to add")]
    comment_box.input("Too short").run()
    changed, commented = feedback_sent(wire)[before + 1 :]
    feedback_id = conversation_of(at).turns[-1].feedback_id
    assert (changed.method, changed.path) == ("PUT", f"/api/v1/feedback/{feedback_id}")
    assert changed.body["rating"] == "THUMBS_DOWN"
    assert (commented.method, commented.body["rating"], commented.body["content"]) == (
        "PUT",
        "THUMBS_DOWN",
        "Too short",
    )


def test_no_feedback_for_an_answer_flowise_did_not_store(app):
    at = ask(app(Scenario.ERROR_MIDSTREAM), "Will it fail?")
    assert not at.get("feedback")
