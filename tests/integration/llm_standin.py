"""A deterministic OpenAI-compatible server, so Flowise's own ChatOpenAI and OpenAI embeddings nodes
run unchanged (with a custom base path) and give the same answer every time.

    python -m tests.integration.llm_standin [PORT]    # prints the port it listens on (127.0.0.1)

- ``/v1/chat/completions``, with and without ``stream``: a fixed answer in Russian and English with an
  emoji, which names the turn when the conversation has earlier user turns (so memory is visible).
  When tools are offered and the last user message holds arithmetic, it first calls the first tool
  with that expression, then answers with the tool's result.
- A question containing "slow" streams its answer over about 20 s, so a test can abort it.
- ``/v1/embeddings``: hashed bag-of-words vectors, so retrieval ranks by shared words.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWER = "Привет! Это детерминированный ответ 🙂. The capital of France is Paris."
SLOW_ANSWER = "Медленный ответ 🐢: " + " ".join(f"word{i}" for i in range(200))
_ARITHMETIC = re.compile(r"\d+(?:\.\d+)?\s*[-+*/]\s*\d+(?:\.\d+)?")
_DIMENSIONS = 64


def embedding(text: str) -> list[float]:
    vector = [0.0] * _DIMENSIONS
    for word in re.findall(r"\w+", text.lower()):
        vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % _DIMENSIONS] += 1.0
    norm = sum(x * x for x in vector) ** 0.5 or 1.0
    return [x / norm for x in vector]


def _text_of(content: Any) -> str:
    if isinstance(content, list):  # multi-part messages
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""


def reply_for(body: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """The answer text, or a tool call to make first."""
    messages = body.get("messages") or []
    user_turns = [m for m in messages if m.get("role") == "user"]
    question = _text_of(user_turns[-1].get("content")) if user_turns else ""
    tool_result = next((m for m in reversed(messages) if m.get("role") == "tool"), None)
    tools = body.get("tools") or []
    if tool_result is not None:
        return f"Результат: {_text_of(tool_result.get('content'))} ✅", None
    if tools and (match := _ARITHMETIC.search(question)):
        call = {"id": "call_standin_1", "type": "function",
                "function": {"name": tools[0]["function"]["name"], "arguments": json.dumps({"input": match.group(0)})}}
        return "", call
    if "slow" in question.lower():
        return SLOW_ANSWER, None
    return ANSWER + (f" (turn {len(user_turns)})" if len(user_turns) > 1 else ""), None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def _json(self, obj: Any, status: int = 200) -> None:
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._json({"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model", "owned_by": "standin"}]})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if self.path.endswith("/embeddings"):
            inputs = body.get("input")
            inputs = [inputs] if isinstance(inputs, str) else inputs or []
            self._json({"object": "list", "model": "standin", "usage": {"prompt_tokens": 1, "total_tokens": 1},
                        "data": [{"object": "embedding", "index": i, "embedding": embedding(str(t))}
                                 for i, t in enumerate(inputs)]})
        elif self.path.endswith("/chat/completions"):
            self._completion(body)
        else:
            self._json({"error": {"message": f"unknown path {self.path}"}}, status=404)

    def _completion(self, body: dict[str, Any]) -> None:
        text, call = reply_for(body)
        usage = {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}
        base = {"id": "chatcmpl-standin", "created": int(time.time()), "model": "gpt-4o-mini"}
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": None if call else text}
            if call:
                message["tool_calls"] = [call]
            self._json({**base, "object": "chat.completion", "usage": usage, "choices": [
                {"index": 0, "message": message, "finish_reason": "tool_calls" if call else "stop"}]})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = {**base, "object": "chat.completion.chunk"}
        delay = 0.1 if text == SLOW_ANSWER else 0.005
        try:
            if call:
                self._event({**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": None,
                             "tool_calls": [{"index": 0, **call}]}, "finish_reason": None}]})
                self._event({**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]})
            else:
                self._event({**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]})
                for i in range(0, len(text), 4):
                    self._event({**chunk, "choices": [{"index": 0, "delta": {"content": text[i:i + 4]}, "finish_reason": None}]})
                    time.sleep(delay)
                self._event({**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            self._event({**chunk, "choices": [], "usage": usage})
            self._write(b"data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # Flowise hung up, as it does when an answer is aborted

    def _event(self, obj: dict[str, Any]) -> None:
        self._write(("data: " + json.dumps(obj, ensure_ascii=False) + "\n\n").encode())

    def _write(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


def serve(port: int = 0) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.daemon_threads = True
    return server


if __name__ == "__main__":
    httpd = serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()
