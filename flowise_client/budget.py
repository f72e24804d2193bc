"""How much one answer may bring, whatever its flow sends: past any bound the client stops reading.

The answer's text is bounded by ``max_answer_chars``; a flow stuck in a loop may as well stream
thoughts, artifacts or agent events without end, so each of those is bounded too, and the stream
as a whole. Whatever arrived before a bound was passed is handed on first.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from .errors import FlowiseAnswerTooLongError
from .events import ArtifactsEvent, FlowiseEvent, SourceDocumentsEvent, ThinkingEvent, TokenEvent
from .uploads import MB

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnswerBounds:
    """What one answer may bring besides its text: far more than any chat answer needs, little
    enough that a runaway flow cannot fill the memory or hold the connection for ever."""

    artifacts: int = 50
    artifact_bytes: int = 20 * MB  # their data together: images, HTML, tables
    sources: int = 500
    # Every event that is not a piece of the text or of the thoughts: tools, agents' steps, metadata...
    events: int = 10_000
    stream_bytes: int = 64 * MB


@dataclass
class _Text:
    """A text that arrives in pieces (the answer, or the thoughts), and how much more of it may."""

    code: str
    limit: int
    left: int = field(init=False)

    def __post_init__(self) -> None:
        self.left = self.limit

    def take(self, text: str, piece: Callable[[str], FlowiseEvent]) -> Iterator[FlowiseEvent]:
        # An empty piece costs one character: a flow sending nothing for ever is cut off too.
        if max(len(text), 1) > self.left:
            if self.left and text:
                yield piece(text[: self.left])
            raise FlowiseAnswerTooLongError.of(self.code, limit=self.limit)
        self.left -= max(len(text), 1)
        yield piece(text)


@dataclass
class _Counts:
    bounds: AnswerBounds
    events: int = 0
    artifacts: int = 0
    artifact_bytes: int = 0
    sources: int = 0

    def add(self, event: FlowiseEvent) -> None:
        """Count ``event``; raises FlowiseAnswerTooLongError when it passes a bound."""
        self.events += 1
        if self.events > self.bounds.events:
            raise FlowiseAnswerTooLongError.of("too_many_events", limit=self.bounds.events)
        if isinstance(event, ArtifactsEvent):
            self.artifacts += len(event.artifacts)
            self.artifact_bytes += sum(_size(artifact.data) for artifact in event.artifacts)
            if self.artifacts > self.bounds.artifacts:
                raise FlowiseAnswerTooLongError.of("too_many_artifacts", limit=self.bounds.artifacts)
            if self.artifact_bytes > self.bounds.artifact_bytes:
                raise FlowiseAnswerTooLongError.of("artifacts_too_large", megabytes=self.bounds.artifact_bytes / MB)
        elif isinstance(event, SourceDocumentsEvent):
            self.sources += len(event.documents)
            if self.sources > self.bounds.sources:
                raise FlowiseAnswerTooLongError.of("too_many_sources", limit=self.bounds.sources)


def _size(data: Any) -> int:
    return len(data) if isinstance(data, str) else len(json.dumps(data, ensure_ascii=False, default=str))


def capped(events: Iterable[FlowiseEvent], max_chars: int, bounds: AnswerBounds) -> Iterator[FlowiseEvent]:
    """``events`` until the answer's text or its thoughts pass ``max_chars`` each, or what else it
    brings passes ``bounds``: then FlowiseAnswerTooLongError, after the text that still fitted."""
    text, thoughts = _Text("answer_too_long", max_chars), _Text("thoughts_too_long", max_chars)
    counts = _Counts(bounds)
    try:
        for event in events:
            if isinstance(event, TokenEvent):
                yield from text.take(event.text, TokenEvent)
            elif isinstance(event, ThinkingEvent):
                yield from thoughts.take(event.text, partial(_with_text, event))
            else:
                counts.add(event)
                yield event
    except FlowiseAnswerTooLongError as exc:
        bound = ", ".join(f"{name} {value:g}" for name, value in exc.values.items())
        log.warning("Stopped reading an answer past its bound: %s (%s)", exc.code, bound)
        raise


def _with_text(event: ThinkingEvent, text: str) -> FlowiseEvent:
    return replace(event, text=text)


def counted_bytes(chunks: Iterable[bytes], bounds: AnswerBounds) -> Iterator[bytes]:
    """The stream's ``chunks``, until they pass ``bounds.stream_bytes`` together."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > bounds.stream_bytes:
            raise FlowiseAnswerTooLongError.of("stream_too_large", megabytes=bounds.stream_bytes / MB)
        yield chunk
