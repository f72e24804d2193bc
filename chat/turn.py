"""One question and its answer, built up from the flow's events as they arrive."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flowise_client.events import (
    EndEvent,
    FlowiseEvent,
    MetadataEvent,
    SourceDocument,
    SourceDocumentsEvent,
    TokenEvent,
    ToolUse,
    UsageMetadataEvent,
    UsedToolsEvent,
)

from .i18n import Message


def _source_key(doc: SourceDocument) -> tuple[str, str]:
    return doc.page_content.strip(), str(doc.metadata.get("source", ""))


@dataclass
class Turn:
    question: str
    # Keys this turn's widgets: unique even when the same question is asked twice.
    id: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)
    asked_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    sources: list[SourceDocument] = field(default_factory=list)
    tools: list[ToolUse] = field(default_factory=list)
    message_id: str = ""
    usage: UsageMetadataEvent | None = None
    # The feedback given on this answer: Flowise's id for it, so a changed rating updates it.
    feedback_id: str | None = None
    feedback_problem: Message | None = None
    follow_ups: tuple[str, ...] = ()
    error: Message | None = None
    complete: bool = False
    stopped: bool = False  # by the person, with "Stop generating"
    # Kept as parts: joining once per render is cheaper than growing one string per token.
    _parts: list[str] = field(default_factory=list)

    @property
    def answer(self) -> str:
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    def apply(self, event: FlowiseEvent) -> str:
        """Record one event; return the text it adds to the answer (often none)."""
        if isinstance(event, TokenEvent):
            self._parts.append(event.text)
            return event.text
        if isinstance(event, SourceDocumentsEvent):
            known = {_source_key(doc) for doc in self.sources}
            for doc in event.documents:
                if _source_key(doc) not in known:
                    known.add(_source_key(doc))
                    self.sources.append(doc)
        elif isinstance(event, UsedToolsEvent):
            self.tools.extend(event.tools)
        elif isinstance(event, MetadataEvent):
            self.message_id = event.chat_message_id or self.message_id
            self.follow_ups = event.follow_up_prompts or self.follow_ups
        elif isinstance(event, UsageMetadataEvent):
            self.usage = event
        elif isinstance(event, EndEvent):
            self.complete = True
        return ""

    def fail(self, message: Message) -> None:
        self.error = message
