"""Reading values from payloads of flows we do not control: a value of the wrong type becomes an
empty one, never an exception."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def decoded(value: Any) -> Any:
    # Some nodes hand Flowise already-serialised JSON, and history stores lists as strings.
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def mapping(value: Any) -> Mapping[str, Any]:
    value = decoded(value)
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    value = decoded(value)
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, Mapping) else []


def integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
