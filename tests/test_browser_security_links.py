"""Conversation links as an attacker uses them, in Chromium against the Flowise-wire server: planted,
guessed, tampered, traversing and Markdown-laden links, and what the page and its address disclose."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from markdown_it import MarkdownIt
from playwright.sync_api import Page, expect

from testbed.browser import assistant_messages, open_page, send, streamlit_app
from testbed.wire.flows import API_KEY, HIDDEN_FLOW_IDS, Scenario

SIGNED = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.[0-9a-f]{32}")
REFUSED = "does not lead to a conversation started in this app"


def linked_chat(page: Page) -> str:
    """The conversation id in the page's address, once the app has put one there."""
    page.wait_for_function("() => new URLSearchParams(location.search).get('chat')")
    return parse_qs(urlsplit(page.url).query)["chat"][0]


def history_requests(wire, since: int) -> list:
    return [r for r in wire.received[since:] if r.path.startswith("/api/v1/chatmessage/") and "/abort/" not in r.path]


def test_a_planted_link_does_not_catch_what_the_victim_says(browser, apps, slow_wire):
    app = apps(Scenario.IMAGES, FLOWISE_API_KEY=API_KEY)
    before = len(slow_wire.received)
    victim = open_page(browser, f"{app.url}/?chat=attacker-chosen")
    expect(victim.get_by_text(REFUSED)).to_be_visible()
    send(victim, "My card number is 4111 1111")
    expect(assistant_messages(victim).last).to_contain_text("Question: My card number is 4111 1111", timeout=20_000)
    stored_under = slow_wire.predictions(Scenario.IMAGES)[-1].body["chatId"]
    assert SIGNED.fullmatch(stored_under) and linked_chat(victim) == stored_under
    assert not history_requests(slow_wire, before)  # the planted id was never looked up

    # The attacker's link, opened later, shows nothing of it, and asks Flowise for nothing.
    attacker = open_page(browser, f"{app.url}/?chat=attacker-chosen")
    expect(attacker.get_by_text(REFUSED)).to_be_visible()
    expect(attacker.get_by_test_id("stChatMessage")).to_have_count(0)
    assert "4111" not in attacker.content()
    assert not [r for r in slow_wire.received[before:] if "attacker-chosen" in r.path + json.dumps(r.body, default=str)]

    # The victim's own link, the one the app made, still brings the conversation back in another browser.
    restored = open_page(browser, victim.url)
    expect(restored.get_by_test_id("stChatMessage").first).to_contain_text(
        "My card number is 4111 1111", timeout=20_000
    )
    assert linked_chat(restored) == stored_under
    expect(restored.get_by_text(REFUSED)).to_have_count(0)


def test_guessed_and_tampered_links_are_refused_without_asking_flowise(browser, apps, slow_wire):
    app = apps(Scenario.IMAGES, FLOWISE_API_KEY=API_KEY)
    own = linked_chat(open_page(browser, app.url))
    tampered = own[:-1] + ("0" if own[-1] != "0" else "1")
    for linked in ("session-1", own.split(".")[0], tampered):
        before = len(slow_wire.received)
        page = open_page(browser, f"{app.url}/?chat={linked}")
        expect(page.get_by_text(REFUSED)).to_be_visible()
        assert linked_chat(page) != linked and SIGNED.fullmatch(linked_chat(page))
        expect(page.get_by_test_id("stChatMessage")).to_have_count(0)
        assert not history_requests(slow_wire, before), linked
        page.context.close()


# Where the API key may go: the flow's prediction, its chat history, the flow itself, its vector store.
KEYED_PATHS = (
    "/api/v1/prediction/slow",
    "/api/v1/chatmessage/slow?",
    "/api/v1/chatflows/slow",
    "/api/v1/vector/upsert/slow",
)


def test_a_traversing_link_then_stop_sends_nothing_anywhere_else(browser, apps, slow_wire):
    app = apps(Scenario.SLOW, FLOWISE_API_KEY=API_KEY)
    before = len(slow_wire.received)
    page = open_page(browser, f"{app.url}/?chat=../../../chatflows/X")
    expect(page.get_by_text(REFUSED)).to_be_visible()
    send(page, "Count slowly")
    expect(assistant_messages(page).last).to_contain_text("5 ", timeout=20_000)
    page.get_by_role("button", name="Stop generating").click()
    chat = linked_chat(page)
    deadline = time.monotonic() + 10
    # Other tests' closed pages abort their own answers on the same server: only this chat's count.
    while time.monotonic() < deadline and not [r for r in slow_wire.received[before:] if r.path.endswith(chat)]:
        page.wait_for_timeout(100)
    received = slow_wire.received[before:]
    (abort,) = [r for r in received if "/abort/" in r.path and r.path.endswith(chat)]
    assert (abort.method, abort.path) == ("PUT", f"/api/v1/chatmessage/abort/slow/{chat}") and SIGNED.fullmatch(chat)
    assert not [r for r in received if "chatflows/X" in r.path or (r.method == "PUT" and "/chatflows/" in r.path)]
    keyed = [r for r in received if "Authorization" in r.headers]
    assert keyed and all(r.path.startswith(KEYED_PATHS) for r in keyed), [r.path for r in keyed]
    assert "Authorization" not in abort.headers


PHISHING = "x` [Sign in again](https://phish.example/login) ![](https://phish.example/pixel.png) `y"


def test_markdown_in_the_link_never_becomes_a_link_or_an_image(browser, apps, slow_wire, tmp_path):
    page = open_page(browser, f"{apps('echo').url}/?chat={quote(PHISHING)}")
    expect(page.get_by_text(REFUSED)).to_be_visible()
    send(page, "Hello")
    expect(assistant_messages(page).last).to_contain_text("You asked: Hello", timeout=20_000)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Download as Markdown")).to_be_visible()
    expect(page.locator("a[href*='phish'], img[src*='phish']")).to_have_count(0)
    assert "Sign in again" not in sidebar.inner_text() and "phish.example" not in page.content()
    with page.expect_download() as download:
        sidebar.get_by_text("Download as Markdown").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    html = MarkdownIt().render(exported)
    assert "phish" not in exported and "<a " not in html and "<img" not in html
    assert f"Conversation id: `{linked_chat(page)}`" in exported


def test_the_page_and_its_address_name_flows_without_ids_or_the_flowise_address(browser, slow_wire, tmp_path):
    flows = [
        {"name": "Sales assistant", "id": HIDDEN_FLOW_IDS[0], "api_key": API_KEY},
        {"name": "Support desk", "id": HIDDEN_FLOW_IDS[1], "api_key": API_KEY},
    ]
    host = slow_wire.url.removeprefix("http://")
    with streamlit_app(tmp_path, FLOWISE_URL=slow_wire.url, FLOWISE_FLOWS=json.dumps(flows)) as app:
        page = open_page(browser, app.url)
        sidebar = page.get_by_test_id("stSidebar")
        send(page, "Hello, sales")
        expect(assistant_messages(page).last).to_contain_text("You asked: Hello, sales", timeout=20_000)
        expect(sidebar).to_contain_text("Flowise reached", timeout=20_000)
        page.wait_for_function("() => new URLSearchParams(location.search).get('flow') === 'sales-assistant'")
        sidebar.get_by_test_id("stRadio").get_by_text("Support desk", exact=True).click()
        page.wait_for_function("() => new URLSearchParams(location.search).get('flow') === 'support-desk'")
        expect(sidebar).to_contain_text("Flow name: Support desk", timeout=20_000)
        for shown in (page.content(), page.url, sidebar.inner_text()):
            assert host not in shown and not any(flow_id in shown for flow_id in HIDDEN_FLOW_IDS)

        # The address the app made opens the same flow's conversation in another browser.
        support_chat = linked_chat(page)
        linked = open_page(browser, page.url)
        expect(linked.get_by_test_id("stSidebar").get_by_role("radio", name="Support desk")).to_be_checked()
        expect(assistant_messages(linked)).to_have_count(2, timeout=20_000)  # the wire server's recorded history
        assert linked_chat(linked) == support_chat
        assert host not in linked.content() and API_KEY not in app.log()
