"""One question and its answer, built up from the flow's events as they arrive."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from flowise_client import Upload
from flowise_client.events import (
    ActionEvent,
    AgentFlowExecutedDataEvent,
    Artifact,
    ArtifactsEvent,
    EndEvent,
    FileAnnotation,
    FileAnnotationsEvent,
    FlowiseEvent,
    MetadataEvent,
    SourceDocument,
    SourceDocumentsEvent,
    ThinkingEvent,
    TokenEvent,
    ToolUse,
    UsageMetadataEvent,
    UsedToolsEvent,
)

from .attachments import Attachment
from .i18n import Message
from .steps import FlowSteps
from .uploads import PendingFile


@dataclass(frozen=True)
class Question:
    """What a person asks: text, and what goes with it. ``files`` are still to be handed to Flowise,
    ``uploads`` are ready to go with the prediction; ``spoken``: the text is Flowise's transcription
    of the recording in ``uploads``, known only once the answer's metadata arrives."""

    text: str
    files: tuple[PendingFile, ...] = ()
    uploads: tuple[Upload, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    spoken: bool = False


def _source_key(doc: SourceDocument) -> tuple[str, str]:
    return doc.page_content.strip(), doc.source


def _sum_usage(a: UsageMetadataEvent, b: UsageMetadataEvent) -> UsageMetadataEvent:
    def total(x: int | None, y: int | None) -> int | None:
        return None if x is None and y is None else (x or 0) + (y or 0)

    return UsageMetadataEvent(
        total(a.input_tokens, b.input_tokens),
        total(a.output_tokens, b.output_tokens),
        total(a.total_tokens, b.total_tokens),
    )


@dataclass(frozen=True)
class Decision:
    """A person's answer to the flow's request for approval, and where in the answer's text the
    flow went on from. ``approve`` is None when a restored conversation does not say which it was."""

    approve: bool | None
    feedback: str
    at: int

    def message(self, comment: str) -> Message:
        """What the person chose, in words; ``comment`` is their comment as it is to be written."""
        if self.approve is None:
            return Message("decision.answered_comment", {"comment": comment})
        kind = "approved" if self.approve else "rejected"
        return Message(f"decision.{kind}_comment", {"comment": comment}) if comment else Message(f"decision.{kind}")


class AnswerState(Enum):
    """How far an answer got. One left STREAMING with no run reading it any more was cut short, by a
    question sent before it finished, say: the history shows it as interrupted."""

    STREAMING = "streaming"
    COMPLETE = "complete"
    STOPPED = "stopped"  # by the person, with "Stop generating"
    FAILED = "failed"


# Identity, not field by field: a turn is one exchange however alike two of them read, and the
# session keeps what it fetched for each turn under the turn itself (see chat.answer_files).
@dataclass(eq=False)
class Turn:
    question: str
    # Keys this turn's widgets: unique even when the same question is asked twice.
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    asked_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    attachments: list[Attachment] = field(default_factory=list)
    spoken: bool = False
    # Kept until the answer is complete, so that a failed question can be asked again with its files.
    pending_files: list[PendingFile] = field(default_factory=list, repr=False)
    uploads: list[Upload] = field(default_factory=list, repr=False)
    sources: list[SourceDocument] = field(default_factory=list)
    tools: list[ToolUse] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)
    file_annotations: list[FileAnnotation] = field(default_factory=list)
    steps: FlowSteps = field(default_factory=FlowSteps)
    # What the flow stopped to ask the person, until they answer it.
    action: ActionEvent | None = None
    decisions: list[Decision] = field(default_factory=list)
    message_id: str = ""
    usage: UsageMetadataEvent | None = None
    # The feedback given on this answer: Flowise's id for it, so a changed rating updates it.
    feedback_id: str | None = None
    feedback_problem: Message | None = None
    follow_ups: tuple[str, ...] = ()
    # A reasoning model's thoughts before its answer, and how long it thought in all (whole seconds), once said.
    thinking: str = ""
    thinking_seconds: int | None = None
    state: AnswerState = AnswerState.STREAMING
    # Why the answer FAILED; None in any other state.
    error: Message | None = None
    # The answer's one buffer, drawn from while it streams. Kept as parts while it grows: joining
    # them once per flush is cheaper than growing one string per token.
    _parts: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, question: Question) -> Turn:
        return cls(
            question.text,
            attachments=list(question.attachments),
            spoken=question.spoken,
            pending_files=list(question.files),
            uploads=list(question.uploads),
        )

    def again(self) -> Question:
        """The same question, with its files, to ask once more."""
        return Question(
            self.question, tuple(self.pending_files), tuple(self.uploads), tuple(self.attachments), self.spoken
        )

    @property
    def answer(self) -> str:
        return "".join(self._parts)

    def apply(self, event: FlowiseEvent) -> str:
        """Record one event; return the text it adds to the answer (often none)."""
        if isinstance(event, TokenEvent):
            self._parts.append(event.text)
            return event.text
        self.steps.apply(event)
        if isinstance(event, ThinkingEvent):
            self.thinking += event.text
            if event.duration is not None:
                # An answer that goes on after a decision may think again: the time is the sum.
                self.thinking_seconds = (self.thinking_seconds or 0) + round(event.duration)
        elif isinstance(event, SourceDocumentsEvent):
            self._add_sources(event.documents)
        elif isinstance(event, UsedToolsEvent):
            self._add_tools(event.tools)
        elif isinstance(event, ArtifactsEvent):
            self.artifacts.extend(event.artifacts)
        elif isinstance(event, FileAnnotationsEvent):
            self.file_annotations.extend(event.annotations)
        elif isinstance(event, AgentFlowExecutedDataEvent):
            # An agentflow's nodes report their tools and documents only here, unless the node
            # that used them is the last one.
            for step in self.steps.nodes:
                self._add_tools(step.tools)
                self._add_sources(step.sources)
        elif isinstance(event, ActionEvent):
            self.action = event
        elif isinstance(event, MetadataEvent):
            self.message_id = event.chat_message_id or self.message_id
            self.follow_ups = event.follow_up_prompts or self.follow_ups
            if self.spoken and event.question.strip():
                self.question = event.question.strip()
        elif isinstance(event, UsageMetadataEvent):
            # Each model call reports its own (an agentflow's nodes, a run going on after a decision):
            # the answer took them all.
            self.usage = event if self.usage is None else _sum_usage(self.usage, event)
        elif isinstance(event, EndEvent):
            self._end(AnswerState.COMPLETE)
            # Answered: the files will not be sent again, so their bytes need not be kept.
            self.pending_files.clear()
            self.uploads.clear()
            self.steps.finish()
        return ""

    def _end(self, state: AnswerState) -> bool:
        """End the answer in ``state``; only one still streaming ends. A run may go on reading for a
        moment after the person stopped it (Flowise then ends or breaks the stream): the answer stays
        as they left it."""
        if self.state is not AnswerState.STREAMING:
            return False
        self.state = state
        # Its text is whole: one string from now on, not joined again on every rerun.
        self._parts[:] = [self.answer]
        return True

    def _add_sources(self, documents: tuple[SourceDocument, ...]) -> None:
        known = {_source_key(doc) for doc in self.sources}
        for doc in documents:
            if _source_key(doc) not in known:
                known.add(_source_key(doc))
                self.sources.append(doc)

    def _add_tools(self, tools: tuple[ToolUse, ...]) -> None:
        # The same call may be reported by its node and by the stream; it was made once.
        self.tools.extend(tool for tool in tools if tool not in self.tools)

    def resume(self, approve: bool | None, feedback: str = "") -> None:
        """The person answered the flow's request: what the flow sends next continues this answer."""
        self.decisions.append(Decision(approve, feedback.strip(), len(self.answer)))
        self.steps.resume()
        self.action = None
        self.state = AnswerState.STREAMING
        self.error = None

    def reopen(self, action: ActionEvent) -> None:
        """The flow failed after the person's decision: Flowise lets a run that failed after a stop
        be resumed again, so its request stands. A decision that nothing came after is taken back:
        made again, it would show twice at the same place."""
        self.action = action
        if self.decisions and self.decisions[-1].at == len(self.answer):
            self.decisions.pop()

    def thinking_label(self) -> Message:
        """What the closed box of thoughts is called: how long the model thought, once it said."""
        if self.thinking_seconds is None:
            return Message("thinking.done")
        return Message("thinking.done_in", {"seconds": self.thinking_seconds})

    def answer_parts(self) -> list[tuple[str, Decision | None]]:
        """The answer's text cut where the person made each decision: each piece with the decision
        that followed it (None for the last)."""
        answer = self.answer
        parts: list[tuple[str, Decision | None]] = []
        start = 0
        for decision in self.decisions:
            parts.append((answer[start : decision.at], decision))
            start = decision.at
        parts.append((answer[start:], None))
        return parts

    def stop(self) -> None:
        """The person stopped the answer with "Stop generating"."""
        self._end(AnswerState.STOPPED)

    def fail(self, message: Message) -> None:
        if self._end(AnswerState.FAILED):
            self.error = message
