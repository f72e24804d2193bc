"""What the demo flow answers: the best-matching documentation, and a calculation when asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .arithmetic import CalculationError, evaluate, find_expression, format_number
from .documents import Paragraph
from .retrieval import BM25Index

_FALLBACK = (
    "I am the demo flow of this app, so I only know about the app itself. Try asking "
    "*How do I connect my own Flowise flow?*, *How do I deploy to Streamlit Community Cloud?*, "
    "*Why does the answer appear all at once?* or *What is 12.5% of 2,480?*"
)


@dataclass(frozen=True)
class DemoAnswer:
    text: str
    source_documents: list[dict[str, Any]] = field(default_factory=list)
    used_tools: list[dict[str, Any]] = field(default_factory=list)


def _source_document(paragraph: Paragraph) -> dict[str, Any]:
    # The shape Flowise's retrievers give: LangChain documents with a `loc.lines` range.
    return {
        "pageContent": paragraph.text,
        "metadata": {
            "source": paragraph.source,
            "title": paragraph.title,
            "loc": {"lines": {"from": paragraph.first_line, "to": paragraph.last_line}},
        },
    }


def answer(question: str, index: BM25Index, turn: int = 1) -> DemoAnswer:
    parts: list[str] = []
    tools: list[dict[str, Any]] = []
    if expression := find_expression(question):
        try:
            result = format_number(evaluate(expression))
        except CalculationError as exc:
            result = f"cannot be computed: {exc}"
            parts.append(f"I tried the calculator on `{expression}`, but it {result}.")
        else:
            parts.append(f"The calculator says **{expression} = {result}**.")
        tools.append({"tool": "calculator", "toolInput": {"input": expression}, "toolOutput": result})
    hits = index.search(question)
    if hits:
        best = hits[0][0]
        lead = f"Here is what the documentation says about **{best.title}**"
        parts.append(f"{lead}:" if turn == 1 else f"{lead} (question {turn} of this conversation):")
        # The whole best section, in reading order: its paragraphs lean on each other.
        parts.extend(p.text for p in index.paragraphs if (p.source, p.title) == (best.source, best.title))
    elif not tools:
        parts.append(_FALLBACK)
    return DemoAnswer("\n\n".join(parts), [_source_document(p) for p, _ in hits], tools)
