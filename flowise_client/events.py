"""Typed events of a Flowise prediction stream.

Flowise 3.x writes every event as an SSE message whose data is JSON ``{"event": NAME, "data": ...}``
(see ``packages/server/src/utils/SSEStreamer.ts``); :func:`flowise_client.event_parsing.parse_event`
turns one such pair into one of the dataclasses below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .lenient import mapping, text


@dataclass(frozen=True)
class SourceDocument:
    page_content: str
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str | None:
        """What to call the document: its title, source, URL or file name; None if it has none."""
        names = (str(self.metadata.get(key) or "").strip() for key in ("title", "source", "url", "fileName"))
        return next(filter(None, names), None)

    @property
    def source(self) -> str:
        """Where the document came from, as its loader wrote it (a file name, a path, a URL)."""
        return str(self.metadata.get("source") or "")

    @property
    def addresses(self) -> tuple[str, ...]:
        """What the metadata holds that may be the document's web address, most telling first."""
        return tuple(value for key in ("url", "source", "link") if isinstance(value := self.metadata.get(key), str))

    @property
    def page(self) -> int | str | None:
        """The page the text is on: a PDF loader's ``page``, or a text splitter's ``loc.pageNumber``."""
        page = self.metadata.get("page", self._loc.get("pageNumber"))
        return page if isinstance(page, (int, str)) and str(page).strip() else None

    @property
    def lines(self) -> tuple[int, int] | None:
        """The first and last line of the text in its document (``loc.lines``), when the splitter said."""
        lines = self._loc.get("lines")
        first, last = (lines.get("from"), lines.get("to")) if isinstance(lines, Mapping) else (None, None)
        return (first, last) if isinstance(first, int) and isinstance(last, int) else None

    @property
    def _loc(self) -> Mapping[str, Any]:
        loc = self.metadata.get("loc")
        return loc if isinstance(loc, Mapping) else {}


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


# The ``name`` of an Agentflow v2 Human Input node (``components/nodes/agentflow/HumanInput``).
HUMAN_INPUT_NODE = "humanInputAgentflow"


@dataclass(frozen=True)
class ExecutedNode:
    """One node of an Agentflow v2 run, as reported by ``agentFlowExecutedData``: ``name`` is its kind
    (``data.name``), the tools it used and documents it read are from its ``data.output``, ``error``
    says why it failed, and ``human_choice`` is what a Human Input node was answered with
    (``data.input.type``: "proceed" or "reject")."""

    node_id: str
    node_label: str
    status: str
    previous_node_ids: tuple[str, ...] = ()
    name: str = ""
    used_tools: tuple[ToolUse, ...] = ()
    source_documents: tuple[SourceDocument, ...] = ()
    error: str = ""
    human_choice: str = ""

    @property
    def is_human_input(self) -> bool:
        return self.name == HUMAN_INPUT_NODE


# How an artifact's data names a file Flowise stored for the conversation (FlowiseChatEmbed
# ``bubbles/BotBubble.tsx`` reads it so).
STORED_FILE_PREFIX = "FILE-STORAGE::"


@dataclass(frozen=True)
class Artifact:
    type: str
    data: Any

    @property
    def stored_file(self) -> str | None:
        """The name of the file Flowise stored for the conversation that ``data`` refers to
        (``FILE-STORAGE::<name>``, read through ``get-upload-file``); None when it refers to none."""
        if isinstance(self.data, str) and self.data.startswith(STORED_FILE_PREFIX):
            return self.data.removeprefix(STORED_FILE_PREFIX).strip()
        return None


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
        return any(text(e.get("type")).startswith("agentflowv2-") for e in self.elements)

    @property
    def node_id(self) -> str:
        return text(self.data.get("nodeId"))

    @property
    def node_label(self) -> str:
        return text(self.data.get("nodeLabel"))

    @property
    def accepts_feedback(self) -> bool:
        """Whether the node takes a written comment with the choice (its "Enable Feedback" option)."""
        return mapping(self.data.get("input")).get("humanInputEnableFeedback") is True

    def label(self, approve: bool) -> str:
        """The button's label as the flow set it; empty when it set none."""
        kind = "approve" if approve else "reject"
        for element in self.elements:
            if text(element.get("type")).endswith(f"{kind}-button") and text(element.get("label")):
                return text(element.get("label"))
        return text(self.mapping.get(kind))

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
