"""A conversation as files to download: Markdown to read, JSON to process."""

from __future__ import annotations

import json
import re
from typing import Any

from flowise_client.events import ToolUse

from .conversation import Conversation
from .display_text import display_text
from .i18n import translate
from .turn import AnswerState, Turn

_BACKTICKS = re.compile("`+")
_NOT_IN_FILE_NAMES = re.compile(r"[^\w-]+")


def _fence(text: str, info: str = "") -> str:
    # A fence longer than any run of backticks in the text, so the text cannot close it.
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text}\n{ticks}"


def _code_span(text: str) -> str:
    # Inline code, delimited by more backticks than any run in the text, on one line (a blank line
    # would end it): nothing in it is a link or an image, and nothing can close it early.
    text = " ".join(text.splitlines())
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    ticks, pad = "`" * (longest + 1), " " if longest else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def turn_to_markdown(turn: Turn, number: int, language: str) -> str:
    def t(key: str, **values: object) -> str:
        return translate(language, key, **values)

    asked_at = turn.asked_at.isoformat(timespec="seconds")
    parts = [f"## {t('export.question', number=number, asked_at=asked_at)}", "", _fence(turn.question), ""]
    if turn.attachments:
        names = "\n".join(f"{a.name} ({a.mime or '?'})" for a in turn.attachments)
        parts += [t("export.sent_with"), "", _fence(names), ""]
    if turn.thinking:
        parts += [f"### {turn.thinking_label().text(language)}", "", _fence(turn.thinking), ""]
    parts += [f"### {t('export.answer')}", ""]
    for text, decision in turn.answer_parts():
        parts += [text, ""] if text else []
        parts += [f"*{decision.message(decision.feedback).text(language)}*", ""] if decision else []
    parts += [] if turn.answer else [t("export.no_text"), ""]
    if turn.error:
        parts += [t("export.error", error=turn.error), ""]
    elif turn.state is AnswerState.STOPPED:
        parts += [t("export.stopped"), ""]
    elif turn.state is AnswerState.STREAMING:
        parts += [t("export.interrupted"), ""]
    if turn.steps:
        parts += [f"### {t('steps.done', count=len(turn.steps.steps))}", ""]
        parts += [f"- {step.name(language)} ({t('steps.state.' + step.state.value)})" for step in turn.steps.steps] + [
            ""
        ]
    if turn.sources:
        parts += [f"### {t('sources.title', count=len(turn.sources))}", ""]
        for n, doc in enumerate(turn.sources, 1):
            parts += [f"{n}. {doc.name or t('sources.document', number=n)}", "", _fence(doc.page_content), ""]
    if turn.tools:
        parts += [f"### {t('tools.title', count=len(turn.tools))}", ""]
        for tool in turn.tools:
            parts += [f"- **{tool.tool}**", ""]
            for label, value in (("tools.input", tool.tool_input), ("tools.output", tool.tool_output)):
                text, kind = display_text(value)
                parts += [f"  {t(label)}:", "", _fence(text, kind or ""), ""]
    return "\n".join(parts)


def file_stem(chat_id: str, flow_name: str | None) -> str:
    """The downloaded files' name: the flow's, when it has one, then the conversation's first characters."""
    flow = _NOT_IN_FILE_NAMES.sub("-", (flow_name or "").lower())[:40].strip("-_")
    return "-".join(["conversation", *([flow] if flow else []), chat_id[:8]])


def to_markdown(convo: Conversation, flow: str, language: str) -> str:
    """The whole conversation; answers as the flow wrote them (Markdown), everything else fenced.
    Headings and labels in ``language``."""
    head = [
        f"# {translate(language, 'export.title', flow=flow)}",
        "",
        translate(language, "export.chat_id", chat_id=_code_span(convo.chat_id)),
        "",
    ]
    return "\n".join(head + [turn_to_markdown(turn, n, language) for n, turn in enumerate(convo.turns, 1)])


def _tool(tool: ToolUse) -> dict[str, Any]:
    return {"tool": tool.tool, "input": tool.tool_input, "output": tool.tool_output}


def to_json(convo: Conversation, flow: str, language: str) -> str:
    """Keys in English, for programs; what a person wrote (the flow's label, an error) in ``language``."""
    turns = [
        {
            "askedAt": turn.asked_at.isoformat(),
            "question": turn.question,
            "attachments": [{"name": a.name, "mime": a.mime} for a in turn.attachments],
            "thinking": turn.thinking or None,
            "thinkingSeconds": turn.thinking_seconds,
            "answer": turn.answer,
            "complete": turn.state is AnswerState.COMPLETE,
            "stopped": turn.state is AnswerState.STOPPED,
            "error": turn.error.text(language) if turn.error else None,
            "messageId": turn.message_id or None,
            "sources": [{"pageContent": d.page_content, "metadata": dict(d.metadata)} for d in turn.sources],
            "tools": [_tool(t) for t in turn.tools],
            "steps": [
                {"node": step.node_id, "label": step.name(language), "state": step.state.value}
                for step in turn.steps.steps
            ],
            "decisions": [{"approve": d.approve, "feedback": d.feedback, "at": d.at} for d in turn.decisions],
            "usage": None
            if turn.usage is None
            else {
                "inputTokens": turn.usage.input_tokens,
                "outputTokens": turn.usage.output_tokens,
                "totalTokens": turn.usage.total_tokens,
            },
        }
        for turn in convo.turns
    ]
    return json.dumps(
        {"flow": flow, "chatId": convo.chat_id, "turns": turns}, ensure_ascii=False, indent=2, default=str
    )
