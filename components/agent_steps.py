"""The box above an answer with the flow's steps: each agentflow node or agent as it starts and
ends, with its tools and sources, and the tools being called right now. Open while the answer
arrives, closed once it is done; the same box, closed, in the history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat.display_text import display_text
from chat.language import language, t
from chat.steps import FlowSteps, Step, StepState, headline
from flowise_client.events import SourceDocument, ToolUse

from .markdown import plain_text, safe_markdown

if TYPE_CHECKING:
    # What st.status returns: only its type is named, from where Streamlit keeps it.
    from streamlit.elements.lib.mutable_status_container import StatusContainer

_ICONS = {
    StepState.RUNNING: ":material/progress_activity:",
    StepState.DONE: ":material/check_circle:",
    StepState.WAITING: ":material/front_hand:",
    StepState.FAILED: ":material/error:",
    StepState.CANCELLED: ":material/cancel:",
}
_INTERRUPTED = ":material/pause_circle:"
# A called tool's input is shown on one line; the whole of it is in "Tools used" once it is done.
_INPUT_CHARS = 120


def _label(steps: FlowSteps, live: bool) -> str:
    line = headline(steps, live)
    values = {name: plain_text(value) if isinstance(value, str) else value for name, value in line.values.items()}
    return t(line.key, **values)


def _tool_names(tools: Sequence[ToolUse]) -> str:
    return ", ".join(f"**{plain_text(name)}**" for name in dict.fromkeys(tool.tool for tool in tools))


def _source_names(sources: Sequence[SourceDocument]) -> str:
    names = (doc.name or t("sources.document", number=number) for number, doc in enumerate(sources, 1))
    return ", ".join(dict.fromkeys(plain_text(name) for name in names))


def _draw_step(step: Step, live: bool) -> None:
    icon = _ICONS[step.state] if live or step.state is not StepState.RUNNING else _INTERRUPTED
    line = f"{icon} **{plain_text(step.name(language()))}**"
    if step.state is StepState.RUNNING:
        line += f" · {t('steps.state.running' if live else 'steps.state.interrupted')}"
    elif step.state is not StepState.DONE:
        line += f" · {t('steps.state.' + step.state.value)}"
    st.markdown(line)
    for note in step.notes:
        st.caption(safe_markdown(note))
    if step.tools:
        st.caption(t("steps.tools", tools=_tool_names(step.tools)))
    if step.sources:
        st.caption(t("steps.sources", sources=_source_names(step.sources)))
    if step.error:
        st.caption(f":material/error: {plain_text(step.error)}")


def _draw_steps(steps: FlowSteps, live: bool) -> None:
    for step in steps.steps:
        _draw_step(step, live)
    if live:
        for tool in steps.calling:
            shown, _ = display_text(tool.tool_input) if tool.tool_input not in (None, "", {}) else ("", None)
            shown = " ".join(shown.split())
            shown = shown if len(shown) <= _INPUT_CHARS else shown[: _INPUT_CHARS - 1] + "…"
            what = f"**{plain_text(tool.tool)}**" + (f" ({plain_text(shown)})" if shown else "")
            st.caption(f":material/build: {t('steps.calling_tool', tool=what)}")


def render_steps(steps: FlowSteps) -> None:
    """The steps of an answer in the history, in a closed box; nothing for a flow without steps."""
    if steps:
        line = headline(steps, live=False)
        with st.status(_label(steps, live=False), state=line.state, expanded=False):
            _draw_steps(steps, live=False)


class LiveSteps:
    """The box for an answer that is arriving: drawn at the first step, then redrawn at each change."""

    def __init__(self) -> None:
        self._slot = st.empty()
        # The box and the element inside it that holds the steps, once drawn.
        self._box: tuple[StatusContainer, DeltaGenerator] | None = None
        self._version: int | None = None

    def show(self, steps: FlowSteps) -> None:
        if not steps or steps.version == self._version:
            return
        self._version = steps.version
        self._draw(steps, live=True)

    def close(self, steps: FlowSteps) -> None:
        """The answer is done (or cut short): the box says how it ended and closes. A box that only
        showed a tool being called goes: the tool is under the answer now."""
        if not steps:
            self._slot.empty()
            return
        self._draw(steps, live=False)

    def _draw(self, steps: FlowSteps, live: bool) -> None:
        label, state = _label(steps, live), headline(steps, live).state
        if self._box is None:
            box = self._slot.status(label, state=state, expanded=live)
            self._box = (box, box.empty())
        else:
            # Said each time: an update that leaves it out closes the box.
            self._box[0].update(label=label, state=state, expanded=live)
        with self._box[1].container():
            _draw_steps(steps, live)
