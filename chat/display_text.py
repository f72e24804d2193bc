"""How a value a flow sent (a tool's input or output, an artifact's data) is shown as text: the same
on the page and in the exported conversation."""

from __future__ import annotations

import json
from typing import NamedTuple


class DisplayText(NamedTuple):
    text: str
    # "json" for structured data, to be shown as highlighted code; None for text as it came.
    language: str | None


def display_text(value: object, *, text_may_be_json: bool = True) -> DisplayText:
    """JSON pretty-printed, text as is. ``text_may_be_json``: a string is read as JSON when it holds
    some, as tools send their input and output; an artifact's text is its content, kept as written."""
    if isinstance(value, str) and not text_may_be_json:
        return DisplayText(value, None)
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return DisplayText(value, None)
        if not isinstance(decoded, (dict, list)):
            return DisplayText(json.dumps(decoded, ensure_ascii=False), None)
        value = decoded
    return DisplayText(json.dumps(value, ensure_ascii=False, indent=2, default=str), "json")
