"""Decode a Flowise event stream (raw HTTP body chunks) into ``{"event", "data"}`` payloads."""

from __future__ import annotations

import codecs
import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import FlowiseProtocolError

log = logging.getLogger(__name__)

# A message is held whole until its closing blank line, so a server that never ends one (an endless
# line) would fill the memory. Flowise sends each token as a small message of its own; its largest
# messages (source documents, an agentflow's node outputs) stay far below this.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


def _valid_utf8(chunks: Iterable[bytes]) -> Iterator[bytes]:
    # One bad byte must not end the whole stream; an incremental decoder also keeps a character that
    # is split across two reads whole.
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    for chunk in chunks:
        text = decoder.decode(chunk)
        if text:
            yield text.encode("utf-8")
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail.encode("utf-8")


def _lf_only(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """SSE lines may end with CRLF, LF or CR; make them all LF, also when a CRLF is split between reads."""
    after_cr = False
    for chunk in chunks:
        if after_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        after_cr = chunk.endswith(b"\r")
        yield chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _messages(chunks: Iterable[bytes], limit: int) -> Iterator[bytes]:
    """Each message's lines, without the blank line that ends it. A message's pieces are joined once,
    when it is complete: sseclient-py, used before, joined them one line at a time, so a hostile stream
    of short lines took minutes per megabyte."""
    pending: list[bytes] = []
    size = 0
    after_lf = False  # whether what is pending ends with a line break, so a leading LF ends the message
    for chunk in chunks:
        if not chunk:  # a read that held only the LF of a split CRLF
            continue
        if after_lf and chunk.startswith(b"\n"):
            yield b"".join(pending)
            pending, size, chunk = [], 0, chunk[1:]
        *complete, rest = chunk.split(b"\n\n")
        for part in complete:
            yield b"".join([*pending, part])
            pending, size = [], 0
        if rest:
            pending.append(rest)
            size += len(rest)
        after_lf = rest.endswith(b"\n")
        if size > limit:
            log.warning("Stopped reading a stream: one of its events passed %d bytes", limit)
            raise FlowiseProtocolError.too_large("event_too_large", limit)
    if pending:
        yield b"".join(pending)


def _event(message: bytes) -> tuple[str, str] | None:
    """The event name and data of one message, or None when it has no data (comments only, say)."""
    name, data = "", []
    for line in message.decode("utf-8", errors="replace").split("\n"):
        if not line.strip() or line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "data":
            data.append(value)
        elif field == "event":
            name = value
    return (name or "message", "\n".join(data)) if data else None


def _json_or_text(data: str) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return data


def iter_payloads(chunks: Iterable[bytes], max_message_bytes: int = MAX_MESSAGE_BYTES) -> Iterator[dict[str, Any]]:
    """Yield each message's payload in order; comments (``:heartbeat``) and undecodable data are skipped.

    Flowise never sends the SSE ``event:`` field: the name is inside the JSON of ``data:``. Servers that
    follow the documentation instead (``event: token`` / ``data: text``) are understood as well. A message
    longer than ``max_message_bytes`` raises :class:`FlowiseProtocolError`.
    """
    for message in _messages(_lf_only(_valid_utf8(chunks)), max_message_bytes):
        if (event := _event(message)) is None:
            continue
        name, data = event
        if name != "message":
            yield {"event": name, "data": _json_or_text(data)}
            continue
        try:
            payload = json.loads(data)
        except ValueError:
            log.warning("Skipped an event whose data is not JSON (%d characters)", len(data))
            continue
        if isinstance(payload, dict) and isinstance(payload.get("event"), str):
            yield payload
        else:
            log.warning("Skipped an event without an event name")
