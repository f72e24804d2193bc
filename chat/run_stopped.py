"""Telling a run that Streamlit stopped because its browser went away from one stopped for a rerun.

Streamlit stops a session's run by raising StopException in the script at its next ``st`` call, both
when the browser session goes away (the tab closed, the connection lost) and, with
``runner.fastReruns`` (this app's setting), when a click or a new question starts the next run. Only
the first leaves an answer that nobody will read; in the second, the same conversation goes on, and
asking Flowise to abort its chat could stop the next answer. So the session is looked up: a rerun's
session is still among the runtime's active ones, a closed tab's is not.
"""

from __future__ import annotations

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


def _browser_left() -> bool:
    ctx = get_script_run_ctx()
    return ctx is not None and Runtime.exists() and not Runtime.instance().is_active_session(ctx.session_id)
