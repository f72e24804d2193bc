"""A real Flowise 3.1.4 on 127.0.0.1 (testbed/local_flowise.py), from the command line.

python -m scripts.flowise_local install   # Node 24 and Flowise into the cache folder (reused)
python -m scripts.flowise_local start     # start, provision, print one JSON line; Ctrl-C stops
python -m scripts.flowise_local record DIR [FLOW...]  # save real responses of the test flows into DIR
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import requests

from testbed.local_flowise import LocalFlowise, install, local_flowise, log


@dataclass(frozen=True)
class History:
    """A recording of a conversation's stored messages, as the key's holder reads them."""

    chat_id: str


def _reply(kind: str, feedback: str = "") -> dict:
    # The humanInput Flowise's widget sends when the person answers a Human Input node.
    return {"type": kind, "startNodeId": "humanInputAgentflow_0", "feedback": feedback}


# What `record` asks, to refresh tests/fixtures/flowise-3.1.4: (file name, flow, request), in order;
# a request without a file name only sets up the conversation the next ones continue.
RECORDINGS: list[tuple[str | None, str, dict | History]] = [
    ("plain.stream.sse", "plain", {"question": "Hello there", "streaming": True, "chatId": "rec-plain-1"}),
    ("plain.turn2.stream.sse", "plain", {"question": "And again?", "streaming": True, "chatId": "rec-plain-1"}),
    ("rag.stream.sse", "rag", {"question": "What is the capital of France?", "streaming": True, "chatId": "rec-rag-1"}),
    (
        "agent.stream.sse",
        "agent",
        {"question": "What is 2140526 / 105.4 ?", "streaming": True, "chatId": "rec-agent-1"},
    ),
    (
        "agentflow.stream.sse",
        "agentflow",
        {"question": "What is the capital of France?", "streaming": True, "chatId": "rec-agentflow-1"},
    ),
    ("agentflow.json", "agentflow", {"question": "What is the capital of France?", "chatId": "rec-agentflow-2"}),
    (
        "human-input.stream.sse",
        "human-input",
        {"question": "What is 12 * 7 ?", "streaming": True, "chatId": "rec-human-1"},
    ),
    (
        "human-input.proceed.stream.sse",
        "human-input",
        {"question": "Proceed", "streaming": True, "chatId": "rec-human-1", "humanInput": _reply("proceed")},
    ),
    ("chatmessage.human-input-history.json", "human-input", History("rec-human-1")),
    (None, "human-input", {"question": "What is 3 + 4 ?", "streaming": True, "chatId": "rec-human-2"}),
    ("chatmessage.human-input-pending-history.json", "human-input", History("rec-human-2")),
    (
        "human-input.reject.stream.sse",
        "human-input",
        {
            "question": "Not now, thanks",
            "streaming": True,
            "chatId": "rec-human-2",
            "humanInput": _reply("reject", "Not now, thanks"),
        },
    ),
    ("chatmessage.human-input-reject-history.json", "human-input", History("rec-human-2")),
    ("human-input.json", "human-input", {"question": "What is 5 * 5 ?", "chatId": "rec-human-3"}),
    (
        "human-input.proceed.json",
        "human-input",
        {"question": "Proceed", "chatId": "rec-human-3", "humanInput": _reply("proceed")},
    ),
    (None, "human-input", {"question": "What is 5 * 5 ?", "chatId": "rec-human-4"}),
    (
        "human-input.reject.json",
        "human-input",
        {"question": "Reject", "chatId": "rec-human-4", "humanInput": _reply("reject")},
    ),
    # Answering a run that is not waiting: no stopped run in this chat.
    (
        "human-input.not-stopped.stream.sse",
        "human-input",
        {"question": "Proceed", "streaming": True, "chatId": "rec-human-5", "humanInput": _reply("proceed")},
    ),
]


def record(flowise: LocalFlowise, folder: Path, flows: list[str]) -> None:
    """Save each response's body byte for byte, and its status line and headers beside it; only
    those of ``flows`` when given."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, flow, request in RECORDINGS:
        if flows and flow not in flows:
            continue
        flow_id = flowise.flows[flow]
        if isinstance(request, History):
            response = requests.get(
                f"{flowise.base_url}/api/v1/chatmessage/{flow_id}",
                stream=True,
                timeout=60,
                params={"chatId": request.chat_id, "order": "ASC"},
                headers={"Authorization": f"Bearer {flowise.api_key}"},
            )
        else:
            response = requests.post(
                f"{flowise.base_url}/api/v1/prediction/{flow_id}", json=request, stream=True, timeout=60
            )
        with response:
            body = response.raw.read(decode_content=True)
        if name is None:  # a step that only sets up the next recording
            continue
        (folder / name).write_bytes(body)
        headers = "".join(f"{k}: {v}\r\n" for k, v in response.headers.items())
        (folder / f"{name}.headers").write_text(f"HTTP/1.1 {response.status_code} {response.reason}\r\n{headers}\r\n")
        log(f"recorded {name}")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "start"
    if command == "install":
        install()
        return 0
    if command == "record" and len(argv) >= 3:
        with local_flowise() as flowise:
            record(flowise, Path(argv[2]), argv[3:])
        return 0
    if command != "start":
        print(__doc__, file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with local_flowise() as flowise:
        print(json.dumps(flowise.summary()), flush=True)
        with suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
