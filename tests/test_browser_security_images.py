"""Images as an attacker sends them, in the real app in headless Chromium against the Flowise-wire
server: bombs measured by the Streamlit server's peak memory, and remote images counted at a local
server that the page must not call unless IMAGE_HOSTS lists it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from testbed.browser import assistant_messages, open_page, send
from testbed.wire.flows import Scenario
from testbed.wire.media import bomb_png, png
from tests.local_server import Reply, serving
from tests.test_browser_uploads import attach

MB = 1024 * 1024
# Decoding the 100-million-pixel bomb took the server 385 MB (thumbnail) and 448 MB (artifact).
MEMORY_ALLOWED = 100 * MB


def peak_memory(pid: int) -> int:
    """The most memory the process has held at once since it started (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmHWM for process {pid}")


def questions(page: Page):
    return page.get_by_test_id("stChatMessage").filter(has=page.get_by_test_id("stChatMessageAvatarUser"))


def test_an_attached_image_bomb_costs_the_server_no_memory(browser, apps):
    app = apps(Scenario.IMAGES)
    page = open_page(browser, app.url)
    # The same way once with a small picture, so that what is measured is the bomb alone.
    attach(page, "photo.png", "image/png", png(200, 120))
    send(page, "What is in this picture?")
    expect(assistant_messages(page).last).to_contain_text("Uploads: photo.png (file, image/png)", timeout=20_000)
    before = peak_memory(app.pid)

    attach(page, "bomb.png", "image/png", bomb_png())
    send(page, "And in this one?")
    expect(assistant_messages(page).last).to_contain_text("Uploads: bomb.png (file, image/png)", timeout=30_000)
    assert peak_memory(app.pid) - before < MEMORY_ALLOWED
    question = questions(page).last
    expect(question).to_contain_text("bomb.png is not shown here: it has more than 25 million pixels.")
    expect(question.locator("img")).to_have_count(0)


def test_an_image_bomb_from_the_flow_costs_the_server_no_memory(browser, apps):
    app = apps(Scenario.IMAGE_BOMB)
    page = open_page(browser, app.url)
    before = peak_memory(app.pid)
    send(page, "Draw me something")
    expect(assistant_messages(page).first).to_contain_text("Here is the picture.", timeout=30_000)
    # Every later run draws the first answer again: from what was made the first time.
    send(page, "Once more")
    expect(assistant_messages(page)).to_have_count(2, timeout=30_000)
    expect(assistant_messages(page).last).to_contain_text("Here is the picture.", timeout=30_000)
    assert peak_memory(app.pid) - before < MEMORY_ALLOWED

    answer = assistant_messages(page).first
    expect(answer).to_contain_text(
        "The image bomb.png that came with this answer is not shown: it has more than 25 million pixels."
    )
    expect(answer).to_contain_text("The image png that came with this answer is not shown")  # as a data URL
    # The picture within the budget is shown, at the page's width at most.
    expect(answer.locator("img")).to_have_count(1)
    assert answer.locator("img").evaluate("img => img.decode().then(() => img.naturalWidth)") == 1460


@dataclass
class Tracker:
    """A host images could point at: records every request it gets, and answers each with a picture."""

    url: str
    paths: list[str] = field(default_factory=list)


@pytest.fixture
def tracker() -> Iterator[Tracker]:
    picture = png(4, 4)

    def record_and_answer(request: BaseHTTPRequestHandler) -> Reply:
        found.paths.append(request.path)
        return 200, "image/png", picture

    with serving(record_and_answer) as url:
        found = Tracker(url)
        yield found


def ask_for_images(page: Page, tracker: Tracker):
    # The wire's remote-images flow points its answer's images at the address it is asked.
    send(page, tracker.url)
    answer = assistant_messages(page).last
    expect(answer).to_contain_text("Here is your summary.", timeout=20_000)
    expect(answer).to_contain_text("A chart:")
    return answer


def test_no_image_in_an_answer_loads_from_a_host_not_listed(browser, apps, tracker):
    page = open_page(browser, apps(Scenario.REMOTE_IMAGES).url)
    answer = ask_for_images(page, tracker)
    # Each image is a link to it instead, which the reader may follow or not.
    expect(answer.get_by_role("link", name="logo")).to_have_attribute("href", f"{tracker.url}/inline.png?d=secret")
    expect(answer.get_by_role("link", name="chart")).to_have_attribute("href", f"{tracker.url}/reference.png?d=secret")
    expect(answer.get_by_role("link", name="Image at 127.0.0.1")).to_have_attribute(
        "href", f"{tracker.url}/artifact.png?d=secret"
    )
    expect(answer.locator(f'a[href="{tracker.url}/tracker.png?d=secret"]')).to_be_visible()  # had no alt text
    page.wait_for_timeout(2000)
    assert tracker.paths == []


def test_images_from_a_host_image_hosts_lists_load(browser, apps, tracker):
    page = open_page(browser, apps(Scenario.REMOTE_IMAGES, IMAGE_HOSTS="127.0.0.1").url)
    answer = ask_for_images(page, tracker)
    expect(answer.get_by_role("img", name="logo")).to_be_visible()
    expect(answer.locator(f'img[src="{tracker.url}/artifact.png?d=secret"]')).to_be_visible()
    page.wait_for_timeout(2000)
    # Inline Markdown images and the artifact; never one by reference (its target may come in another
    # part of the answer), nor HTML or LaTeX, which Streamlit shows as text.
    assert sorted(path.split("?")[0] for path in set(tracker.paths)) == ["/artifact.png", "/inline.png", "/tracker.png"]
