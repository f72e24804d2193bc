"""Budgets of the whole app in headless Chromium: answers streaming at once, and the answer of a tab
that was closed, against the local Flowise-wire server."""

from __future__ import annotations

import time

from playwright.sync_api import Page, expect

from testbed.browser import assistant_messages, open_page, send
from testbed.wire.flows import Scenario
from testbed.wire.handler import FlowiseWire

BUSY = "This chat is answering as many questions as it can at once (1). Yours was not sent."


def _aborted(wire: FlowiseWire, question: str, seconds: float) -> bool:
    """Whether Flowise was asked to stop the answer to ``question`` within ``seconds``."""
    (asked,) = [r for r in wire.predictions(Scenario.SLOW) if r.body["question"] == question]
    path = f"/api/v1/chatmessage/abort/slow/{asked.body['chatId']}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(r.method == "PUT" and r.path == path for r in wire.received):
            return True
        time.sleep(0.1)
    return False


def _streaming(page: Page) -> None:
    expect(assistant_messages(page).last).to_contain_text("3 ", timeout=20_000)


def test_a_visitor_asking_while_the_only_answer_streams_is_refused_then_answered(browser, apps, slow_wire):
    app = apps(Scenario.SLOW, MAX_CONCURRENT_ANSWERS="1")
    first, second = open_page(browser, app.url), open_page(browser, app.url)
    send(first, "Count slowly for the first visitor")
    _streaming(first)
    sent = len(slow_wire.predictions(Scenario.SLOW))
    send(second, "My turn?")
    expect(second.get_by_text(BUSY)).to_be_visible(timeout=10_000)
    expect(second.get_by_test_id("stChatInputTextArea")).to_have_value("My turn?")
    assert len(slow_wire.predictions(Scenario.SLOW)) == sent
    first.get_by_role("button", name="Stop generating").click()
    expect(first.get_by_text("You stopped this answer.")).to_be_visible(timeout=10_000)
    second.get_by_test_id("stChatInputTextArea").press("Enter")  # the question given back, sent as it is
    _streaming(second)
    assert slow_wire.predictions(Scenario.SLOW)[-1].body["question"] == "My turn?"
    second.get_by_role("button", name="Stop generating").click()
    expect(second.get_by_text("You stopped this answer.")).to_be_visible(timeout=10_000)
    first.context.close()
    second.context.close()


def test_closing_the_tab_aborts_its_answer_in_flowise_and_gives_back_its_slot(browser, apps, slow_wire):
    app = apps(Scenario.SLOW, MAX_CONCURRENT_ANSWERS="1")
    page = open_page(browser, app.url)
    send(page, "Count slowly, then the tab closes")
    _streaming(page)
    page.context.close()
    assert _aborted(slow_wire, "Count slowly, then the tab closes", seconds=5)
    other = open_page(browser, app.url)
    send(other, "The next visitor")
    _streaming(other)
    other.context.close()
    assert _aborted(slow_wire, "The next visitor", seconds=5)


def test_a_new_question_while_an_answer_streams_aborts_nothing_in_its_chat(browser, apps, slow_wire):
    """Streamlit stops the streaming run for the next one too (fast reruns); Flowise aborts by chat,
    so an abort sent then would stop the new answer of the same conversation."""
    page = open_page(browser, apps(Scenario.SLOW).url)
    send(page, "Count slowly, then be interrupted")
    _streaming(page)
    send(page, "The question that interrupts")
    expect(assistant_messages(page)).to_have_count(2, timeout=10_000)
    expect(assistant_messages(page).last).to_contain_text("3 ", timeout=20_000)
    assert slow_wire.predictions(Scenario.SLOW)[-1].body["question"] == "The question that interrupts"
    assert not _aborted(slow_wire, "Count slowly, then be interrupted", seconds=2)
    page.get_by_role("button", name="Stop generating").last.click()
    expect(assistant_messages(page).last.get_by_text("You stopped this answer.")).to_be_visible(timeout=10_000)
    page.context.close()
