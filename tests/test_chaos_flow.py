"""The "chaos" flow the soak test (benchmarks/soak.py) runs against: its faults are reproducible for
a seed, come in the stated shares, and reach the client as the faults they claim to be."""

from __future__ import annotations

from collections import Counter

import pytest

from flowise_client import FlowiseClient, Timeouts
from flowise_client.errors import FlowiseConnectionLostError, FlowiseStreamError, FlowiseTimeoutError
from flowise_client.events import TokenEvent
from testbed.wire.chaos import CHAOS_ERROR, Chaos
from testbed.wire.flows import Scenario
from testbed.wire.server import start_wire

QUESTIONS = [f"session {s} question {q}" for s in range(100) for q in range(20)]


def test_the_same_seed_injects_the_same_faults_and_another_seed_others():
    plan = [(Chaos(seed=7).fault(q), Chaos(seed=7).cut(q)) for q in QUESTIONS]
    assert plan == [(Chaos(seed=7).fault(q), Chaos(seed=7).cut(q)) for q in QUESTIONS]
    assert plan != [(Chaos(seed=8).fault(q), Chaos(seed=8).cut(q)) for q in QUESTIONS]


def test_faults_come_in_the_stated_shares():
    shares = Counter(Chaos(seed=1).fault(q) for q in QUESTIONS)
    total = len(QUESTIONS)
    assert shares["reset"] / total == pytest.approx(0.10, abs=0.02)
    assert shares["error"] / total == pytest.approx(0.10, abs=0.02)
    assert shares["stall"] / total == pytest.approx(0.05, abs=0.015)
    assert shares[None] / total == pytest.approx(0.75, abs=0.03)


@pytest.fixture(scope="module")
def chaos_wire():
    # Paced so that the response headers are read well before a fault, as with a real model.
    server = start_wire(chaos=Chaos(seed=3, tokens=60, token_delay=0.002, stall_seconds=2))
    yield server
    server.stop()


def _first_question(chaos: Chaos, fault: str | None) -> str:
    return next(q for q in QUESTIONS if chaos.fault(q) == fault)


def _ask(wire, question: str) -> tuple[str, Exception | None]:
    """The text that arrived, and the error the answer ended with (if any)."""
    client = FlowiseClient(wire.url, timeouts=Timeouts(read=0.5))
    parts: list[str] = []
    try:
        with client.predict(Scenario.CHAOS, question, "chat-1") as events:
            for event in events:
                if isinstance(event, TokenEvent):
                    parts.append(event.text)
    except Exception as exc:
        return "".join(parts), exc
    finally:
        client.close()
    return "".join(parts), None


def test_an_answer_without_a_fault_arrives_whole(chaos_wire):
    question = _first_question(chaos_wire.chaos, None)
    text, error = _ask(chaos_wire, question)
    assert error is None
    assert text == "".join(chaos_wire.chaos.answer(question))
    assert (question, "complete") in chaos_wire.injected


@pytest.mark.parametrize(
    ("fault", "error_type"),
    [("reset", FlowiseConnectionLostError), ("error", FlowiseStreamError), ("stall", FlowiseTimeoutError)],
)
def test_each_fault_cuts_the_answer_mid_stream_as_the_client_sees_it(chaos_wire, fault, error_type):
    chaos = chaos_wire.chaos
    question = _first_question(chaos, fault)
    text, error = _ask(chaos_wire, question)
    assert isinstance(error, error_type), error
    sent = "".join(chaos.answer(question)[: chaos.cut(question)])
    if fault == "reset":
        # A reset may throw away what was still in flight, but never adds to it.
        assert sent.startswith(text)
    else:
        assert text == sent
    if fault == "error":
        assert CHAOS_ERROR in str(error)
    assert (question, fault) in chaos_wire.injected
