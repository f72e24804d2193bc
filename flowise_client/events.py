"""Typed events of a Flowise prediction stream.

Flowise 3.x writes every event as an SSE message whose data is JSON ``{"event": NAME, "data": ...}``
(see ``packages/server/src/utils/SSEStreamer.ts``). :func:`parse_event` turns one such pair into one of
the dataclasses below. Payloads come from flows we do not control, so parsing is lenient: a field of
the wrong type becomes an empty value, never an exception, and an event name we do not know becomes
an :class:`UnknownEvent` that callers may ignore.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceDocument:
    page_content: str
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str | None:
        """What to call the document: its title, source, URL or file name; None if it has none."""
        names = (str(self.metadata.get(key) or "").strip() for key in ("title", "source", "url", "fileName"))
        return next(filter(None, names), None)


@dataclass(frozen=True)
class ToolUse:
    tool: str
    tool_input: Any = None
    tool_output: Any = None
    # Set by an agentflow Agent node when the tool call failed.
    error: str = ""


@dataclass(frozen=True)
class AgentStep:
    """One entry of a (multi-)agent flow's ``agentReasoning`` list."""

    agent_name: str
    messages: tuple[str, ...] = ()
    next: str = ""
    instructions: str = ""
    used_tools: tuple[ToolUse, ...] = ()
    source_documents: tuple[SourceDocument, ...] = ()
    node_id: str = ""


@dataclass(frozen=True)
class ExecutedNode:
    """One node of an Agentflow v2 run, as reported by ``agentFlowExecutedData``."""

    node_id: str
    node_label: str
    status: str
    data: Mapping[str, Any] = field(default_factory=dict)
    previous_node_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Artifact:
    type: str
    data: Any


@dataclass(frozen=True)
class FileAnnotation:
    file_path: str
    file_name: str


@dataclass(frozen=True)
class StartEvent:
    # Flowise puts the first token here too and then sends it again as a token: never append it.
    data: Any = None


@dataclass(frozen=True)
class TokenEvent:
    text: str


@dataclass(frozen=True)
class ThinkingEvent:
    text: str
    duration: float | None = None


@dataclass(frozen=True)
class SourceDocumentsEvent:
    documents: tuple[SourceDocument, ...]


@dataclass(frozen=True)
class UsedToolsEvent:
    tools: tuple[ToolUse, ...]


@dataclass(frozen=True)
class CalledToolsEvent:
    tools: tuple[ToolUse, ...]


@dataclass(frozen=True)
class AgentReasoningEvent:
    steps: tuple[AgentStep, ...]


@dataclass(frozen=True)
class NextAgentEvent:
    agent: str


@dataclass(frozen=True)
class AgentFlowEvent:
    status: str


@dataclass(frozen=True)
class NextAgentFlowEvent:
    """An Agentflow v2 node starting or ending: status INPROGRESS, FINISHED, STOPPED (waiting for a
    person), ERROR or TERMINATED (aborted); ``error`` says why for ERROR."""

    node_id: str
    node_label: str
    status: str
    error: str = ""


@dataclass(frozen=True)
class AgentFlowExecutedDataEvent:
    nodes: tuple[ExecutedNode, ...]


@dataclass(frozen=True)
class ActionEvent:
    """A request for human input (approve/reject buttons) from an agent or agentflow.

    An Agentflow v2 Human Input node (or an Agent node whose tool needs approval) sends elements of
    type ``agentflowv2-approve-button``/``agentflowv2-reject-button`` and names itself in ``data``
    (``nodeId``, ``nodeLabel``, ``input.humanInputEnableFeedback``); a sequential agent's interrupt
    sends ``approve-button``/``reject-button`` whose labels are its ``mapping``'s approve and reject.
    """

    action_id: str
    mapping: Mapping[str, Any]
    elements: tuple[Mapping[str, Any], ...]
    data: Mapping[str, Any]

    @property
    def is_agentflow(self) -> bool:
        return any(_str(e.get("type")).startswith("agentflowv2-") for e in self.elements)

    @property
    def node_id(self) -> str:
        return _str(self.data.get("nodeId"))

    @property
    def node_label(self) -> str:
        return _str(self.data.get("nodeLabel"))

    @property
    def accepts_feedback(self) -> bool:
        """Whether the node takes a written comment with the choice (its "Enable Feedback" option)."""
        return _mapping(self.data.get("input")).get("humanInputEnableFeedback") is True

    def label(self, approve: bool) -> str:
        """The button's label as the flow set it; empty when it set none."""
        kind = "approve" if approve else "reject"
        for element in self.elements:
            if _str(element.get("type")).endswith(f"{kind}-button") and _str(element.get("label")):
                return _str(element.get("label"))
        return _str(self.mapping.get(kind))

    def as_json(self) -> dict[str, Any]:
        """The action as Flowise sent it, to hand back with the choice."""
        action: dict[str, Any] = {"id": self.action_id, "mapping": dict(self.mapping), "elements": list(self.elements)}
        if self.data:
            action["data"] = dict(self.data)
        return action


@dataclass(frozen=True)
class ArtifactsEvent:
    artifacts: tuple[Artifact, ...]


@dataclass(frozen=True)
class FileAnnotationsEvent:
    annotations: tuple[FileAnnotation, ...]


@dataclass(frozen=True)
class MetadataEvent:
    chat_id: str = ""
    chat_message_id: str = ""
    question: str = ""
    session_id: str = ""
    memory_type: str = ""
    follow_up_prompts: tuple[str, ...] = ()
    flow_variables: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UsageMetadataEvent:
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None


@dataclass(frozen=True)
class ErrorEvent:
    message: str


@dataclass(frozen=True)
class AbortEvent:
    pass


@dataclass(frozen=True)
class EndEvent:
    pass


@dataclass(frozen=True)
class UnknownEvent:
    name: str
    data: Any


FlowiseEvent = (
    StartEvent
    | TokenEvent
    | ThinkingEvent
    | SourceDocumentsEvent
    | UsedToolsEvent
    | CalledToolsEvent
    | AgentReasoningEvent
    | NextAgentEvent
    | AgentFlowEvent
    | NextAgentFlowEvent
    | AgentFlowExecutedDataEvent
    | ActionEvent
    | ArtifactsEvent
    | FileAnnotationsEvent
    | MetadataEvent
    | UsageMetadataEvent
    | ErrorEvent
    | AbortEvent
    | EndEvent
    | UnknownEvent
)


def decoded(value: Any) -> Any:
    # Some nodes hand Flowise already-serialised JSON, and history stores lists as strings.
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _str(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _mapping(value: Any) -> Mapping[str, Any]:
    value = decoded(value)
    return value if isinstance(value, Mapping) else {}


def _items(value: Any) -> list[Any]:
    value = decoded(value)
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, Mapping) else []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def source_documents(value: Any) -> tuple[SourceDocument, ...]:
    return tuple(
        SourceDocument(page_content=_str(item.get("pageContent")), metadata=_mapping(item.get("metadata")))
        for item in _items(value)
        if isinstance(item, Mapping)
    )


def tool_uses(value: Any) -> tuple[ToolUse, ...]:
    return tuple(
        ToolUse(
            tool=_str(item.get("tool")) or "tool",
            tool_input=item.get("toolInput"),
            tool_output=item.get("toolOutput"),
            error=_str(item.get("error")),
        )
        for item in _items(value)
        if isinstance(item, Mapping)
    )


def agent_steps(value: Any) -> tuple[AgentStep, ...]:
    return tuple(
        AgentStep(
            agent_name=_str(item.get("agentName") or item.get("nodeName")),
            messages=tuple(_str(m) for m in _items(item.get("messages")) if m),
            next=_str(item.get("next")),
            instructions=_str(item.get("instructions")),
            used_tools=tool_uses(item.get("usedTools")),
            source_documents=source_documents(item.get("sourceDocuments")),
            node_id=_str(item.get("nodeId")),
        )
        for item in _items(value)
        if isinstance(item, Mapping)
    )


def executed_nodes(value: Any) -> tuple[ExecutedNode, ...]:
    return tuple(
        ExecutedNode(
            node_id=_str(item.get("nodeId")),
            node_label=_str(item.get("nodeLabel")),
            status=_str(item.get("status")),
            data=_mapping(item.get("data")),
            previous_node_ids=tuple(_str(p) for p in item.get("previousNodeIds") or () if isinstance(p, str)),
        )
        for item in _items(value)
        if isinstance(item, Mapping)
    )


def artifacts(value: Any) -> tuple[Artifact, ...]:
    return tuple(
        Artifact(type=_str(item.get("type")), data=item.get("data"))
        for item in _items(value)
        if isinstance(item, Mapping)
    )


def file_annotations(value: Any) -> tuple[FileAnnotation, ...]:
    return tuple(
        FileAnnotation(file_path=_str(item.get("filePath")), file_name=_str(item.get("fileName")))
        for item in _items(value)
        if isinstance(item, Mapping)
    )


def _metadata(data: Any) -> MetadataEvent:
    meta = _mapping(data)
    prompts = decoded(meta.get("followUpPrompts"))
    return MetadataEvent(
        chat_id=_str(meta.get("chatId")),
        chat_message_id=_str(meta.get("chatMessageId")),
        question=_str(meta.get("question")),
        session_id=_str(meta.get("sessionId")),
        memory_type=_str(meta.get("memoryType")),
        follow_up_prompts=tuple(_str(p) for p in prompts if p) if isinstance(prompts, list) else (),
        flow_variables=_mapping(meta.get("flowVariables")),
    )


def _usage(data: Any) -> UsageMetadataEvent:
    usage = _mapping(data)
    return UsageMetadataEvent(
        input_tokens=_int(usage.get("input_tokens")),
        output_tokens=_int(usage.get("output_tokens")),
        total_tokens=_int(usage.get("total_tokens")),
    )


def _action(data: Any) -> ActionEvent:
    action = _mapping(data)
    return ActionEvent(
        action_id=_str(action.get("id")),
        mapping=_mapping(action.get("mapping")),
        elements=tuple(e for e in _items(action.get("elements")) if isinstance(e, Mapping)),
        data=_mapping(action.get("data")),
    )


def _next_agent_flow(data: Any) -> NextAgentFlowEvent:
    node = _mapping(data)
    return NextAgentFlowEvent(
        node_id=_str(node.get("nodeId")),
        node_label=_str(node.get("nodeLabel")),
        status=_str(node.get("status")),
        error=_str(node.get("error")),
    )


def _error_message(data: Any) -> str:
    if isinstance(data, Mapping):
        return _str(data.get("message") or data.get("error") or json.dumps(data, ensure_ascii=False))
    return _str(data)


_PARSERS: dict[str, Callable[[Any, Mapping[str, Any]], FlowiseEvent]] = {
    "start": lambda data, _: StartEvent(data),
    "token": lambda data, _: TokenEvent(_str(data)),
    "thinking": lambda data, raw: ThinkingEvent(
        _str(data), raw.get("duration") if isinstance(raw.get("duration"), (int, float)) else None
    ),
    "sourceDocuments": lambda data, _: SourceDocumentsEvent(source_documents(data)),
    "usedTools": lambda data, _: UsedToolsEvent(tool_uses(data)),
    "calledTools": lambda data, _: CalledToolsEvent(tool_uses(data)),
    "agentReasoning": lambda data, _: AgentReasoningEvent(agent_steps(data)),
    "nextAgent": lambda data, _: NextAgentEvent(_str(data)),
    "agentFlowEvent": lambda data, _: AgentFlowEvent(_str(data)),
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

EVENT_NAMES = frozenset(_PARSERS)


def parse_event(payload: Mapping[str, Any]) -> FlowiseEvent:
    """Turn one decoded ``{"event": ..., "data": ...}`` object into a typed event."""
    name = _str(payload.get("event"))
    data = payload.get("data")
    parser = _PARSERS.get(name)
    return parser(data, payload) if parser else UnknownEvent(name, data)
