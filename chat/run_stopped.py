"""Telling a run that Streamlit stopped because its browser went away from one stopped for a rerun.

Streamlit stops a session's run by raising StopException in the script at its next ``st`` call, both
when the browser session goes away (the tab closed, the connection lost) and, with
``runner.fastReruns`` (this app's setting), when a click or a new question starts the next run. Only
the first leaves an answer that nobody will read; in the second, the same conversation goes on, and
asking Flowise to abort its chat could stop the next answer. So the session is looked up: a rerun's
session stays among the runtime's active ones, a closed tab's leaves them, a moment after Streamlit
asked its run to stop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner_utils.exceptions import StopException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx


@contextmanager
def when_browser_left(then: Callable[[], None]) -> Iterator[None]:
    """Call ``then`` if Streamlit stops the run inside the block because its browser session went
    away, and let the stop go on. A block waiting on the network (the next event of an answer) sees
    the stop only when that wait ends and it next draws something: after the next event, or the read
    timeout."""
    try:
        yield
    except StopException:
        if _browser_left():
            then()
        raise


# A disconnect asks the run to stop before it takes the session out of the active ones; the run's
# thread may see the stop first. A rerun's old run waits this long, after its answer's slot is free.
_DISCONNECT_SECONDS = 1.0


def _browser_left() -> bool:
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return False
    deadline = time.monotonic() + _DISCONNECT_SECONDS
    while Runtime.instance().is_active_session(ctx.session_id):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
