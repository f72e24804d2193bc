"""Agent steps and human input on the chat page, through AppTest, against the local Flowise-wire
server's recorded agentflow with a Human Input node and its multi-agent flow."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from chat.export import to_markdown
from flowise_client.event_parsing import parse_event
from testbed.wire.answers import AGENTS_ANSWER, TOOL_FAILURE
from testbed.wire.flows import API_KEY, Scenario
from testbed.wire.recordings import RECORDED_SECOND_TURN
from tests.page import ask, chat_id, conversation_of, page_text

FIRST = "Результат: 84 ✅\n\nShall I write the final answer?"
REJECTED = "Understood: nothing more will be done. Ask again whenever you like."


def decision_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.key and b.key.startswith(("approve-", "reject-"))]


def click(at: AppTest, label: str) -> AppTest:
    (button,) = [b for b in decision_buttons(at) if b.label == label]
    return button.click().run()


def bubble_text(at: AppTest, number: int = -1) -> list[str]:
    """The texts of a chat bubble, in the order they are on the page."""

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if isinstance(getattr(child, "value", None), str):
                yield child.value
            yield from walk(child)

    return list(walk(at.chat_message[number]))


def steps_box(at: AppTest):
    (box,) = at.status
    return box


def test_agentflow_steps_are_shown_above_the_answer_and_it_waits_for_a_decision(app):
    at = ask(app(Scenario.HUMAN_INPUT), "What is 12 * 7 ?")
    assert not at.exception
    box = steps_box(at)
    assert box.label == "Paused at Approval for your decision"
    assert [m.value for m in box.markdown] == [
        ":material/check_circle: **Start**",
        ":material/check_circle: **Calculator Agent**",
        ":material/front_hand: **Approval** · waiting for your decision",
    ]
    assert [c.value for c in box.caption] == ["Tools: **calculator**"]
    assert [b.label for b in decision_buttons(at)] == ["Proceed", "Reject"]
    assert at.text_input[0].label == "Comment (optional)"
    assert "The flow is waiting for your decision." in page_text(at)
    (tools,) = [e for e in at.expander if e.label.startswith("Tools used")]
    assert tools.label == "Tools used (1)" and [c.value for c in tools.code] == ['{\n  "input": "12 * 7"\n}', "84"]


def test_proceed_continues_the_same_answer_and_sends_what_flowise_expects(app, wire):
    at = ask(app(Scenario.HUMAN_INPUT), "What is 12 * 7 ?")
    at = click(at, "Proceed")
    assert not at.exception and not at.error
    request = wire.predictions(Scenario.HUMAN_INPUT)[-1].body
    assert request == {
        "question": "Proceed",
        "chatId": chat_id(at),
        "streaming": True,
        "humanInput": {"type": "proceed", "startNodeId": "humanInputAgentflow_0", "feedback": ""},
    }
    # One question, one answer: the flow went on in the same bubble.
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert len(conversation_of(at).turns) == 1
    answer = [FIRST, ":material/check: You chose to proceed.", RECORDED_SECOND_TURN]
    assert [text for text in bubble_text(at) if text in answer] == answer
    assert steps_box(at).label == "Steps: 4"
    assert not decision_buttons(at)
    # The same from the history, in the next run, the steps above the answer.
    at.run()
    assert [text for text in bubble_text(at) if text in answer] == answer
    assert bubble_text(at)[0] == ":material/check_circle: **Start**"
    assert steps_box(at).label == "Steps: 4" and not decision_buttons(at)


def test_reject_with_a_comment(app, wire):
    at = ask(app(Scenario.HUMAN_INPUT), "What is 12 * 7 ?")
    at.text_input[0].set_value("Not now, thanks").run()
    at = click(at, "Reject")
    request = wire.predictions(Scenario.HUMAN_INPUT)[-1].body
    assert request["question"] == "Not now, thanks"
    assert request["humanInput"] == {
        "type": "reject",
        "startNodeId": "humanInputAgentflow_0",
        "feedback": "Not now, thanks",
    }
    assert "You rejected: Not now, thanks" in page_text(at)
    assert REJECTED in page_text(at)
    assert [m.value for m in steps_box(at).markdown][-1] == ":material/check_circle: **Rejected**"


def test_decision_without_streaming(app, wire):
    at = app(Scenario.HUMAN_INPUT)
    conversation_of(at).streaming = False
    at = click(ask(at, "What is 5 * 5 ?"), "Proceed")
    assert wire.predictions(Scenario.HUMAN_INPUT)[-1].body["streaming"] is False
    assert "Результат: 25 ✅" in page_text(at) and RECORDED_SECOND_TURN in page_text(at)
    assert steps_box(at).label == "Steps: 4"


def test_a_decision_flowise_refuses_keeps_the_request_open(app, wire):
    at = ask(app(Scenario.HUMAN_INPUT), "What is 12 * 7 ?")
    wire.stopped_chats.discard(chat_id(at))  # e.g. answered meanwhile in another tab
    at = click(at, "Proceed")
    assert "No previous execution found for session" in at.error[0].value
    # Deciding again is the retry: no "Retry" that would ask the question anew.
    assert [b.label for b in decision_buttons(at)] == ["Proceed", "Reject"]
    assert not [b for b in at.button if b.key and b.key.startswith("retry-")]
    assert FIRST.split("\n")[0] in page_text(at)


def test_a_decision_made_again_after_flowise_refused_it_is_recorded_once(app, wire):
    at = ask(app(Scenario.HUMAN_INPUT), "What is 12 * 7 ?")
    at.text_input[0].set_value("Go on").run()
    wire.stopped_chats.discard(chat_id(at))
    at = click(at, "Proceed")
    assert at.error
    # The comment is still there for the second try.
    assert at.text_input[0].value == "Go on"
    wire.stopped_chats.add(chat_id(at))
    at = click(at, "Proceed")
    assert not at.error and RECORDED_SECOND_TURN in page_text(at)
    assert page_text(at).count("You chose to proceed: Go on") == 1
    (turn,) = conversation_of(at).turns
    assert to_markdown(conversation_of(at), "Flow", "en").count("You chose to proceed: Go on") == 1
    assert len(turn.decisions) == 1


def test_only_the_latest_answer_offers_its_decision(app, wire):
    at = ask(app(Scenario.HUMAN_INPUT), "What is 12 * 7 ?")
    at = ask(at, "Never mind: what is 3 + 4 ?")
    turns = conversation_of(at).turns
    assert [b.key for b in decision_buttons(at)] == [f"approve-{turns[1].id}", f"reject-{turns[1].id}"]


def test_a_decision_counts_against_the_questions_per_minute(app, wire):
    at = ask(app(Scenario.HUMAN_INPUT, QUESTIONS_PER_MINUTE="1"), "What is 12 * 7 ?")
    sent = len(wire.predictions(Scenario.HUMAN_INPUT))
    at = click(at, "Proceed")
    assert len(wire.predictions(Scenario.HUMAN_INPUT)) == sent
    assert "as many questions in the last minute as this chat accepts (1)" in at.warning[0].value
    assert [b.label for b in decision_buttons(at)] == ["Proceed", "Reject"]


def test_a_linked_conversation_waiting_for_a_decision_can_be_answered(app, wire):
    # The wire server has the recorded conversation, stopped for approval, under any id the app made.
    linked = app(Scenario.HUMAN_INPUT, FLOWISE_API_KEY=API_KEY).query_params["chat"]
    at = app(Scenario.HUMAN_INPUT, chat=linked, FLOWISE_API_KEY=API_KEY)
    (_turn,) = conversation_of(at).turns  # one turn, the linked one
    assert steps_box(at).label == "Paused at Approval for your decision"
    at = click(at, "Proceed")
    assert wire.predictions(Scenario.HUMAN_INPUT)[-1].body["chatId"] == linked
    assert RECORDED_SECOND_TURN in page_text(at) and len(conversation_of(at).turns) == 1


def test_multi_agent_steps_show_each_agent_with_what_it_did(app):
    at = ask(app(Scenario.AGENTS), "How many people live in Paris?")
    box = steps_box(at)
    assert box.label == "Steps: 3"
    assert [m.value for m in box.markdown] == [
        ":material/check_circle: **Supervisor**",
        ":material/check_circle: **Researcher**",
        ":material/check_circle: **Supervisor**",
    ]
    assert [c.value for c in box.caption] == [
        "Find how many people live in Paris.",
        "Paris had **2,102,650** inhabitants in 2023.",
        "Tools: **search\\_population**",
        "Sources: insee\\.txt",
        "The answer is ready.",
    ]
    assert AGENTS_ANSWER in page_text(at)
    assert sorted(e.label for e in at.expander) == ["Sources (1)", "Tools used (1)"]


@pytest.mark.parametrize("flow", [Scenario.PLAIN, Scenario.RAG])
def test_flows_without_steps_have_no_steps_box(app, flow):
    at = ask(app(flow), "Hello")
    assert not at.status and not decision_buttons(at)


def test_steps_and_decisions_in_russian(app):
    at = app(Scenario.HUMAN_INPUT)
    at.session_state["language_choice"] = "ru"
    at = ask(at, "What is 12 * 7 ?")
    assert steps_box(at).label == "Пауза на шаге «Approval»: нужно ваше решение"
    assert [b.label for b in decision_buttons(at)] == ["Продолжить", "Отклонить"]
    at = click(at, "Продолжить")
    assert "Вы выбрали «Продолжить»." in page_text(at)
    assert steps_box(at).label == "Шаги: 4"


def test_a_failed_node_and_its_failed_tool_call_are_shown(app):
    at = ask(app(Scenario.AGENTFLOW_ERROR), "Weather in Paris?")
    box = steps_box(at)
    assert box.label == "Failed at Weather Agent" and box.state == "error"
    assert [m.value for m in box.markdown] == [
        ":material/check_circle: **Start**",
        ":material/error: **Weather Agent** · failed",
    ]
    assert f":material/error: {TOOL_FAILURE}" in [c.value for c in box.caption]
    assert TOOL_FAILURE in at.error[0].value
    (tools,) = [e for e in at.expander if e.label.startswith("Tools used")]
    assert f":material/error: {TOOL_FAILURE}" in [c.value for c in tools.caption]


def test_a_second_approval_in_the_same_answer_starts_with_an_empty_comment(app, wire):
    at = ask(app(Scenario.HUMAN_INPUT_TWICE), "What is 12 * 7 ?")
    at.text_input[0].set_value("Looks right").run()
    at = click(at, "Proceed")
    assert not at.exception and not at.error
    assert wire.predictions(Scenario.HUMAN_INPUT_TWICE)[-1].body["humanInput"]["feedback"] == "Looks right"
    assert steps_box(at).label == "Paused at Final check for your decision"
    assert "You chose to proceed: Looks right" in page_text(at)
    (comment,) = at.text_input
    assert comment.value == ""
    at = click(at, "Proceed")
    assert wire.predictions(Scenario.HUMAN_INPUT_TWICE)[-1].body["humanInput"] == {
        "type": "proceed",
        "startNodeId": "humanInputAgentflow_1",
        "feedback": "",
    }
    assert RECORDED_SECOND_TURN in page_text(at)


def test_an_agent_s_buttons_without_labels_are_worded_in_the_page_s_language(app):
    at = ask(app(Scenario.ECHO), "Send the e-mail?")
    (turn,) = conversation_of(at).turns
    turn.action = parse_event(
        {
            "event": "action",
            "data": {"id": "act-2", "mapping": {}, "elements": [{"type": "approve-button"}, {"type": "reject-button"}]},
        }
    )
    at = at.sidebar.selectbox[0].select("ru").run()
    assert [b.label for b in decision_buttons(at)] == ["Продолжить", "Отклонить"]
