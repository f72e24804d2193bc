"""Takes the README's screenshots: the real app in headless Chromium, against the built-in demo flow
or the stand-in Flowise server (testbed/wire).

    python -m scripts.readme_screenshots            # all of them, into docs/screenshots/
    python -m scripts.readme_screenshots welcome    # only the ones named
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

from testbed.browser import CHROMIUM, CHROMIUM_FLAGS, assistant_messages, open_page, send, streamlit_app
from testbed.wire.media import png
from testbed.wire.server import start_wire

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "docs" / "screenshots"
DEPLOY = "How do I deploy to Streamlit Community Cloud?"


def _save(page: Page, name: str) -> None:
    page.mouse.move(0, 0)  # no hover highlight in the picture
    page.wait_for_timeout(800)  # expanders and fades finish
    # Streamlit scrolls inside its main area, so a full-page shot would cut there: grow the window instead.
    height = page.evaluate("Math.max(...[...document.querySelectorAll('section, div')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": max(height + 160, 400)})
    page.wait_for_timeout(500)
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    print(f"docs/screenshots/{name}.png")


def welcome(browser: Browser, tmp: Path) -> None:
    """A new chat: the flow's welcome message and starter prompts."""
    with streamlit_app(tmp) as app:
        page = open_page(browser, app.url, height=800)
        expect(page.get_by_role("button", name=DEPLOY)).to_be_visible()
        _save(page, "welcome")


def answer(browser: Browser, tmp: Path) -> None:
    """An answer with its tools open, its feedback, caption and follow-up prompts."""
    with streamlit_app(tmp) as app:
        page = open_page(browser, app.url, height=1250)
        send(page, "What is 12.5% of 2,480, and where do I set the API key?")
        reply = assistant_messages(page).last
        expect(reply.get_by_text("Tools used (1)")).to_be_visible(timeout=30_000)
        reply.get_by_text("Tools used (1)").click()
        expect(reply.get_by_test_id("stFeedback")).to_be_visible()
        _save(page, "answer")


def russian(browser: Browser, tmp: Path) -> None:
    """A browser set to Russian: the interface in Russian, the flow's answer as the flow wrote it."""
    with streamlit_app(tmp) as app:
        page = open_page(browser, app.url, height=800, locale="ru-RU")
        send(page, "Как развернуть приложение в Streamlit Community Cloud?")
        expect(assistant_messages(page).last.get_by_test_id("stFeedback")).to_be_visible(timeout=30_000)
        _save(page, "russian")


def stopped(browser: Browser, tmp: Path) -> None:
    """An answer stopped half-way with "Stop generating"."""
    wire = start_wire()
    try:
        with streamlit_app(tmp, FLOWISE_URL=wire.url, FLOWISE_FLOW_ID="slow") as app:
            page = open_page(browser, app.url, height=600)
            send(page, "Count slowly, please")
            expect(assistant_messages(page).last).to_contain_text("12 ", timeout=30_000)
            page.get_by_role("button", name="Stop generating").click()
            expect(page.get_by_text("You stopped this answer.")).to_be_visible(timeout=10_000)
            _save(page, "stopped")
    finally:
        wire.stop()


def flows(browser: Browser, tmp: Path) -> None:
    """Several flows in the sidebar, each with its own conversation."""
    wire = start_wire()
    listed = [
        {"name": "Facts about France", "id": "rag", "description": "Answers from the *France* documents"},
        {"name": "Calculator agent", "id": "agent", "description": "Does arithmetic with a tool"},
    ]
    try:
        with streamlit_app(tmp, FLOWISE_URL=wire.url, FLOWISE_FLOWS=json.dumps(listed)) as app:
            page = open_page(browser, app.url, height=700)
            page.get_by_test_id("stSidebar").get_by_text("Calculator agent", exact=True).click()
            send(page, "What is 2140526 / 105.4 ?")
            expect(assistant_messages(page).last.get_by_text("Tools used (1)")).to_be_visible(timeout=30_000)
            _save(page, "flows")
    finally:
        wire.stop()


def files(browser: Browser, tmp: Path) -> None:
    """A question with a picture attached, and an answer that brings a chart, HTML and a file."""
    wire = start_wire()
    try:
        with streamlit_app(tmp, FLOWISE_URL=wire.url, FLOWISE_FLOW_ID="images") as app:
            page = open_page(browser, app.url, height=700)
            page.get_by_test_id("stChatInput").locator("input[type=file]").set_input_files(
                files=[{"name": "photo.png", "mimeType": "image/png", "buffer": png(240, 150, (40, 110, 190))}]
            )
            expect(page.get_by_test_id("stChatInput").get_by_role("button", name="Remove photo.png")).to_be_visible()
            send(page, "What is in this picture?")
            expect(assistant_messages(page).last).to_contain_text("photo.png", timeout=30_000)
            _save(page, "upload")
        with streamlit_app(tmp, FLOWISE_URL=wire.url, FLOWISE_FLOW_ID="artifacts") as app:
            page = open_page(browser, app.url, height=700)
            send(page, "Make me a chart")
            answer = assistant_messages(page).last
            expect(answer.get_by_role("button", name="Download report.csv")).to_be_visible(timeout=30_000)
            expect(
                answer.frame_locator("iframe")
                .first.frame_locator("iframe")
                .get_by_role("heading", name="Quarterly report")
            ).to_be_visible()
            _save(page, "artifacts")
    finally:
        wire.stop()


@contextmanager
def _stopped_for_approval(browser: Browser, tmp: Path, height: int) -> Iterator[Page]:
    """The recorded agentflow with a Human Input node, asked a question: it stops for approval."""
    wire = start_wire(token_delay=0.01, step_delay=0.1)
    try:
        with streamlit_app(tmp, FLOWISE_URL=wire.url, FLOWISE_FLOW_ID="human-input") as app:
            page = open_page(browser, app.url, height=height)
            send(page, "What is 12 * 7 ?")
            expect(assistant_messages(page).last.get_by_role("button", name="Proceed")).to_be_visible(timeout=30_000)
            yield page
    finally:
        wire.stop()


def approval(browser: Browser, tmp: Path) -> None:
    """An agentflow stopped at its Human Input node: Proceed, Reject and a comment."""
    with _stopped_for_approval(browser, tmp, height=700) as page:
        assistant_messages(page).last.get_by_label("Comment (optional)").fill("Round it, please")
        _save(page, "approval")


def agent_steps(browser: Browser, tmp: Path) -> None:
    """The same agentflow after "Proceed": the answer went on in the same bubble; its steps opened."""
    with _stopped_for_approval(browser, tmp, height=1000) as page:
        reply = assistant_messages(page).last
        reply.get_by_role("button", name="Proceed").click()
        expect(reply.get_by_text("Steps: 4")).to_be_visible(timeout=30_000)
        reply.get_by_text("Steps: 4").click()
        expect(reply.get_by_text("Tools: calculator")).to_be_visible()
        _save(page, "agent-steps")


SCENES: dict[str, Callable[[Browser, Path], None]] = {
    "welcome": welcome,
    "answer": answer,
    "stopped": stopped,
    "flows": flows,
    "russian": russian,
    "files": files,
    "approval": approval,
    "agent-steps": agent_steps,
}


def main(names: list[str]) -> None:
    unknown = set(names) - set(SCENES)
    if unknown:
        sys.exit(f"unknown screenshots: {', '.join(sorted(unknown))}; known: {', '.join(SCENES)}")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for name in names or SCENES:
                SCENES[name](browser, Path(tmp))
        finally:
            browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
