"""What the demo flow answers: a calculation when asked for one, and the best-matching documentation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .arithmetic import MAX_EXPONENT, CalculationError, Reason, evaluate, find_arithmetic, format_number
from .documents import Paragraph
from .retrieval import BM25Index, Hit


@dataclass(frozen=True)
class ToolCall:
    tool: str
    input: str
    output: str


@dataclass(frozen=True)
class DemoAnswer:
    text: str  # Markdown
    sources: tuple[Paragraph, ...]  # best first
    tool_call: ToolCall | None
    # Questions about the next-best sections, offered as buttons under the answer.
    follow_ups: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Phrases:
    calculated: str
    not_calculated: str
    reasons: Mapping[Reason, str]
    lead: str
    turn: str
    fallback: str
    follow_up: str


_ENGLISH = _Phrases(
    calculated="The calculator says **{expression} = {result}**.",
    not_calculated="I tried the calculator on `{expression}`, but {reason}.",
    reasons=MappingProxyType(
        {
            Reason.NOT_AN_EXPRESSION: "that is not an expression it can compute",
            Reason.NOT_ALLOWED: "it only knows numbers, + - * / // % ** and parentheses",
            Reason.DIVISION_BY_ZERO: "division by zero is undefined",
            Reason.EXPONENT_TOO_LARGE: f"exponents above {MAX_EXPONENT} are more than it handles",
            Reason.TOO_LARGE: "the result is too large to show",
            Reason.NOT_REAL: "the result is not a real number",
        }
    ),
    lead="Here is what the documentation says about **{title}**{turn}:",
    turn=" (question {turn} of this conversation)",
    fallback=(
        "I am the built-in demo flow, so I only know about this app: installing and running it, connecting "
        "your own Flowise flow, deploying it to Streamlit Community Cloud and fixing common problems. "
        "I can also do arithmetic. Try one of these:\n\n"
        "- How do I connect my own Flowise flow?\n"
        "- How do I deploy to Streamlit Community Cloud?\n"
        "- Why does the answer appear all at once?\n"
        "- What is 12.5% of 2,480?"
    ),
    follow_up='Tell me about "{title}"',
)
_RUSSIAN = _Phrases(
    calculated="Калькулятор говорит: **{expression} = {result}**.",
    not_calculated="Я попробовал посчитать `{expression}`, но {reason}.",
    reasons=MappingProxyType(
        {
            Reason.NOT_AN_EXPRESSION: "это не выражение, которое можно вычислить",
            Reason.NOT_ALLOWED: "калькулятор понимает только числа, + - * / // % ** и скобки",
            Reason.DIVISION_BY_ZERO: "на ноль делить нельзя",
            Reason.EXPONENT_TOO_LARGE: f"степени больше {MAX_EXPONENT} калькулятор не считает",
            Reason.TOO_LARGE: "результат слишком велик",
            Reason.NOT_REAL: "результат не является действительным числом",
        }
    ),
    lead="Вот что сказано в документации в разделе **{title}**{turn}:",
    turn=" (вопрос {turn} в этом разговоре)",
    fallback=(
        "Я встроенный демо-поток и знаю только об этом приложении: как его установить и запустить, "
        "подключить свой поток Flowise, развернуть в Streamlit Community Cloud и что делать при ошибках. "
        "Ещё я умею считать. Попробуйте спросить:\n\n"
        "- Как подключить свой поток Flowise?\n"
        "- Как развернуть приложение в Streamlit Community Cloud?\n"
        "- Сколько будет 12.5% от 2480?"
    ),
    follow_up="Расскажи про «{title}»",
)
_SOURCES = 3
_MAX_FOLLOW_UPS = 2
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def compose_answer(question: str, index: BM25Index, turn: int = 1) -> DemoAnswer:
    """Deterministic: the same question on the same turn always gets the same answer."""
    phrases = _RUSSIAN if _CYRILLIC.search(question) else _ENGLISH
    parts: list[str] = []
    tool_call = None
    search_text = question
    if arithmetic := find_arithmetic(question):
        # The numbers of a sum would only match stray numbers in the documents.
        search_text = arithmetic.rest
        expression = arithmetic.expression
        try:
            result = format_number(evaluate(expression))
        except CalculationError as error:
            tool_call = ToolCall("calculator", expression, error.reason.value)
            parts.append(phrases.not_calculated.format(expression=expression, reason=phrases.reasons[error.reason]))
        else:
            tool_call = ToolCall("calculator", expression, result)
            parts.append(phrases.calculated.format(expression=expression, result=result))
    # Enough hits to find other sections for the follow-ups; the best few are the sources.
    hits = index.search(search_text, limit=10)
    if hits:
        best = hits[0].paragraph
        turn_note = phrases.turn.format(turn=turn) if turn > 1 else ""
        parts.append(phrases.lead.format(title=best.title, turn=turn_note))
        # The whole best section, in reading order: its paragraphs lean on each other (text, then its code).
        parts.extend(p.text for p in index.paragraphs if (p.source, p.title) == (best.source, best.title))
    elif tool_call is None:
        parts.append(phrases.fallback)
    follow_ups = tuple(phrases.follow_up.format(title=title) for title in _other_sections(hits))
    sources = tuple(hit.paragraph for hit in hits[:_SOURCES])
    return DemoAnswer("\n\n".join(parts), sources, tool_call, follow_ups)


def _other_sections(hits: list[Hit]) -> list[str]:
    """The titles of the sections that matched after the best one, best first."""
    seen = {(hits[0].paragraph.source, hits[0].paragraph.title)} if hits else set()
    titles: list[str] = []
    for hit in hits[1:]:
        section = (hit.paragraph.source, hit.paragraph.title)
        if section not in seen and len(titles) < _MAX_FOLLOW_UPS:
            seen.add(section)
            titles.append(hit.paragraph.title)
    return titles
