"""Telling a run that Streamlit stopped from one it reruns.

Streamlit stops a session's run when its browser session goes away (the tab closed, the connection
lost) by raising StopException in the script at its next ``st`` call; a click or a new question
raises RerunException instead, and the page goes on in the run that follows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from streamlit.runtime.scriptrunner_utils.exceptions import StopException


@contextmanager
def when_stopped(then: Callable[[], None]) -> Iterator[None]:
    """Call ``then`` if Streamlit stops the run inside the block, and let the stop go on. A block
    waiting on the network (the next event of an answer) sees the stop only when that wait ends and
    it next draws something: after the next event, or the read timeout."""
    try:
        yield
    except StopException:
        then()
        raise
