"""The "chaos" flow the soak test runs against: faults drawn from each question with a fixed seed."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flowise_wire import end_frame, frame

if TYPE_CHECKING:
    # Only a type here: the handler's FlowiseWire holds a Chaos.
    from .handler import WireHandler

# What the chaos flow's `error` faults send, as Flowise wraps a provider's failure.
CHAOS_ERROR = "503 The model is overloaded. Please try again later."


_CHAOS_WORDS = (
    "the flow reads each token as it arrives and keeps what came before a fault so that nothing "
    "already shown is lost while the page waits for the model to finish its answer"
).split()


@dataclass(frozen=True)
class Chaos:
    """Faults the "chaos" flow injects: shares of answers cut mid-stream by a TCP reset, by an
    ``error`` event, or by silence (a stall of ``stall_seconds``); the rest complete."""

    seed: int = 0
    reset: float = 0.10
    error: float = 0.10
    stall: float = 0.05
    stall_seconds: float = 10.0
    tokens: int = 300
    token_delay: float = 0.0

    def _rng(self, question: str) -> random.Random:
        # Drawn from the question, not from the order requests arrive in, so that concurrent
        # sessions get the same fault in the same turn on every run with this seed.
        return random.Random(f"{self.seed}:{question}")

    def fault(self, question: str) -> str | None:
        """``"reset"``, ``"error"``, ``"stall"``, or None for an answer that completes."""
        roll = self._rng(question).random()
        for kind, share in (("reset", self.reset), ("error", self.error), ("stall", self.stall)):
            if roll < share:
                return kind
            roll -= share
        return None

    def cut(self, question: str) -> int:
        """How many tokens are sent before the fault: always some, never all."""
        rng = self._rng(question)
        rng.random()
        margin = max(1, min(20, self.tokens // 4))
        return rng.randint(margin, self.tokens - margin)

    def answer(self, question: str) -> list[str]:
        """The tokens of the whole answer: paragraphs of plain words, different for each question."""
        rng = random.Random(question)
        tokens: list[str] = []
        while len(tokens) < self.tokens:
            words = [rng.choice(_CHAOS_WORDS) for _ in range(rng.randint(30, 60))]
            paragraph = [" " + w for w in words]
            paragraph[0] = ("\n\n" if tokens else "") + words[0].capitalize()
            tokens += [*paragraph[:-1], paragraph[-1] + "."]
        return tokens[: self.tokens]


def chaotic(h: WireHandler, body: dict, streaming: bool) -> None:
    chaos, question, chat_id = h.wire.chaos, str(body.get("question", "")), body.get("chatId", "")
    fault = chaos.fault(question)
    tokens = chaos.answer(question)[: chaos.cut(question) if fault else None]
    reached_fault = False
    h.start_stream()
    try:
        h.chunk(frame("start", ""))
        for token in tokens:
            h.chunk(frame("token", token))
            time.sleep(chaos.token_delay)
        reached_fault = True
        # Counted when it starts: a stall lasts longer than the client waits.
        h.wire.injected.append((question, fault or "complete"))
        if fault == "reset":
            h.reset_connection()  # as when a proxy or the server process dies mid-answer
        elif fault == "stall":
            h.wait_for_shutdown(chaos.stall_seconds)
            h.close_connection = True
        else:
            if fault == "error":
                h.chunk(frame("error", f"Error: predictionsServices.buildChatflow - Error: {CHAOS_ERROR}"))
            else:
                meta = {
                    "chatId": chat_id,
                    "chatMessageId": f"chaos-{len(h.wire.received)}",
                    "question": question,
                    "sessionId": chat_id,
                    "memoryType": "Buffer Memory",
                }
                h.chunk(frame("metadata", meta))
            h.chunk(end_frame())
            h.end_stream()
    except OSError:
        if not reached_fault:
            h.wire.injected.append((question, "client-left"))
        h.close_connection = True
