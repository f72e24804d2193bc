"""The little a buffer memory would let the demo know: how many questions each chat has asked."""

from __future__ import annotations

from collections import OrderedDict


class TurnCounter:
    """Turns per chat id, for the most recently active chats only, so a long-running app stays small.

    Not locked: the server calls it only from its event loop's thread.
    """

    def __init__(self, capacity: int = 1000) -> None:
        self._capacity = capacity
        self._turns: OrderedDict[str, int] = OrderedDict()

    def next_turn(self, chat_id: str) -> int:
        """Counts a new question in this chat and returns its number, starting at 1."""
        turn = self._turns.pop(chat_id, 0) + 1
        self._turns[chat_id] = turn  # re-inserted, so it is now the most recent
        while len(self._turns) > self._capacity:
            self._turns.popitem(last=False)
        return turn
