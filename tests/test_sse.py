"""The event-stream decoder and event parser, on bytes recorded from a real Flowise 3.1.4."""

from __future__ import annotations

import json

import pytest

from flowise_client.event_parsing import parse_event
from flowise_client.events import (
    EndEvent,
    ErrorEvent,
    MetadataEvent,
    SourceDocumentsEvent,
    StartEvent,
    TokenEvent,
    UnknownEvent,
    UsedToolsEvent,
)
from flowise_client.sse import iter_payloads
from flowise_wire import frame
from testbed.wire.recordings import RECORDED_ANSWER, RECORDED_SECOND_TURN, fixture_bytes
from tests.events import answer_text

RECORDED = [
    "plain.stream.sse",
    "plain.turn2.stream.sse",
    "rag.stream.sse",
    "agent.stream.sse",
    "build-error.stream.sse",
    "agentflow.stream.sse",
]


def events_of(chunks):
    return [parse_event(p) for p in iter_payloads(chunks)]


def names(events):
    return [type(e).__name__ for e in events]


def test_rag_transcript_gives_tokens_sources_metadata_and_end():
    events = events_of([fixture_bytes("rag.stream.sse")])
    assert isinstance(events[0], StartEvent)
    assert answer_text(events) == RECORDED_SECOND_TURN
    (sources,) = [e for e in events if isinstance(e, SourceDocumentsEvent)]
    assert sources.documents[0].metadata == {"source": "facts.txt"}
    assert "Париж — столица Франции" in sources.documents[0].page_content
    meta = events[-2]
    assert isinstance(meta, MetadataEvent)
    assert meta.chat_id == meta.session_id == "rec-rag-1"
    assert meta.chat_message_id == "0b29a012-a98a-494d-8f3e-e6a6fd5a2b58"
    assert isinstance(events[-1], EndEvent)


def test_agent_transcript_gives_used_tools():
    events = events_of([fixture_bytes("agent.stream.sse")])
    (tools,) = [e for e in events if isinstance(e, UsedToolsEvent)]
    assert tools.tools[0].tool == "calculator"
    assert tools.tools[0].tool_input == {"input": "2140526 / 105.4"}
    assert tools.tools[0].tool_output == "20308.595825426943"
    assert answer_text(events).endswith("✅")


def test_agentflow_transcript_gives_node_progress_tokens_and_usage():
    from flowise_client.events import AgentFlowEvent, AgentFlowExecutedDataEvent, NextAgentFlowEvent, UsageMetadataEvent

    events = events_of([fixture_bytes("agentflow.stream.sse")])
    assert events[0] == AgentFlowEvent("INPROGRESS")
    progress = [(e.node_label, e.status) for e in events if isinstance(e, NextAgentFlowEvent)]
    assert progress == [
        ("Start", "INPROGRESS"),
        ("Start", "FINISHED"),
        ("Answer", "INPROGRESS"),
        ("Answer", "FINISHED"),
    ]
    executed = [e for e in events if isinstance(e, AgentFlowExecutedDataEvent)][-1]
    assert [(n.node_label, n.status) for n in executed.nodes] == [("Start", "FINISHED"), ("Answer", "FINISHED")]
    assert answer_text(events) == RECORDED_ANSWER
    assert [e for e in events if isinstance(e, UsageMetadataEvent)] == [UsageMetadataEvent(10, 10, 20)]
    assert events[-3] == AgentFlowEvent("FINISHED")
    assert not any(isinstance(e, UnknownEvent) for e in events)


def test_error_transcript_gives_error_event():
    events = events_of([fixture_bytes("build-error.stream.sse")])
    assert names(events) == ["ErrorEvent", "EndEvent"]
    assert "SerpAPI API key not set" in events[0].message


def test_heartbeat_comments_and_message_lines_are_not_events():
    body = fixture_bytes("plain.stream.sse")
    assert b":heartbeat" in body and b"message:\n" in body
    events = events_of([body])
    assert all(not isinstance(e, UnknownEvent) for e in events)
    assert names(events)[-2:] == ["MetadataEvent", "EndEvent"]


@pytest.mark.parametrize("name", RECORDED)
def test_every_split_point_gives_the_same_events(name):
    body = fixture_bytes(name)
    whole = events_of([body])
    for cut in range(1, len(body)):
        assert events_of([body[:cut], body[cut:]]) == whole, f"split at byte {cut}"


@pytest.mark.parametrize("name", RECORDED)
def test_one_byte_reads_give_the_same_events(name):
    body = fixture_bytes(name)
    assert events_of(body[i : i + 1] for i in range(len(body))) == events_of([body])


def test_utf8_character_split_across_reads():
    body = frame("token", "🙂Ж")
    emoji_start = body.index("🙂".encode())
    chunks = [body[: emoji_start + 2], body[emoji_start + 2 : emoji_start + 5], body[emoji_start + 5 :]]
    assert events_of(chunks) == [TokenEvent("🙂Ж")]


def test_crlf_line_ends():
    body = fixture_bytes("agent.stream.sse").replace(b"\n", b"\r\n")
    assert events_of([body]) == events_of([fixture_bytes("agent.stream.sse")])
    assert events_of(body[i : i + 3] for i in range(0, len(body), 3)) == events_of([body])


def test_multi_line_data_is_joined_with_newlines():
    payload = json.dumps({"event": "token", "data": "a\nb"}, indent=1)
    body = b"message:\n" + b"".join(b"data:" + line.encode() + b"\n" for line in payload.split("\n")) + b"\n"
    assert events_of([body]) == [TokenEvent("a\nb")]


def test_stream_without_end_keeps_every_event():
    body = fixture_bytes("rag.stream.sse")
    truncated = body[: body.index(b'{"event":"metadata"')]
    events = events_of([truncated])
    assert not any(isinstance(e, (MetadataEvent, EndEvent)) for e in events)
    assert answer_text(events).endswith("(turn 2)")
    # The last frame may lack its blank line and is still delivered.
    assert events_of([frame("token", "x").rstrip(b"\n")]) == [TokenEvent("x")]


def test_bad_json_line_is_skipped_and_the_rest_kept():
    body = frame("token", "a") + b"message:\ndata:{not json\n\n" + frame("token", "b")
    assert events_of([body]) == [TokenEvent("a"), TokenEvent("b")]


def test_invalid_utf8_does_not_end_the_stream():
    body = frame("token", "a") + b"message:\ndata:\xff\xfe\n\n" + frame("token", "b")
    assert events_of([body]) == [TokenEvent("a"), TokenEvent("b")]


def test_documented_event_field_form_is_understood():
    # The shape Flowise's docs show (and some compatible servers send).
    body = b"event: token\ndata: Once upon a time...\n\nevent: end\ndata: [DONE]\n\n"
    assert events_of([body]) == [TokenEvent("Once upon a time..."), EndEvent()]


def test_unknown_event_is_kept_generic():
    assert parse_event({"event": "tts_start", "data": {"format": "mp3"}}) == UnknownEvent(
        "tts_start", {"format": "mp3"}
    )


def test_wrongly_typed_payloads_never_raise():
    for name in [
        "sourceDocuments",
        "usedTools",
        "calledTools",
        "agentReasoning",
        "agentFlowExecutedData",
        "action",
        "artifacts",
        "fileAnnotations",
        "metadata",
        "usageMetadata",
        "nextAgentFlow",
    ]:
        for data in [None, 3, "text", [1, "x", None], {"weird": True}, "[1, 2"]:
            parse_event({"event": name, "data": data})


def test_error_event_with_object_data():
    assert parse_event({"event": "error", "data": {"message": "quota"}}) == ErrorEvent("quota")


def test_agentflow_and_agent_payloads_from_flowise_source():
    from flowise_client.events import (
        ActionEvent,
        AgentFlowEvent,
        AgentFlowExecutedDataEvent,
        AgentReasoningEvent,
        ArtifactsEvent,
        CalledToolsEvent,
        FileAnnotationsEvent,
        NextAgentFlowEvent,
        ThinkingEvent,
        UsageMetadataEvent,
    )

    assert parse_event(
        {"event": "nextAgentFlow", "data": {"nodeId": "llm_0", "nodeLabel": "LLM", "status": "INPROGRESS"}}
    ) == NextAgentFlowEvent("llm_0", "LLM", "INPROGRESS")
    assert parse_event({"event": "agentFlowEvent", "data": "FINISHED"}) == AgentFlowEvent("FINISHED")
    executed = parse_event(
        {
            "event": "agentFlowExecutedData",
            "data": [
                {
                    "nodeId": "startAgentflow_0",
                    "nodeLabel": "Start",
                    "data": {"output": {}},
                    "previousNodeIds": [],
                    "status": "FINISHED",
                },
                {
                    "nodeId": "llm_0",
                    "nodeLabel": "LLM",
                    "data": {},
                    "previousNodeIds": ["startAgentflow_0"],
                    "status": "FINISHED",
                },
            ],
        }
    )
    assert isinstance(executed, AgentFlowExecutedDataEvent)
    assert [(n.node_label, n.status, n.previous_node_ids) for n in executed.nodes] == [
        ("Start", "FINISHED", ()),
        ("LLM", "FINISHED", ("startAgentflow_0",)),
    ]
    action = parse_event(
        {
            "event": "action",
            "data": {
                "id": "a1",
                "mapping": {"approve": "Proceed", "reject": "Reject"},
                "elements": [{"type": "agentflowv2-approve-button", "label": "Proceed"}],
                "data": {"nodeId": "agent_0"},
            },
        }
    )
    assert action == ActionEvent(
        "a1",
        {"approve": "Proceed", "reject": "Reject"},
        ({"type": "agentflowv2-approve-button", "label": "Proceed"},),
        {"nodeId": "agent_0"},
    )
    reasoning = parse_event(
        {
            "event": "agentReasoning",
            "data": [
                {
                    "agentName": "Researcher",
                    "messages": ["Looking it up"],
                    "next": "Writer",
                    "usedTools": [{"tool": "search", "toolInput": {"q": "x"}, "toolOutput": "y"}],
                    "nodeId": "worker_0",
                }
            ],
        }
    )
    assert isinstance(reasoning, AgentReasoningEvent)
    step = reasoning.steps[0]
    assert (step.agent_name, step.messages, step.next, step.used_tools[0].tool) == (
        "Researcher",
        ("Looking it up",),
        "Writer",
        "search",
    )
    called = parse_event(
        {"event": "calledTools", "data": [{"tool": "calculator", "toolInput": {"a": 1}, "toolOutput": ""}]}
    )
    assert isinstance(called, CalledToolsEvent) and called.tools[0].tool_input == {"a": 1}
    assert parse_event(
        {"event": "usageMetadata", "data": {"input_tokens": 12, "output_tokens": 30, "total_tokens": 42}}
    ) == UsageMetadataEvent(12, 30, 42)
    artifacts = parse_event({"event": "artifacts", "data": [{"type": "png", "data": "FILE-STORAGE::chart.png"}]})
    assert isinstance(artifacts, ArtifactsEvent) and artifacts.artifacts[0].type == "png"
    notes = parse_event({"event": "fileAnnotations", "data": [{"filePath": "a/b.csv", "fileName": "b.csv"}]})
    assert isinstance(notes, FileAnnotationsEvent) and notes.annotations[0].file_name == "b.csv"
    assert parse_event({"event": "thinking", "data": "hmm", "duration": 2}) == ThinkingEvent("hmm", 2)
    meta = parse_event({"event": "metadata", "data": {"chatId": "c", "followUpPrompts": '["More?", "Why?"]'}})
    assert meta.follow_up_prompts == ("More?", "Why?")
