"""A throwaway HTTP server on 127.0.0.1 for a test that needs a server other than Flowise's stand-in:
a proxy's login page, a server quoting what it was sent, a host of remote images."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# What a request gets: its status, content type and body.
Reply = tuple[int, str, bytes]


@contextmanager
def serving(reply: Callable[[BaseHTTPRequestHandler], Reply]) -> Iterator[str]:
    """A server that answers every GET and POST with ``reply(request)``, the request's body read
    first; yields its base URL, and is shut down on the way out."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, content_type, body = reply(self)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
