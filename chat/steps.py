"""What a flow did on the way to its answer: the agentflow nodes or agents that ran, each with its
state, the tools it used and the documents it read, and the tools being called right now.

Built from the events Flowise streams (and stores) for them, following its own chat widget:
``nextAgentFlow`` says a node started or ended, ``agentFlowExecutedData`` lists the nodes run so far
with what they did, ``agentFlowEvent`` is the run's state; a multi-agent flow re-sends its whole
``agentReasoning`` list after each agent and names the agent working next with ``nextAgent``;
``calledTools`` lists the tools an agent is calling, until their results come as ``usedTools``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from flowise_client.events import (
    AgentFlowEvent,
    AgentFlowExecutedDataEvent,
    AgentReasoningEvent,
    AgentStep,
    CalledToolsEvent,
    ExecutedNode,
    FlowiseEvent,
    NextAgentEvent,
    NextAgentFlowEvent,
    SourceDocument,
    ToolUse,
    UsedToolsEvent,
)

from .i18n import Message


class StepState(Enum):
    RUNNING = "running"
    DONE = "done"
    WAITING = "waiting"  # stopped until a person approves or rejects
    FAILED = "failed"
    CANCELLED = "cancelled"


# Flowise's ExecutionState (packages/server/src/Interface.ts) and its node statuses.
_FLOWISE_STATES = {
    "INPROGRESS": StepState.RUNNING,
    "FINISHED": StepState.DONE,
    "STOPPED": StepState.WAITING,
    "ERROR": StepState.FAILED,
    "TIMEOUT": StepState.FAILED,
    "TERMINATED": StepState.CANCELLED,
}


def flowise_state(status: str) -> StepState:
    # A status this app does not know yet is shown as work going on rather than dropped.
    return _FLOWISE_STATES.get(status.upper(), StepState.RUNNING)


@dataclass
class Step:
    node_id: str
    # The flow's name for the node or agent; the app's words for an agent the flow left unnamed.
    label: str | Message
    state: StepState
    tools: tuple[ToolUse, ...] = ()
    sources: tuple[SourceDocument, ...] = ()
    # What an agent of a multi-agent flow said or was told to do.
    notes: tuple[str, ...] = ()
    error: str = ""

    @classmethod
    def from_node(cls, node: ExecutedNode) -> Step:
        return cls(
            node.node_id,
            node.node_label or node.node_id,
            flowise_state(node.status),
            tools=node.used_tools,
            sources=node.source_documents,
            error=node.error,
        )

    @classmethod
    def from_agent(cls, number: int, agent: AgentStep) -> Step:
        notes = (agent.instructions,) if agent.instructions else agent.messages
        return cls(
            agent.node_id or f"agent-{number}",
            agent.agent_name or Message("steps.agent", {"number": number}),
            StepState.DONE,
            tools=agent.used_tools,
            sources=agent.source_documents,
            notes=notes,
        )

    def name(self, language: str) -> str:
        """The step's label as written in ``language``."""
        return self.label if isinstance(self.label, str) else self.label.text(language)


@dataclass
class FlowSteps:
    nodes: list[Step] = field(default_factory=list)  # an Agentflow v2 run
    agents: list[Step] = field(default_factory=list)  # a multi-agent flow's reasoning
    next_agent: str = ""  # the agent handed the work, working now
    calling: tuple[ToolUse, ...] = ()  # tools called whose results are not in yet
    run_state: StepState | None = None
    # Bumped on every change, so a view redraws only when there is something new.
    version: int = 0

    @property
    def steps(self) -> list[Step]:
        working = [Step("", self.next_agent, StepState.RUNNING)] if self.next_agent else []
        return self.nodes + self.agents + working

    def __bool__(self) -> bool:
        return bool(self.nodes or self.agents or self.next_agent or self.calling or self.run_state)

    def apply(self, event: FlowiseEvent) -> None:
        if isinstance(event, NextAgentFlowEvent):
            self._node_changed(event)
        elif isinstance(event, AgentFlowExecutedDataEvent):
            self._executed([Step.from_node(node) for node in event.nodes])
        elif isinstance(event, AgentFlowEvent):
            self.run_state = flowise_state(event.status)
        elif isinstance(event, AgentReasoningEvent):
            self.agents = [Step.from_agent(number, agent) for number, agent in enumerate(event.steps, 1)]
            self.next_agent = ""
        elif isinstance(event, NextAgentEvent):
            self.next_agent = event.agent
        elif isinstance(event, CalledToolsEvent):
            self.calling = event.tools
        elif isinstance(event, UsedToolsEvent) and self.calling:
            # As Flowise's widget: a called tool is done once a used tool of the same name arrives.
            used = {tool.tool for tool in event.tools}
            self.calling = tuple(tool for tool in self.calling if tool.tool not in used)
        else:
            return
        self.version += 1

    def _executed(self, executed: list[Step]) -> None:
        """The whole run so far, with what each node did. The node running now is not in it yet:
        a running step is kept unless the run lists its node as often as this list has it (a JSON
        answer reports the node that went on after a decision only here)."""
        listed = Counter(step.node_id for step in executed)
        seen: Counter[str] = Counter()
        running = []
        for step in self.nodes:
            seen[step.node_id] += 1
            if step.state is StepState.RUNNING and seen[step.node_id] > listed[step.node_id]:
                running.append(step)
        self.nodes = executed + running

    def _node_changed(self, event: NextAgentFlowEvent) -> None:
        state = flowise_state(event.status)
        step = next((s for s in reversed(self.nodes) if s.node_id == event.node_id), None)
        # A node that ran before and starts again (a loop) is a new step; a stopped node that
        # resumes after a person's decision is the same one.
        if step is None or (state is StepState.RUNNING and step.state not in (StepState.RUNNING, StepState.WAITING)):
            self.nodes.append(Step(event.node_id, event.node_label or event.node_id, state, error=event.error))
        else:
            step.state, step.error = state, event.error or step.error
            if state is not StepState.RUNNING:
                # Its tool calls ended with it, whatever became of them.
                self.calling = ()

    def resume(self) -> None:
        """The person answered: the node that stopped for them goes on."""
        for step in self.nodes:
            if step.state is StepState.WAITING:
                step.state = StepState.RUNNING
                self.version += 1

    def finish(self) -> None:
        """The answer is complete: nothing is being called or handed on any more."""
        if self.calling or self.next_agent:
            self.calling, self.next_agent = (), ""
            self.version += 1


@dataclass(frozen=True)
class Headline:
    """What the steps' box says about them: a catalogue key with its values (a step's label among
    them, as the flow wrote it or as a Message), and the box's state
    (Streamlit's ``running``, ``complete`` or ``error``)."""

    key: str
    values: dict[str, object]
    state: Literal["running", "complete", "error"]


def headline(steps: FlowSteps, live: bool) -> Headline:
    """``live``: the answer is still arriving."""
    shown = steps.steps
    failed = next((s for s in reversed(shown) if s.state is StepState.FAILED), None)
    if failed:
        return Headline("steps.failed", {"step": failed.label}, "error")
    if steps.run_state is StepState.FAILED:
        return Headline("steps.failed_run", {}, "error")
    if live:
        if steps.calling:
            return Headline("steps.calling", {"tools": _names(steps.calling)}, "running")
        running = next((s for s in reversed(shown) if s.state is StepState.RUNNING), None)
        if running:
            return Headline("steps.running", {"step": running.label}, "running")
    waiting = next((s for s in reversed(shown) if s.state is StepState.WAITING), None)
    if waiting:
        return Headline("steps.waiting", {"step": waiting.label}, "complete")
    if live and steps.run_state is StepState.RUNNING:
        return Headline("steps.working", {}, "running")
    if steps.run_state is StepState.CANCELLED or any(s.state is StepState.CANCELLED for s in shown):
        return Headline("steps.cancelled", {"count": len(shown)}, "complete")
    if live:
        return Headline("steps.working", {}, "running")
    return Headline("steps.done", {"count": len(shown)}, "complete")


def _names(tools: Sequence[ToolUse]) -> str:
    return ", ".join(dict.fromkeys(tool.tool for tool in tools))
