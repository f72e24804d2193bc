"""Decode a Flowise event stream (raw HTTP body chunks) into ``{"event", "data"}`` payloads."""

from __future__ import annotations

import codecs
import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from sseclient import SSEClient

log = logging.getLogger(__name__)


def _valid_utf8(chunks: Iterable[bytes]) -> Iterator[bytes]:
    # sseclient-py decodes each line strictly, so one bad byte would end the whole stream; an
    # incremental decoder also keeps a character that is split across two reads whole.
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    for chunk in chunks:
        text = decoder.decode(chunk)
        if text:
            yield text.encode("utf-8")
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail.encode("utf-8")


def _json_or_text(data: str) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return data


def iter_payloads(chunks: Iterable[bytes]) -> Iterator[dict[str, Any]]:
    """Yield each message's payload in order; comments (``:heartbeat``) and undecodable data are skipped.

    Flowise never sends the SSE ``event:`` field: the name is inside the JSON of ``data:``. Servers that
    follow the documentation instead (``event: token`` / ``data: text``) are understood as well.
    """
    for message in SSEClient(_valid_utf8(chunks)).events():
        if message.event != "message":
            yield {"event": message.event, "data": _json_or_text(message.data)}
            continue
        try:
            payload = json.loads(message.data)
        except ValueError:
            log.warning("Skipped an event whose data is not JSON (%d characters)", len(message.data))
            continue
        if isinstance(payload, dict) and isinstance(payload.get("event"), str):
            yield payload
        else:
            log.warning("Skipped an event without an event name")
