"""What a buffer memory and Flowise's message store would keep for the demo: each chat's messages,
so that its turns are numbered and a linked conversation can be read back."""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

MEMORY_TYPE = "Buffer Memory"


class ChatLog:
    """The stored messages of the most recently active chats only, so a long-running app stays small.

    Not locked: the server calls it only from its event loop's thread.
    """

    def __init__(self, flow_id: str, capacity: int = 1000, messages_per_chat: int = 200) -> None:
        self._flow_id = flow_id
        self._capacity = capacity
        self._messages_per_chat = messages_per_chat
        self._chats: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self._asked: dict[str, int] = {}

    def next_turn(self, chat_id: str) -> int:
        """Counts a new question in this chat and returns its number, starting at 1."""
        self._touch(chat_id)
        self._asked[chat_id] = self._asked.get(chat_id, 0) + 1
        return self._asked[chat_id]

    def record(
        self,
        chat_id: str,
        question: str,
        answer: str,
        message_id: str,
        *,
        sources: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        follow_ups: list[str],
    ) -> None:
        """Stores a question and its answer as the rows Flowise's chat history API returns."""
        messages = self._touch(chat_id)
        messages.append(self._row(chat_id, str(uuid.uuid4()), "userMessage", question))
        messages.append(
            self._row(
                chat_id,
                message_id,
                "apiMessage",
                answer,
                sourceDocuments=sources or None,
                usedTools=tools or None,
                # Flowise keeps the follow-ups as a JSON string in its table and returns them that way.
                followUpPrompts=json.dumps(follow_ups) if follow_ups else None,
            )
        )
        del messages[: -self._messages_per_chat]

    def messages(self, chat_id: str, newest_first: bool = False) -> list[dict[str, Any]]:
        messages = list(self._chats.get(chat_id, ()))
        return messages[::-1] if newest_first else messages

    def _touch(self, chat_id: str) -> list[dict[str, Any]]:
        messages = self._chats.pop(chat_id, [])
        self._chats[chat_id] = messages  # re-inserted, so it is now the most recent
        while len(self._chats) > self._capacity:
            forgotten, _ = self._chats.popitem(last=False)
            self._asked.pop(forgotten, None)
        return messages

    def _row(self, chat_id: str, message_id: str, role: str, content: str, **extra: Any) -> dict[str, Any]:
        created = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return {
            "id": message_id,
            "role": role,
            "chatflowid": self._flow_id,
            "content": content,
            "sourceDocuments": None,
            "usedTools": None,
            "followUpPrompts": None,
            **extra,
            "chatType": "EXTERNAL",
            "chatId": chat_id,
            "memoryType": MEMORY_TYPE,
            "sessionId": chat_id,
            "createdDate": created,
        }
