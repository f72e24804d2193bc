"""Flowise 3.x's wire format, as recorded from a real server: SSE frames, error bodies, payload shapes."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

from starlette.responses import JSONResponse

from .answer import ToolCall
from .documents import Paragraph

# Flowise (Express) always names the charset; Starlette's JSONResponse would not.
JSON_MEDIA_TYPE = "application/json; charset=utf-8"
SSE_HEADERS = MappingProxyType(
    {
        # Exactly "text/event-stream": with media_type= Starlette would append "; charset=utf-8".
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache",
        # Tells nginx not to buffer the stream, which would make the answer arrive all at once.
        "X-Accel-Buffering": "no",
    }
)


class FlowiseJSONResponse(JSONResponse):
    # JSONResponse already renders like JSON.stringify: compact separators, non-ASCII kept as is.
    media_type = JSON_MEDIA_TYPE


def sse_frame(event: str, data: Any) -> bytes:
    # Flowise's SSEStreamer puts the event name inside the JSON and never sends an SSE `event:` field.
    payload = json.dumps({"event": event, "data": data}, ensure_ascii=False, separators=(",", ":"))
    return f"message:\ndata:{payload}\n\n".encode()


def error_response(status: int, message: str) -> FlowiseJSONResponse:
    """The body of Flowise's error middleware (with `stack` empty, as outside development mode)."""
    body = {"statusCode": status, "success": False, "message": message, "stack": {}}
    return FlowiseJSONResponse(body, status_code=status)


def source_document(paragraph: Paragraph) -> dict[str, Any]:
    # A LangChain document as Flowise's text loaders give it: `loc.lines` is where it sits in the file.
    return {
        "pageContent": paragraph.text,
        "metadata": {
            "source": paragraph.source,
            "title": paragraph.title,
            "loc": {"lines": {"from": paragraph.first_line, "to": paragraph.last_line}},
        },
    }


def used_tool(call: ToolCall) -> dict[str, Any]:
    return {"tool": call.tool, "toolInput": {"input": call.input}, "toolOutput": call.output}
