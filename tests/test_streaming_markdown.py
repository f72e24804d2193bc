"""The streaming answer view: what ends on screen, and how often it is updated."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def stream_script(tokens: list[str], interval: float, step: float) -> None:
    import itertools

    import streamlit as st

    from components.streaming_markdown import StreamingMarkdown

    ticks = itertools.count()
    updates = []
    parts = []
    view = StreamingMarkdown(
        lambda: "".join(parts), interval, clock=lambda: next(ticks) * step, sleep=lambda seconds: None
    )
    original = view.flush

    def counting_flush(now=None):
        before = view._shown
        original(now)
        if view._shown != before:
            updates.append(view._shown)

    view.flush = counting_flush
    for token in tokens:
        parts.append(token)
        view.grew()
    view.flush()
    st.session_state["updates"] = updates


ANSWER = "First paragraph, *finished*.\n\n```python\nx = 1\n\ny = 2\n```\n\n- one\n- two\n\nLast **bold** words"


def run(tokens, interval, step):
    at = AppTest.from_function(stream_script, args=(tokens, interval, step)).run()
    return at, at.session_state["updates"]


def test_finished_blocks_become_their_own_elements_and_nothing_is_lost():
    tokens = [ANSWER[i : i + 3] for i in range(0, len(ANSWER), 3)]
    at, _ = run(tokens, interval=0.0, step=0.01)
    # Streamlit trims each element's text; blank lines between blocks are all that differs.
    values = [m.value for m in at.markdown]
    assert values == [
        "First paragraph, *finished*.",
        "```python\nx = 1\n\ny = 2\n```",
        "- one\n- two",
        "Last **bold** words",
    ]


def test_first_token_is_shown_at_once_and_later_ones_are_batched_by_time():
    tokens = [ANSWER[i : i + 1] for i in range(len(ANSWER))]
    # A token every 10 ms, a flush at most every 100 ms: about one update per ten tokens.
    _, updates = run(tokens, interval=0.1, step=0.01)
    assert updates[0] == 1
    assert updates[-1] == len(ANSWER)
    assert len(updates) <= len(tokens) // 10 + 2
