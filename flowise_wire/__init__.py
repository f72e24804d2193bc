"""Flowise 3.x's wire format as a server writes it, byte for byte as recorded from a real Flowise 3.1.4
(tests/fixtures/flowise-3.1.4): SSE frames, response headers, error bodies.

The server side of the protocol flowise_client reads: shared by the demo flow, the test and benchmark
stand-ins for Flowise, so that all of them speak exactly what Flowise speaks.
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

# Flowise (Express) always names the charset.
JSON_MEDIA_TYPE = "application/json; charset=utf-8"
SSE_HEADERS = MappingProxyType(
    {
        # Exactly "text/event-stream", without a charset.
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache",
        # Tells nginx not to buffer the stream, which would make the answer arrive all at once.
        "X-Accel-Buffering": "no",
    }
)
END = "[DONE]"


def frame(event: str, data: Any, **beside: Any) -> bytes:
    """One event as Flowise's SSEStreamer writes it: the event name inside the JSON (never an SSE
    `event:` field), compact as JSON.stringify, non-ASCII as is. ``beside`` are fields next to `data`,
    such as a `thinking` event's `duration`."""
    payload = json.dumps({"event": event, "data": data, **beside}, ensure_ascii=False, separators=(",", ":"))
    return f"message:\ndata:{payload}\n\n".encode()


def thinking_frame(text: str, duration: int | None = None) -> bytes:
    # SSEStreamer.streamThinkingEvent: `duration` is left out (undefined) until thinking ends.
    return frame("thinking", text, **({"duration": duration} if duration is not None else {}))


def end_frame() -> bytes:
    return frame("end", END)


def error_body(status: int, message: str) -> dict[str, Any]:
    """The body of Flowise's error middleware (with `stack` empty, as outside development mode)."""
    return {"statusCode": status, "success": False, "message": message, "stack": {}}


def json_body(value: Any) -> bytes:
    """A JSON response body as Express writes it (JSON.stringify): compact, non-ASCII as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
