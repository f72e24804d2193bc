"""The client's side of agent steps and human input: events of recorded agentflow runs, the reply
to an ``action`` as Flowise expects it, and agentflow runs in stored history."""

from __future__ import annotations

import json

import pytest

from flowise_client import FlowiseClient, FlowiseServerError, FlowiseStreamError, HumanReply, StoredMessage
from flowise_client.event_parsing import parse_event
from flowise_client.events import (
    ActionEvent,
    AgentFlowEvent,
    AgentFlowExecutedDataEvent,
    CalledToolsEvent,
    NextAgentFlowEvent,
    ToolUse,
    UnknownEvent,
)
from flowise_client.sse import iter_payloads
from testbed.wire.flows import Scenario
from testbed.wire.recordings import RECORDED_SECOND_TURN, fixture_bytes
from tests.events import answer_text

REJECT_ANSWER = "Understood: nothing more will be done. Ask again whenever you like."


def recorded(name: str) -> list:
    return [parse_event(p) for p in iter_payloads([fixture_bytes(name)])]


def the(events, kind):
    (found,) = [e for e in events if isinstance(e, kind)]
    return found


def test_recorded_run_stops_at_the_human_input_node_with_its_action():
    events = recorded("human-input.stream.sse")
    assert not any(isinstance(e, UnknownEvent) for e in events)
    assert [(e.node_label, e.status) for e in events if isinstance(e, NextAgentFlowEvent)] == [
        ("Start", "INPROGRESS"),
        ("Start", "FINISHED"),
        ("Calculator Agent", "INPROGRESS"),
        ("Calculator Agent", "FINISHED"),
        ("Approval", "INPROGRESS"),
        ("Approval", "STOPPED"),
    ]
    assert the(events, CalledToolsEvent).tools == (ToolUse("calculator", {"input": "12 * 7"}, ""),)
    assert [e.status for e in events if isinstance(e, AgentFlowEvent)] == ["INPROGRESS", "STOPPED", "STOPPED"]
    action = the(events, ActionEvent)
    assert action.is_agentflow and action.accepts_feedback
    assert (action.node_id, action.node_label) == ("humanInputAgentflow_0", "Approval")
    assert (action.label(True), action.label(False)) == ("Proceed", "Reject")
    assert answer_text(events) == "Результат: 84 ✅\n\nShall I write the final answer?"
    # The agent's tool use is only in the node's data: it is not the last node.
    last = [e for e in events if isinstance(e, AgentFlowExecutedDataEvent)][-1]
    assert last.nodes[1].used_tools == (ToolUse("calculator", {"input": "12 * 7"}, "84"),)


def test_recorded_continuation_resumes_the_stopped_node():
    events = recorded("human-input.proceed.stream.sse")
    assert [(e.node_label, e.status) for e in events if isinstance(e, NextAgentFlowEvent)] == [
        ("Approval", "INPROGRESS"),
        ("Approval", "FINISHED"),
        ("Writer", "INPROGRESS"),
        ("Writer", "FINISHED"),
    ]
    assert answer_text(events) == RECORDED_SECOND_TURN
    assert answer_text(recorded("human-input.reject.stream.sse")) == REJECT_ANSWER


def test_agentflow_reply_is_what_flowise_widget_sends():
    action = the(recorded("human-input.stream.sse"), ActionEvent)
    assert HumanReply(action, True).question == "Proceed"
    assert HumanReply(action, True).request_fields() == {
        "humanInput": {"type": "proceed", "startNodeId": "humanInputAgentflow_0", "feedback": ""}
    }
    commented = HumanReply(action, False, "  Not now, thanks ")
    assert commented.question == "Not now, thanks"
    assert commented.request_fields() == {
        "humanInput": {"type": "reject", "startNodeId": "humanInputAgentflow_0", "feedback": "Not now, thanks"}
    }


def test_sequential_agent_reply_sends_the_button_label_with_the_action():
    # As buildAgentGraph.ts sends an interrupt: the owner's button texts and the pending tool calls.
    data = {
        "id": "act-1",
        "mapping": {"approve": "Да", "reject": "Нет", "toolCalls": [{"name": "send_email", "id": "c1"}]},
        "elements": [{"type": "approve-button", "label": "Да"}, {"type": "reject-button", "label": "Нет"}],
    }
    action = parse_event({"event": "action", "data": data})
    assert not action.is_agentflow and not action.accepts_feedback
    reply = HumanReply(action, False, "ignored")
    assert reply.question == "Нет"
    assert reply.request_fields() == {"action": data}


def test_reply_goes_on_in_the_same_chat(wire):
    client = FlowiseClient(wire.url)
    with client.predict(Scenario.HUMAN_INPUT, "What is 12 * 7 ?", "chat-hitl-1") as events:
        action = the(list(events), ActionEvent)
    with client.predict(Scenario.HUMAN_INPUT, HumanReply(action, True, "Short, please"), "chat-hitl-1") as events:
        assert answer_text(list(events)) == RECORDED_SECOND_TURN
    assert wire.predictions(Scenario.HUMAN_INPUT)[-1].body == {
        "question": "Short, please",
        "chatId": "chat-hitl-1",
        "streaming": True,
        "humanInput": {"type": "proceed", "startNodeId": "humanInputAgentflow_0", "feedback": "Short, please"},
    }
    # That run has gone on: answering it again is refused, as Flowise refuses it.
    with (
        pytest.raises(FlowiseStreamError, match="No previous execution found for session chat-hitl-1"),
        client.predict(Scenario.HUMAN_INPUT, HumanReply(action, False), "chat-hitl-1") as events,
    ):
        list(events)


def test_reply_without_streaming(wire):
    client = FlowiseClient(wire.url)
    with client.predict(Scenario.HUMAN_INPUT, "What is 5 * 5 ?", "chat-hitl-2", streaming=False) as events:
        action = the(list(events), ActionEvent)
    with client.predict(Scenario.HUMAN_INPUT, HumanReply(action, False), "chat-hitl-2", streaming=False) as events:
        assert answer_text(list(events)) == REJECT_ANSWER
    assert wire.predictions(Scenario.HUMAN_INPUT)[-1].body["humanInput"]["type"] == "reject"
    with (
        pytest.raises(FlowiseServerError, match="No previous execution"),
        client.predict(Scenario.HUMAN_INPUT, HumanReply(action, False), "chat-hitl-2", streaming=False),
    ):
        pass


def test_stored_agentflow_answer_carries_its_run_and_pending_action():
    stored = [
        StoredMessage.from_json(m) for m in json.loads(fixture_bytes("chatmessage.human-input-pending-history.json"))
    ]
    question, answer = stored
    assert question.execution_id == answer.execution_id != ""
    nodes = the(answer.events, AgentFlowExecutedDataEvent).nodes
    assert [(n.node_label, n.status) for n in nodes] == [
        ("Start", "FINISHED"),
        ("Calculator Agent", "FINISHED"),
        ("Approval", "STOPPED"),
    ]
    assert the(answer.events, ActionEvent).node_id == "humanInputAgentflow_0"


def test_a_sequential_agent_action_without_labels_leaves_the_words_to_the_app():
    action = parse_event(
        {
            "event": "action",
            "data": {"id": "act-2", "mapping": {}, "elements": [{"type": "approve-button"}, {"type": "reject-button"}]},
        }
    )
    assert (action.label(True), action.label(False)) == ("", "")
    assert (HumanReply(action, True).question, HumanReply(action, False).question) == ("Approve", "Reject")
