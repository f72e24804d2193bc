"""The bytes recorded from a real Flowise 3.1.4, which the stand-in replays."""

from __future__ import annotations

from pathlib import Path

# What the stand-in LLM (testbed/llm_standin.py) answered when the recordings were made, and its answer in a
# conversation's second turn, as most recorded flows have memory and were asked twice.
RECORDED_GREETING = "Привет! Это детерминированный ответ 🙂"
RECORDED_ANSWER = f"{RECORDED_GREETING}. The capital of France is Paris."
RECORDED_SECOND_TURN = f"{RECORDED_ANSWER} (turn 2)"
FIXTURES = Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures" / "flowise-3.1.4"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
