"""A conversation rebuilt from Flowise's chat history, turn by turn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from flowise_client import StoredMessage, StoredUpload
from flowise_client.events import AgentFlowExecutedDataEvent, FlowiseEvent
from flowise_client.human_input import stored_decision

from .attachments import Attachment, attachment
from .turn import AnswerState, Turn

# Reads a file Flowise stores with the conversation, by name; None if it cannot.
FetchFile = Callable[[str], bytes | None]


def turns_from_history(messages: list[StoredMessage], fetch: FetchFile | None = None) -> list[Turn]:
    """Each question with its files and the answer stored after it, its sources, tools, steps and
    message id. With ``fetch``, the images sent with questions are read back for their thumbnails.

    An agentflow that stopped for a person's approval stores their reply as a question and what
    followed as another answer, all in the same run: they are put back into one turn, as they were
    shown."""
    turns: list[Turn] = []
    run = ""  # the agentflow run of the last answer
    for message in messages:
        if message.is_question:
            if run and message.execution_id == run and turns[-1].state is AnswerState.COMPLETE:
                approve = stored_decision(message.content)
                turns[-1].resume(approve, "" if approve is not None else message.content)
                continue
            files = [_attachment(upload, fetch) for upload in message.file_uploads]
            turns.append(Turn(message.content, asked_at=_when(message.created), attachments=files))
            run = ""
        elif message.is_answer and turns and turns[-1].state is not AnswerState.COMPLETE:
            for event in message.events:
                turns[-1].apply(event)
            run = message.execution_id
            _recall_choices(turns[-1], message.events)
    return turns


def _attachment(upload: StoredUpload, fetch: FetchFile | None) -> Attachment:
    # Only files in Flowise's storage are read back; a "url" upload points elsewhere.
    stored = upload.in_storage and upload.mime.startswith("image/")
    return attachment(upload.name, upload.mime, fetch(upload.name) if stored and fetch is not None else None)


def _recall_choices(turn: Turn, events: tuple[FlowiseEvent, ...]) -> None:
    """A reply with a comment does not say whether it approved: the run's Human Input nodes do."""
    nodes = next((e.nodes for e in events if isinstance(e, AgentFlowExecutedDataEvent)), ())
    kinds = [node.human_choice for node in nodes if node.is_human_input and node.status == "FINISHED"]
    turn.decisions[:] = [
        replace(decision, approve=kind == "proceed")
        if decision.approve is None and kind in ("proceed", "reject")
        else decision
        for decision, kind in zip(turn.decisions, kinds + [""] * len(turn.decisions), strict=False)
    ]


def _when(created: str) -> datetime:
    try:
        return datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now().astimezone()
