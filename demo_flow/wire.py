"""The demo flow's answers in Flowise's wire format: Starlette JSON responses and its payload shapes."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from flowise_wire import JSON_MEDIA_TYPE, error_body

from .answer import ToolCall
from .documents import Paragraph


class FlowiseJSONResponse(JSONResponse):
    # JSONResponse already renders like JSON.stringify: compact separators, non-ASCII kept as is.
    media_type = JSON_MEDIA_TYPE


def error_response(status: int, message: str) -> FlowiseJSONResponse:
    """The body of Flowise's error middleware (with `stack` empty, as outside development mode)."""
    return FlowiseJSONResponse(error_body(status, message), status_code=status)


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
