"""Flows that answer: echoes, follow-up prompts, agents and agentflows, reasoning, hostile and huge
content; and the history a flow keeps of what it answered."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from flowise_wire import end_frame, frame, thinking_frame

from .flows import Scenario
from .handler import WireHandler


def echo(h: WireHandler, body: dict, streaming: bool) -> None:
    """Answers with what it received, so a test can see the request through the UI."""
    chat_id = body.get("chatId", "")
    text = f"You asked: {body.get('question', '')}"
    meta = {"chatId": chat_id, "chatMessageId": f"msg-{len(h.wire.received)}", "sessionId": chat_id}
    if streaming:
        h.stream(frame("start", "") + frame("token", text) + frame("metadata", meta) + end_frame())
    else:
        h.send_json(200, {"text": text, **meta})


def memory_metadata(h: WireHandler, body: dict) -> dict[str, Any]:
    """The metadata event of a flow with a Buffer Memory, for the question in ``body``."""
    chat_id = body.get("chatId", "")
    return {
        "chatId": chat_id,
        "chatMessageId": f"msg-{len(h.wire.received)}",
        "question": body.get("question", ""),
        "sessionId": chat_id,
        "memoryType": "Buffer Memory",
    }


FOLLOW_UPS = ["Почему Париж?", "And *Lyon*?"]


def follow_ups(h: WireHandler, body: dict, streaming: bool) -> None:
    """Answers with follow-up prompts in its metadata, as a flow with them enabled does: a JSON string."""
    meta = {**memory_metadata(h, body), "followUpPrompts": json.dumps(FOLLOW_UPS)}
    h.stream(
        frame("start", "") + frame("token", f"About {body.get('question', '')}") + frame("metadata", meta) + end_frame()
    )


TOOL_FAILURE = "Request failed with status code 503"


def agentflow_error(h: WireHandler, body: dict, streaming: bool) -> None:
    """An agentflow whose Agent node fails on a tool call, in the order buildAgentflow.ts and the
    Agent node stream it: the failed call in usedTools, the node and the run in ERROR, the error."""
    start = {
        "nodeId": "startAgentflow_0",
        "nodeLabel": "Start",
        "previousNodeIds": [],
        "status": "FINISHED",
        "data": {"id": "startAgentflow_0", "name": "startAgentflow", "output": {"question": body.get("question")}},
    }
    call = {"tool": "get_weather", "toolInput": {"city": "Paris"}, "toolOutput": ""}
    failed = {
        "nodeId": "agentAgentflow_0",
        "nodeLabel": "Weather Agent",
        "previousNodeIds": ["startAgentflow_0"],
        "status": "ERROR",
        "data": {"id": "agentAgentflow_0", "name": "agentAgentflow", "error": TOOL_FAILURE},
    }
    node = {"nodeId": "agentAgentflow_0", "nodeLabel": "Weather Agent"}
    h.stream_frames(
        frame("agentFlowEvent", "INPROGRESS")
        + frame("nextAgentFlow", {"nodeId": "startAgentflow_0", "nodeLabel": "Start", "status": "INPROGRESS"})
        + frame("nextAgentFlow", {"nodeId": "startAgentflow_0", "nodeLabel": "Start", "status": "FINISHED"})
        + frame("agentFlowExecutedData", [start])
        + frame("nextAgentFlow", {**node, "status": "INPROGRESS"})
        + frame("calledTools", [call])
        + frame("usedTools", [{**call, "error": TOOL_FAILURE}])
        + frame("nextAgentFlow", {**node, "status": "ERROR", "error": TOOL_FAILURE})
        + frame("agentFlowExecutedData", [start, failed])
        + frame("agentFlowEvent", "ERROR")
        + frame("error", f"Error: predictionsServices.buildChatflow - {TOOL_FAILURE}")
        + end_frame()
    )


# A supervisor and its worker, in the shapes Flowise's buildAgentGraph.ts streams them: the whole
# agentReasoning list again after each agent, nextAgent naming the worker it hands to, then the answer.
AGENT_REASONING = [
    {
        "agentName": "Supervisor",
        "messages": [],
        "next": "Researcher",
        "instructions": "Find how many people live in Paris.",
        "usedTools": [],
        "sourceDocuments": [],
        "artifacts": [],
        "state": {},
        "nodeId": "supervisor_0",
    },
    {
        "agentName": "Researcher",
        "messages": ["Paris had **2,102,650** inhabitants in 2023."],
        "usedTools": [{"tool": "search_population", "toolInput": {"city": "Paris"}, "toolOutput": "2102650 (2023)"}],
        "sourceDocuments": [
            {
                "pageContent": "Population légale de Paris en 2023 : 2 102 650 habitants.",
                "metadata": {"source": "insee.txt"},
            }
        ],
        "artifacts": [],
        "state": {},
        "nodeId": "worker_0",
    },
    {
        "agentName": "Supervisor",
        "messages": [],
        "next": "FINISH",
        "instructions": "The answer is ready.",
        "usedTools": [],
        "sourceDocuments": [],
        "artifacts": [],
        "state": {},
        "nodeId": "supervisor_0",
    },
]
AGENTS_ANSWER = "Около 2,1 миллиона человек: Paris had 2,102,650 inhabitants in 2023."


def agents(h: WireHandler, body: dict, streaming: bool) -> None:
    meta = memory_metadata(h, body)
    h.stream_frames(
        frame("start", AGENT_REASONING[:1])
        + frame("agentReasoning", AGENT_REASONING[:1])
        + frame("nextAgent", "Researcher")
        + frame("agentReasoning", AGENT_REASONING[:2])
        + frame("agentReasoning", AGENT_REASONING)
        + b"".join(frame("token", AGENTS_ANSWER[i : i + 6]) for i in range(0, len(AGENTS_ANSWER), 6))
        + frame("usedTools", AGENT_REASONING[1]["usedTools"])
        + frame("sourceDocuments", AGENT_REASONING[1]["sourceDocuments"])
        + frame("metadata", meta)
        + end_frame()
    )


# A reasoning model behind an agentflow's LLM node: its thoughts stream first, as `thinking` events.
THOUGHTS = ["The user asks about **France**. ", "Its capital is Paris; ", "answer briefly."]
THINKING_SECONDS = 3
REASONED_ANSWER = "The capital of France is Paris."


def reasoning(h: WireHandler, body: dict, streaming: bool) -> None:
    flow_id, chat_id = Scenario.REASONING, str(body.get("chatId", ""))
    question = str(body.get("question") or "")
    history = h.wire.history.setdefault((flow_id, chat_id), [])
    history.append(history_message(flow_id, chat_id, "userMessage", question))
    reason = {"thinking": "".join(THOUGHTS), "thinkingDuration": THINKING_SECONDS}
    answer = history_message(flow_id, chat_id, "apiMessage", REASONED_ANSWER, reasonContent=json.dumps(reason))
    history.append(answer)
    meta = {"chatId": chat_id, "chatMessageId": answer["id"], "question": question, "sessionId": chat_id}
    if not streaming:
        h.send_json(200, {"text": REASONED_ANSWER, **meta})
        return
    h.stream_frames(
        frame("start", "")
        + b"".join(thinking_frame(part) for part in THOUGHTS)
        + thinking_frame("", THINKING_SECONDS)
        + b"".join(frame("token", word) for word in re.findall(r"\S+\s*", REASONED_ANSWER))
        + frame("metadata", meta)
        + end_frame()
    )


# Markup and link targets a flow could send to run script in, or lead away from, the chat page;
# each payload would set window.__pwned or open a dialog.
HOSTILE_ANSWER = [
    "Report on <b>bold</b> claims.\n\n",
    "<script>window.__pwned = 'script'; alert('script')</script>\n\n",
    "<img src=x onerror=\"window.__pwned='img'; alert('img')\"> and ",
    "<iframe src=\"javascript:window.__pwned='iframe'\"></iframe>\n\n",
    "[Click me](javascript:window.__pwned='link';alert('link')) · "
    "[Data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) · ",
    "[File](file:///etc/passwd) · [VB](vbscript:msgbox(1)) · [Hidden](jav&#x61;script&#58;alert('entity')) · ",
    "<javascript:alert('autolink')> · [ref link][r] · $\\href{javascript:alert('katex')}{tex}$\n\n",
    "Reversed: \u202eexe.txt\u202c and a bell\u0007.\n\n",
    "The [real docs](https://docs.flowiseai.com/) are fine.\n\n",
    "[r]: javascript:alert('reference')\n",
]
HOSTILE_SOURCES = [
    {
        "pageContent": "<script>alert('page')</script><img src=x onerror=alert('page-img')> \u202egnp.exe\u202c",
        "metadata": {
            "title": "<img src=x onerror=\"window.__pwned='title'\">",
            "source": "javascript:alert('source')",
            "url": "javascript:alert('url')",
        },
    },
    {
        "pageContent": "<iframe src=\"javascript:alert('page-iframe')\"></iframe>",
        "metadata": {
            "title": "[Evil](javascript:alert('title-link'))",
            "source": "<iframe src=javascript:alert(1)>",
            "url": "data:text/html,<script>alert('data')</script>",
        },
    },
]
HOSTILE_TOOLS = [
    {
        "tool": "<script>alert('tool')</script>",
        "toolInput": {"html": "<iframe src=\"javascript:alert('tool-input')\"></iframe>"},
        "toolOutput": "<img src=x onerror=\"window.__pwned='tool'\"> [x](javascript:alert('tool-output'))",
    }
]


HOSTILE_ERROR = "Error: <img src=x onerror=\"window.__pwned='error'\"> see [help](data:text/html,<b>x</b>) \u202eevil"


def hostile(h: WireHandler, body: dict, streaming: bool) -> None:
    tokens = b"".join(frame("token", token) for token in HOSTILE_ANSWER)
    h.stream(
        frame("start", "")
        + tokens
        + frame("sourceDocuments", HOSTILE_SOURCES)
        + frame("usedTools", HOSTILE_TOOLS)
        + frame("error", HOSTILE_ERROR)
        + end_frame()
    )


HUGE_TEXT = "BEGIN " + "lorem ipsum " * 1000 + "END-OF-TEXT"


def huge(h: WireHandler, body: dict, streaming: bool) -> None:
    """A source document and a tool output far longer than anyone reads in a chat."""
    h.stream(
        frame("start", "")
        + frame("token", "Short answer.")
        + frame("sourceDocuments", [{"pageContent": HUGE_TEXT, "metadata": {"source": "big.txt"}}])
        + frame("usedTools", [{"tool": "dump", "toolInput": {"n": 1}, "toolOutput": HUGE_TEXT}])
        + end_frame()
    )


def history_message(flow_id: str, chat_id: str, role: str, content: str, **fields: Any) -> dict[str, Any]:
    base = {
        "id": f"{role}-{time.monotonic_ns()}",
        "role": role,
        "chatflowid": flow_id,
        "executionId": None,
        "content": content,
        "sourceDocuments": None,
        "usedTools": None,
        "fileAnnotations": None,
        "agentReasoning": None,
        "reasonContent": None,
        "fileUploads": None,
        "artifacts": None,
        "action": None,
        "chatType": "EXTERNAL",
        "chatId": chat_id,
        "memoryType": None,
        "sessionId": chat_id,
        "createdDate": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "leadEmail": None,
        "followUpPrompts": None,
        "execution": None,
    }
    return {**base, **fields}


def answer_and_keep(
    h: WireHandler,
    flow_id: str,
    body: dict,
    streaming: bool,
    text: str,
    question: str,
    uploads: list[dict[str, Any]] | None,
    chunk_size: int = 7,
    **extra: Any,
) -> None:
    """Streams (or returns as JSON) ``text`` and ``extra`` events, and keeps the exchange as history."""
    chat_id = str(body.get("chatId", ""))
    history = h.wire.history.setdefault((flow_id, chat_id), [])
    history.append(history_message(flow_id, chat_id, "userMessage", question, fileUploads=uploads or None))
    answer = history_message(flow_id, chat_id, "apiMessage", text, **{k: v for k, v in extra.items()})
    history.append(answer)
    meta = {"chatId": chat_id, "chatMessageId": answer["id"], "question": question, "sessionId": chat_id}
    if not streaming:
        h.send_json(200, {"text": text, **extra, **meta})
        return
    events = frame("start", "") + b"".join(frame("token", word) for word in re.findall(r"\S+\s*", text))
    events += b"".join(frame(name, value) for name, value in extra.items())
    h.stream(events + frame("metadata", meta) + end_frame(), chunk_size)
