"""A flow's steps and a person's decisions in the turn model, from recorded and realistic streams."""

from __future__ import annotations

import json

from chat.conversation import Conversation
from chat.export import to_markdown
from chat.history import turns_from_history
from chat.i18n import translate
from chat.steps import FlowSteps, StepState, headline
from chat.turn import AnswerState, Decision, Turn
from flowise_client import StoredMessage
from flowise_client.event_parsing import parse_event
from flowise_client.events import (
    AgentFlowEvent,
    AgentReasoningEvent,
    CalledToolsEvent,
    EndEvent,
    NextAgentEvent,
    NextAgentFlowEvent,
    ToolUse,
    UsedToolsEvent,
)
from flowise_client.sse import iter_payloads
from testbed.wire.answers import AGENT_REASONING
from testbed.wire.recordings import RECORDED_SECOND_TURN, fixture_bytes


def recorded(name: str) -> list:
    return [parse_event(p) for p in iter_payloads([fixture_bytes(name)])]


def history(name: str) -> list[Turn]:
    return turns_from_history([StoredMessage.from_json(m) for m in json.loads(fixture_bytes(name))])


def shown(steps: FlowSteps) -> list[tuple[str, str]]:
    return [(step.label, step.state.value) for step in steps.steps]


def live_headlines(turn: Turn, events) -> list[tuple[str, dict]]:
    seen = []
    for event in events:
        turn.apply(event)
        if turn.steps:
            line = headline(turn.steps, live=True)
            if not seen or seen[-1] != (line.key, line.values):
                seen.append((line.key, line.values))
    return seen


def test_recorded_run_shows_each_node_as_it_starts_and_ends_then_waits():
    turn = Turn("What is 12 * 7 ?")
    assert live_headlines(turn, recorded("human-input.stream.sse")) == [
        ("steps.working", {}),
        ("steps.running", {"step": "Start"}),
        ("steps.working", {}),
        ("steps.running", {"step": "Calculator Agent"}),
        ("steps.calling", {"tools": "calculator"}),
        ("steps.working", {}),
        ("steps.running", {"step": "Approval"}),
        ("steps.waiting", {"step": "Approval"}),
    ]
    assert shown(turn.steps) == [("Start", "done"), ("Calculator Agent", "done"), ("Approval", "waiting")]
    agent = turn.steps.steps[1]
    assert agent.tools == (ToolUse("calculator", {"input": "12 * 7"}, "84"),)
    # The agent's tool, reported only in its node's data, is the answer's tool too, once.
    assert turn.tools == [ToolUse("calculator", {"input": "12 * 7"}, "84")]
    assert turn.state is AnswerState.COMPLETE and turn.action is not None and turn.action.node_label == "Approval"
    assert headline(turn.steps, live=False).state == "complete"


def test_continuation_resumes_the_stopped_node_in_the_same_turn():
    turn = Turn("What is 12 * 7 ?")
    for event in recorded("human-input.stream.sse"):
        turn.apply(event)
    first = turn.answer
    turn.resume(True, " Short, please ")
    assert turn.action is None and turn.state is not AnswerState.COMPLETE
    assert turn.decisions == [Decision(True, "Short, please", len(first))]
    # The stopped node goes on as soon as the person answers.
    assert headline(turn.steps, live=True).values == {"step": "Approval"}
    assert live_headlines(turn, recorded("human-input.proceed.stream.sse")) == [
        ("steps.running", {"step": "Approval"}),
        ("steps.working", {}),
        ("steps.running", {"step": "Writer"}),
        ("steps.working", {}),
    ]
    assert shown(turn.steps) == [
        ("Start", "done"),
        ("Calculator Agent", "done"),
        ("Approval", "done"),
        ("Writer", "done"),
    ]
    assert turn.answer_parts() == [
        (first, Decision(True, "Short, please", len(first))),
        (RECORDED_SECOND_TURN, None),
    ]
    assert headline(turn.steps, live=False).values == {"count": 4}
    assert turn.state is AnswerState.COMPLETE and len(turn.tools) == 1


def test_a_node_that_runs_again_is_a_new_step_and_a_failure_says_where():
    steps = FlowSteps()
    for status in ("INPROGRESS", "FINISHED", "INPROGRESS"):
        steps.apply(NextAgentFlowEvent("agent_0", "Agent", status))
    assert shown(steps) == [("Agent", "done"), ("Agent", "running")]
    # The run so far lists its first run only: the second is still going on.
    steps.apply(
        parse_event(
            {
                "event": "agentFlowExecutedData",
                "data": [
                    {
                        "nodeId": "agent_0",
                        "nodeLabel": "Agent",
                        "status": "FINISHED",
                        "data": {"output": {"content": "x"}},
                    }
                ],
            }
        )
    )
    assert shown(steps) == [("Agent", "done"), ("Agent", "running")]
    failed = parse_event(
        {
            "event": "nextAgentFlow",
            "data": {"nodeId": "agent_0", "nodeLabel": "Agent", "status": "ERROR", "error": "429 Rate limit"},
        }
    )
    steps.apply(failed)
    steps.apply(AgentFlowEvent("ERROR"))
    assert shown(steps) == [("Agent", "done"), ("Agent", "failed")]
    assert steps.steps[-1].error == "429 Rate limit"
    line = headline(steps, live=True)
    assert (line.key, line.values, line.state) == ("steps.failed", {"step": "Agent"}, "error")


def test_called_tools_wait_for_their_results_then_go():
    steps = FlowSteps()
    steps.apply(NextAgentFlowEvent("agent_0", "Agent", "INPROGRESS"))
    steps.apply(CalledToolsEvent((ToolUse("search", {"q": "Paris"}, ""), ToolUse("calculator", {"input": "1+1"}, ""))))
    assert headline(steps, live=True).values == {"tools": "search, calculator"}
    steps.apply(UsedToolsEvent((ToolUse("search", {"q": "Paris"}, "2.1 million"),)))
    assert [tool.tool for tool in steps.calling] == ["calculator"]
    steps.apply(NextAgentFlowEvent("agent_0", "Agent", "FINISHED"))
    assert steps.calling == ()
    steps.apply(CalledToolsEvent((ToolUse("calculator"),)))
    version = steps.version
    steps.finish()
    assert steps.calling == () and steps.version > version


def test_multi_agent_reasoning_shows_each_agent_and_the_one_working_now():
    steps = FlowSteps()
    steps.apply(AgentReasoningEvent(parse_event({"event": "agentReasoning", "data": AGENT_REASONING[:1]}).steps))
    steps.apply(NextAgentEvent("Researcher"))
    assert shown(steps) == [("Supervisor", "done"), ("Researcher", "running")]
    assert headline(steps, live=True).values == {"step": "Researcher"}
    steps.apply(parse_event({"event": "agentReasoning", "data": AGENT_REASONING}))
    assert shown(steps) == [("Supervisor", "done"), ("Researcher", "done"), ("Supervisor", "done")]
    researcher = steps.steps[1]
    assert researcher.notes == ("Paris had **2,102,650** inhabitants in 2023.",)
    assert [tool.tool for tool in researcher.tools] == ["search_population"]
    assert [doc.metadata["source"] for doc in researcher.sources] == ["insee.txt"]
    # A supervisor's instructions say what it decided.
    assert steps.steps[0].notes == ("Find how many people live in Paris.",)


def test_an_interrupted_run_is_not_shown_as_running():
    turn = Turn("q")
    turn.apply(NextAgentFlowEvent("llm_0", "Answer", "INPROGRESS"))
    line = headline(turn.steps, live=False)
    assert (line.key, line.state) == ("steps.done", "complete")
    assert turn.steps.steps[0].state is StepState.RUNNING


def test_plain_answers_have_no_steps():
    turn = Turn("Hello there")
    for event in recorded("plain.stream.sse"):
        turn.apply(event)
    assert not turn.steps and turn.steps.steps == []


def test_history_puts_an_approved_run_back_into_one_turn():
    (turn,) = history("chatmessage.human-input-history.json")
    assert turn.question == "What is 12 * 7 ?"
    assert turn.decisions == [Decision(True, "", len("Результат: 84 ✅\n\nShall I write the final answer?"))]
    assert [text for text, _ in turn.answer_parts()] == [
        "Результат: 84 ✅\n\nShall I write the final answer?",
        RECORDED_SECOND_TURN,
    ]
    assert shown(turn.steps) == [
        ("Start", "done"),
        ("Calculator Agent", "done"),
        ("Approval", "done"),
        ("Writer", "done"),
    ]
    assert turn.action is None and turn.state is AnswerState.COMPLETE and turn.message_id
    assert [tool.tool_output for tool in turn.tools] == ["84"]


def test_history_knows_a_rejection_with_a_comment_from_the_run():
    (turn,) = history("chatmessage.human-input-reject-history.json")
    assert [(d.approve, d.feedback) for d in turn.decisions] == [(False, "Not now, thanks")]
    assert turn.answer.endswith("Ask again whenever you like.")


def test_history_keeps_a_pending_request_open():
    (turn,) = history("chatmessage.human-input-pending-history.json")
    assert turn.action is not None and turn.action.node_id == "humanInputAgentflow_0"
    assert headline(turn.steps, live=False).key == "steps.waiting"


def test_history_of_a_plain_flow_is_unchanged():
    turns = history("chatmessage.history.json")
    assert turns and all(not t.steps and not t.decisions for t in turns)


def test_end_clears_what_was_still_being_called():
    turn = Turn("q")
    turn.apply(CalledToolsEvent((ToolUse("search"),)))
    turn.apply(EndEvent())
    assert turn.steps.calling == () and turn.state is AnswerState.COMPLETE


def test_an_unnamed_agent_and_a_run_that_failed_nowhere_in_particular_are_in_the_app_s_words():
    steps = FlowSteps()
    steps.apply(parse_event({"event": "agentReasoning", "data": [{"agentName": "", "messages": ["Done."]}]}))
    (agent,) = steps.steps
    assert (agent.name("en"), agent.name("ru")) == ("Agent 1", "Агент 1")
    turn = Turn("q", steps=steps)
    assert "- Агент 1 (выполнен)" in to_markdown(Conversation(turns=[turn]), "flow", "ru")
    steps.apply(AgentFlowEvent("ERROR"))
    line = headline(steps, live=True)
    assert (line.key, line.state) == ("steps.failed_run", "error")
    assert (translate("en", line.key, **line.values), translate("ru", line.key, **line.values)) == (
        "The flow failed",
        "Сценарий завершился с ошибкой",
    )
