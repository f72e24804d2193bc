"""The bytes recorded from a real Flowise 3.1.4, which the stand-in replays."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures" / "flowise-3.1.4"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
