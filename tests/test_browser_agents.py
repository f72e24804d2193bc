"""Agent steps and human input in headless Chromium: the real app against the local Flowise-wire
server's recorded agentflow, slowed down so that its steps can be watched as they happen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, expect

from testbed.browser import assistant_messages, open_page, send
from testbed.wire.flows import Scenario
from testbed.wire.recordings import RECORDED_SECOND_TURN
from testbed.wire.server import start_wire


@pytest.fixture(scope="module")
def slow_wire():
    # Each step of the flow takes a moment, as a real agent's would.
    server = start_wire(token_delay=0.05, step_delay=0.6)
    yield server
    server.stop()


def steps_box(answer: Locator) -> Locator:
    return answer.get_by_test_id("stExpander").first


def expect_closed(box: Locator) -> None:
    expect(box.locator("details")).not_to_have_attribute("open", "")


def test_agentflow_steps_live_then_closed_and_proceed_goes_on_in_the_same_bubble(browser, apps, slow_wire):
    page = open_page(browser, apps(Scenario.HUMAN_INPUT).url)
    send(page, "What is 12 * 7 ?")
    answer = assistant_messages(page).last
    box = steps_box(answer)
    # While the flow works, its box is open and says what is going on right now.
    expect(box).to_contain_text("Working: Calculator Agent…", timeout=20_000)
    expect(box.get_by_text("Start", exact=True)).to_be_visible()
    expect(box).to_contain_text("Calling calculator", timeout=10_000)
    expect(box).to_contain_text("Paused at Approval for your decision", timeout=20_000)
    expect_closed(box)
    expect(answer).to_contain_text("Shall I write the final answer?")
    expect(answer.get_by_text("The flow is waiting for your decision.")).to_be_visible()

    answer.get_by_role("button", name="Proceed").click()
    expect(box).to_contain_text("Working: Writer…", timeout=20_000)
    # While the flow goes on, the buttons of the decision made are gone, not left faded and clickable.
    expect(page.get_by_role("button", name="Proceed")).to_have_count(0)
    expect(page.get_by_label("Comment (optional)")).to_have_count(0)
    expect(answer).to_contain_text("You chose to proceed.")
    expect(box).to_contain_text("Steps: 4", timeout=20_000)
    expect_closed(box)
    expect(answer).to_contain_text(RECORDED_SECOND_TURN)
    # One question, one answer: the flow went on in the same bubble, under the first part.
    expect(assistant_messages(page)).to_have_count(1)
    text = answer.inner_text()
    assert (
        text.index("Shall I write the final answer?") < text.index("You chose to proceed.") < text.index("The capital")
    )
    expect(answer.get_by_role("button", name="Proceed")).to_have_count(0)
    chat_id = slow_wire.predictions(Scenario.HUMAN_INPUT)[0].body["chatId"]
    assert slow_wire.predictions(Scenario.HUMAN_INPUT)[-1].body == {
        "question": "Proceed",
        "chatId": chat_id,
        "streaming": True,
        "humanInput": {"type": "proceed", "startNodeId": "humanInputAgentflow_0", "feedback": ""},
    }
    # Opened, the closed box lists each node with its tools.
    box.get_by_text("Steps: 4").click()
    expect(box.get_by_text("Writer", exact=True)).to_be_visible()
    expect(box.get_by_text("Tools: calculator")).to_be_visible()


def test_reject_with_a_comment_round_trip(browser, apps, slow_wire):
    page = open_page(browser, apps(Scenario.HUMAN_INPUT).url)
    send(page, "What is 12 * 7 ?")
    answer = assistant_messages(page).last
    expect(answer.get_by_role("button", name="Reject")).to_be_visible(timeout=30_000)
    # Typed, then the button clicked straight away, without Enter: the comment goes with the choice.
    answer.get_by_label("Comment (optional)").fill("Not now, thanks")
    answer.get_by_role("button", name="Reject").click()
    expect(answer).to_contain_text("Understood: nothing more will be done.", timeout=20_000)
    expect(answer).to_contain_text("You rejected: Not now, thanks")
    expect(assistant_messages(page)).to_have_count(1)
    expect(steps_box(answer)).to_contain_text("Steps: 4", timeout=10_000)
    reply = slow_wire.predictions(Scenario.HUMAN_INPUT)[-1].body
    assert reply["question"] == "Not now, thanks"
    assert reply["humanInput"] == {
        "type": "reject",
        "startNodeId": "humanInputAgentflow_0",
        "feedback": "Not now, thanks",
    }
