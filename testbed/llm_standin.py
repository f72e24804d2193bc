"""A deterministic OpenAI-compatible server for a real Flowise's ChatOpenAI and OpenAI Embeddings nodes.

    python -m testbed.llm_standin [PORT] [--token-delay SECONDS] [--slow-seconds SECONDS]

It listens on 127.0.0.1 (PORT 0, the default, picks a free port) and prints the port on the first line
of stdout. One line per request goes to stderr.

What it answers, always the same for the same request:

- ``POST /v1/chat/completions``, with or without ``stream``: :data:`ANSWER` (Russian, English and an
  emoji). When the conversation has earlier user turns it ends in `` (turn N)``, so memory is visible.
- When tools are offered and the last user message holds arithmetic (``12 * 7``), it first calls a tool
  (``calculator`` if offered) with that expression, then answers ``Результат: <tool output> ✅``.
- A question with images (``image_url`` parts, as ChatOpenAI sends uploads when the flow allows them)
  is answered :data:`IMAGE_ANSWER` with how many images of which types it was given.
- A question containing "slow" streams :data:`SLOW_ANSWER` over about ``--slow-seconds`` (10 s), so a
  running answer can be aborted.
- ``POST /v1/audio/transcriptions`` (multipart, as Flowise's speech-to-text sends a recording):
  :data:`TRANSCRIPT` for an Ogg or WebM file, else a note that the audio could not be read.
- ``POST /v1/embeddings``: hashed bag-of-words vectors (floats, or base64 as the OpenAI SDK asks), so
  retrieval ranks documents by shared words.
- ``GET /v1/models`` and ``GET /v1/models/{id}``.

Environment defaults for the options: ``LLM_STANDIN_TOKEN_DELAY``, ``LLM_STANDIN_SLOW_SECONDS``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWER = "Привет! Это детерминированный ответ 🙂. The capital of France is Paris."
IMAGE_ANSWER = "Вижу изображения 🖼️"
TRANSCRIPT = "What is the capital of France?"
SLOW_ANSWER = "Медленный ответ 🐢: " + " ".join(f"слово{i}" for i in range(1, 61)) + "."
MODEL = "gpt-4o-mini"
EMBEDDING_DIMENSIONS = 64
CHUNK_CHARS = 4  # characters per streamed chunk, so every answer arrives as many tokens

_ARITHMETIC = re.compile(r"\d+(?:\.\d+)?(?:\s*[-+*/]\s*\d+(?:\.\d+)?)+")
_WORD = re.compile(r"\w+")


# ---------------------------------------------------------------------------------------- answers


def _text(content: Any) -> str:
    """Message content as text: OpenAI allows a string or a list of typed parts."""
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else ""


def _image_types(content: Any) -> list[str]:
    """The MIME type of each image part of a message (from its data URL), in order."""
    parts = content if isinstance(content, list) else []
    urls = [p.get("image_url") for p in parts if isinstance(p, dict) and p.get("type") == "image_url"]
    urls = [u.get("url", "") if isinstance(u, dict) else str(u) for u in urls]
    return [u[5:].split(";")[0] if u.startswith("data:") else "link" for u in urls]


def plan_reply(body: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """What to answer to a chat completion request: ``(text, None)`` or ``("", tool_call)``."""
    messages = body.get("messages") or []
    last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
    question = _text(messages[last_user].get("content")) if last_user >= 0 else ""
    user_turns = sum(m.get("role") == "user" for m in messages)

    # Only tool results of the current question count; memory may replay older turns.
    tool_results = [m for m in messages[last_user + 1 :] if m.get("role") == "tool"]
    if tool_results:
        return f"Результат: {_text(tool_results[-1].get('content'))} ✅", None

    tools = [t["function"]["name"] for t in body.get("tools") or [] if t.get("type") == "function"]
    if tools and (match := _ARITHMETIC.search(question)):
        name = "calculator" if "calculator" in tools else tools[0]
        call = {
            "id": f"call_{_digest(question)[:12]}",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps({"input": match.group(0)})},
        }
        return "", call

    if images := _image_types(messages[last_user].get("content")) if last_user >= 0 else []:
        return f"{IMAGE_ANSWER}: {len(images)} ({', '.join(images)}).", None
    if "slow" in question.lower():
        return SLOW_ANSWER, None
    return ANSWER + (f" (turn {user_turns})" if user_turns > 1 else ""), None


def embedding(text: str) -> list[float]:
    """A unit vector counting the text's lower-cased words, each hashed into one dimension."""
    vector = [0.0] * EMBEDDING_DIMENSIONS
    for word in _WORD.findall(text.lower()):
        vector[int(_digest(word), 16) % EMBEDDING_DIMENSIONS] += 1.0
    norm = sum(x * x for x in vector) ** 0.5 or 1.0
    return [x / norm for x in vector]


def _digest(text: str) -> str:
    # Not Python's hash(): that changes with every process.
    return hashlib.sha256(text.encode()).hexdigest()


def _count_tokens(messages: list[dict[str, Any]]) -> int:
    return sum(len(_WORD.findall(_text(m.get("content")))) + 3 for m in messages)


# ------------------------------------------------------------------------------------------ server


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True  # a client that hangs up mid-stream must not keep the process alive

    def __init__(self, port: int = 0, token_delay: float = 0.005, slow_seconds: float = 10.0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.token_delay = token_delay
        self.slow_seconds = slow_seconds

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, and chunked streams
    server: StandinServer

    def log_message(self, fmt: str, *args: Any) -> None:
        sys.stderr.write(f"[llm-standin] {self.command} {self.path} {fmt % args}\n")

    # --- routing

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._json({"object": "list", "data": [_model(MODEL), _model("text-embedding-ada-002")]})
        elif "/models/" in self.path:
            self._json(_model(self.path.rsplit("/", 1)[1]))
        else:
            self._error(404, f"Unknown path {self.path}")

    def do_POST(self) -> None:
        if self.path.endswith("/audio/transcriptions"):
            self._transcription(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            return
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        except json.JSONDecodeError as error:
            self._error(400, f"Body is not JSON: {error}")
            return
        if self.path.endswith("/chat/completions"):
            self._chat(body)
        elif self.path.endswith("/embeddings"):
            self._embeddings(body)
        else:
            self._error(404, f"Unknown path {self.path}")

    # --- endpoints

    def _transcription(self, body: bytes) -> None:
        # The file part is whatever follows its headers; a real decoder is not needed to tell the container.
        heard = TRANSCRIPT if b"OggS" in body or b"\x1aE\xdf\xa3" in body else "(audio this stand-in cannot read)"
        self._json({"text": heard})

    def _embeddings(self, body: dict[str, Any]) -> None:
        inputs = body.get("input")
        inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
        as_base64 = body.get("encoding_format") == "base64"  # the OpenAI SDK's default
        data = []
        for index, text in enumerate(inputs):
            vector = embedding(text if isinstance(text, str) else json.dumps(text))
            value: Any = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode() if as_base64 else vector
            data.append({"object": "embedding", "index": index, "embedding": value})
        tokens = sum(len(_WORD.findall(str(t))) for t in inputs)
        self._json(
            {
                "object": "list",
                "model": body.get("model") or "text-embedding-ada-002",
                "data": data,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )

    def _chat(self, body: dict[str, Any]) -> None:
        text, call = plan_reply(body)
        chunks = [text[i : i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)]
        prompt_tokens = _count_tokens(body.get("messages") or [])
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": max(len(chunks), 1),
            "total_tokens": prompt_tokens + max(len(chunks), 1),
        }
        head = {
            "id": f"chatcmpl-{_digest(json.dumps(body, sort_keys=True))[:24]}",
            "created": int(time.time()),
            "model": body.get("model") or MODEL,
            "system_fingerprint": "fp_standin",
        }
        finish = "tool_calls" if call else "stop"

        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": None if call else text, "refusal": None}
            if call:
                message["tool_calls"] = [call]
            self._json(
                {
                    **head,
                    "object": "chat.completion",
                    "usage": usage,
                    "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
                }
            )
            return

        with_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        delay = self.server.slow_seconds / max(len(chunks), 1) if text == SLOW_ANSWER else self.server.token_delay

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            extra = {"usage": None} if with_usage else {}  # as OpenAI does when usage is asked for
            return {
                **head,
                "object": "chat.completion.chunk",
                **extra,
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
            }

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            if call:
                # As OpenAI streams a call: id and name first, then the arguments in pieces.
                arguments = call["function"]["arguments"]
                first = {**call, "index": 0, "function": {"name": call["function"]["name"], "arguments": ""}}
                self._sse(chunk({"role": "assistant", "content": None, "tool_calls": [first]}))
                self._sse(chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments}}]}))
            else:
                self._sse(chunk({"role": "assistant", "content": "", "refusal": None}))
                for piece in chunks:
                    self._sse(chunk({"content": piece}))
                    time.sleep(delay)
            self._sse(chunk({}, finish))
            if with_usage:
                self._sse({**head, "object": "chat.completion.chunk", "choices": [], "usage": usage})
            self._chunk(b"data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")  # end of the chunked body
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client hung up, e.g. Flowise after an abort

    # --- writing

    def _json(self, obj: Any, status: int = 200) -> None:
        payload = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _error(self, status: int, message: str) -> None:
        self._json({"error": {"message": message, "type": "invalid_request_error", "code": None}}, status)

    def _sse(self, obj: dict[str, Any]) -> None:
        self._chunk(b"data: " + json.dumps(obj, ensure_ascii=False).encode() + b"\n\n")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


def _model(model_id: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": 0, "owned_by": "llm-standin"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("port", nargs="?", type=int, default=0)
    parser.add_argument(
        "--token-delay",
        type=float,
        default=float(os.environ.get("LLM_STANDIN_TOKEN_DELAY", 0.005)),
        help="seconds between streamed chunks (default 0.005)",
    )
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=float(os.environ.get("LLM_STANDIN_SLOW_SECONDS", 10)),
        help="how long the answer to a 'slow' question streams (default 10)",
    )
    args = parser.parse_args(argv)
    server = StandinServer(args.port, args.token_delay, args.slow_seconds)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
