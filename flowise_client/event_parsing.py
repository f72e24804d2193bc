"""Turn one ``{"event": NAME, "data": ...}`` pair of a Flowise stream into a typed event.

Payloads come from flows we do not control, so parsing is lenient: a field of the wrong type becomes
an empty value, never an exception, and an event name we do not know becomes an
:class:`~flowise_client.events.UnknownEvent` that callers may ignore.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from .events import (
    AbortEvent,
    ActionEvent,
    AgentFlowEvent,
    AgentFlowExecutedDataEvent,
    AgentReasoningEvent,
    AgentStep,
    Artifact,
    ArtifactsEvent,
    CalledToolsEvent,
    EndEvent,
    ErrorEvent,
    ExecutedNode,
    FileAnnotation,
    FileAnnotationsEvent,
    FlowiseEvent,
    MetadataEvent,
    NextAgentEvent,
    NextAgentFlowEvent,
    SourceDocument,
    SourceDocumentsEvent,
    StartEvent,
    ThinkingEvent,
    TokenEvent,
    ToolUse,
    UnknownEvent,
    UsageMetadataEvent,
    UsedToolsEvent,
)
from .lenient import decoded, integer, items, mapping, text


def source_documents(value: Any) -> tuple[SourceDocument, ...]:
    return tuple(
        SourceDocument(page_content=text(item.get("pageContent")), metadata=mapping(item.get("metadata")))
        for item in items(value)
        if isinstance(item, Mapping)
    )


def tool_uses(value: Any) -> tuple[ToolUse, ...]:
    return tuple(
        ToolUse(
            tool=text(item.get("tool")) or "tool",
            tool_input=item.get("toolInput"),
            tool_output=item.get("toolOutput"),
            error=text(item.get("error")),
        )
        for item in items(value)
        if isinstance(item, Mapping)
    )


def agent_steps(value: Any) -> tuple[AgentStep, ...]:
    return tuple(
        AgentStep(
            agent_name=text(item.get("agentName") or item.get("nodeName")),
            messages=tuple(text(m) for m in items(item.get("messages")) if m),
            next=text(item.get("next")),
            instructions=text(item.get("instructions")),
            used_tools=tool_uses(item.get("usedTools")),
            source_documents=source_documents(item.get("sourceDocuments")),
            node_id=text(item.get("nodeId")),
        )
        for item in items(value)
        if isinstance(item, Mapping)
    )


def executed_nodes(value: Any) -> tuple[ExecutedNode, ...]:
    return tuple(_executed_node(item) for item in items(value) if isinstance(item, Mapping))


def _executed_node(item: Mapping[str, Any]) -> ExecutedNode:
    data = mapping(item.get("data"))
    output, given = data.get("output"), data.get("input")
    output = output if isinstance(output, Mapping) else {}
    choice = given.get("type") if isinstance(given, Mapping) else None
    return ExecutedNode(
        node_id=text(item.get("nodeId")),
        node_label=text(item.get("nodeLabel")),
        status=text(item.get("status")),
        previous_node_ids=tuple(text(p) for p in item.get("previousNodeIds") or () if isinstance(p, str)),
        name=text(data.get("name")) if isinstance(data.get("name"), str) else "",
        used_tools=tool_uses(output.get("usedTools")),
        source_documents=source_documents(output.get("sourceDocuments")),
        error=text(data.get("error")) if isinstance(data.get("error"), str) else "",
        human_choice=choice if isinstance(choice, str) else "",
    )


def artifacts(value: Any) -> tuple[Artifact, ...]:
    return tuple(
        Artifact(type=text(item.get("type")), data=item.get("data"))
        for item in items(value)
        if isinstance(item, Mapping)
    )


def file_annotations(value: Any) -> tuple[FileAnnotation, ...]:
    return tuple(
        FileAnnotation(file_path=text(item.get("filePath")), file_name=text(item.get("fileName")))
        for item in items(value)
        if isinstance(item, Mapping)
    )


def _metadata(data: Any) -> MetadataEvent:
    meta = mapping(data)
    prompts = decoded(meta.get("followUpPrompts"))
    return MetadataEvent(
        chat_id=text(meta.get("chatId")),
        chat_message_id=text(meta.get("chatMessageId")),
        question=text(meta.get("question")),
        session_id=text(meta.get("sessionId")),
        memory_type=text(meta.get("memoryType")),
        follow_up_prompts=tuple(text(p) for p in prompts if p) if isinstance(prompts, list) else (),
        flow_variables=mapping(meta.get("flowVariables")),
    )


def _usage(data: Any) -> UsageMetadataEvent:
    usage = mapping(data)
    return UsageMetadataEvent(
        input_tokens=integer(usage.get("input_tokens")),
        output_tokens=integer(usage.get("output_tokens")),
        total_tokens=integer(usage.get("total_tokens")),
    )


def _action(data: Any) -> ActionEvent:
    action = mapping(data)
    return ActionEvent(
        action_id=text(action.get("id")),
        mapping=mapping(action.get("mapping")),
        elements=tuple(e for e in items(action.get("elements")) if isinstance(e, Mapping)),
        data=mapping(action.get("data")),
    )


def _next_agent_flow(data: Any) -> NextAgentFlowEvent:
    node = mapping(data)
    return NextAgentFlowEvent(
        node_id=text(node.get("nodeId")),
        node_label=text(node.get("nodeLabel")),
        status=text(node.get("status")),
        error=text(node.get("error")),
    )


def _error_message(data: Any) -> str:
    if isinstance(data, Mapping):
        return text(data.get("message") or data.get("error") or json.dumps(data, ensure_ascii=False))
    return text(data)


_PARSERS: dict[str, Callable[[Any, Mapping[str, Any]], FlowiseEvent]] = {
    "start": lambda data, _: StartEvent(data),
    "token": lambda data, _: TokenEvent(text(data)),
    "thinking": lambda data, raw: ThinkingEvent(
        text(data), raw.get("duration") if isinstance(raw.get("duration"), (int, float)) else None
    ),
    "sourceDocuments": lambda data, _: SourceDocumentsEvent(source_documents(data)),
    "usedTools": lambda data, _: UsedToolsEvent(tool_uses(data)),
    "calledTools": lambda data, _: CalledToolsEvent(tool_uses(data)),
    "agentReasoning": lambda data, _: AgentReasoningEvent(agent_steps(data)),
    "nextAgent": lambda data, _: NextAgentEvent(text(data)),
    "agentFlowEvent": lambda data, _: AgentFlowEvent(text(data)),
    "nextAgentFlow": lambda data, _: _next_agent_flow(data),
    "agentFlowExecutedData": lambda data, _: AgentFlowExecutedDataEvent(executed_nodes(data)),
    "action": lambda data, _: _action(data),
    "artifacts": lambda data, _: ArtifactsEvent(artifacts(data)),
    "fileAnnotations": lambda data, _: FileAnnotationsEvent(file_annotations(data)),
    "metadata": lambda data, _: _metadata(data),
    "usageMetadata": lambda data, _: _usage(data),
    "error": lambda data, _: ErrorEvent(_error_message(data)),
    "abort": lambda data, _: AbortEvent(),
    "end": lambda data, _: EndEvent(),
}


def parse_event(payload: Mapping[str, Any]) -> FlowiseEvent:
    """Turn one decoded ``{"event": ..., "data": ...}`` object into a typed event."""
    name = text(payload.get("event"))
    data = payload.get("data")
    parser = _PARSERS.get(name)
    return parser(data, payload) if parser else UnknownEvent(name, data)
