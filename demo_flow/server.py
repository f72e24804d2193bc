"""Running the demo flow: uvicorn on a free port of 127.0.0.1, in a daemon thread of the calling process."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import uvicorn

from .flow import FLOW_ID, DemoFlow

_START_TIMEOUT = 15.0
# A backstop only: stop() ends streaming answers itself, so open connections close well within this.
_GRACEFUL_SHUTDOWN = 2  # uvicorn takes whole seconds


class _ThreadedServer(uvicorn.Server):
    """A uvicorn server that lives in a non-main thread and tells that thread when it listens."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Signals belong to the host application (Streamlit); this server stops only through stop().
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()

    def run_until_stopped(self) -> None:
        try:
            self.run()
        finally:
            self.ready.set()  # also when startup failed, so start_demo_server does not wait in vain


@dataclass(frozen=True)
class DemoServer:
    base_url: str  # e.g. "http://127.0.0.1:49152"
    flow_id: str
    _flow: DemoFlow = field(repr=False, compare=False)
    _server: _ThreadedServer = field(repr=False, compare=False)
    _thread: threading.Thread = field(repr=False, compare=False)

    def stop(self) -> None:
        """Shuts uvicorn down and waits for its thread to end; calling it again does nothing."""
        self._flow.close()
        self._server.should_exit = True
        # uvicorn checks should_exit every 0.1 s, then waits at most _GRACEFUL_SHUTDOWN for open connections.
        self._thread.join(timeout=_GRACEFUL_SHUTDOWN + 5)


def start_demo_server(token_delay: float = 0.02) -> DemoServer:
    """Serves the demo flow from a daemon thread and returns once it accepts connections.

    token_delay is the pause, in seconds, between streamed tokens, so the answer visibly streams.
    """
    if token_delay < 0:
        raise ValueError("token_delay must not be negative")
    flow = DemoFlow(token_delay)
    config = uvicorn.Config(
        flow.app(),
        host="127.0.0.1",
        port=0,  # any free port; the one the OS picked is read back below
        log_level="warning",
        access_log=False,
        # Leave the process's logging configuration alone: the host application owns it.
        log_config=None,
        lifespan="off",
        server_header=False,
        timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN,
    )
    server = _ThreadedServer(config)
    thread = threading.Thread(target=server.run_until_stopped, name="demo-flow", daemon=True)
    thread.start()
    if not server.ready.wait(_START_TIMEOUT) or not server.started:
        server.should_exit = True
        raise RuntimeError("The demo flow's server did not start")
    port = server.servers[0].sockets[0].getsockname()[1]
    return DemoServer(f"http://127.0.0.1:{port}", FLOW_ID, flow, server, thread)
