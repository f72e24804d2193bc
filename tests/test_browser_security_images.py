"""Images as an attacker sends them, in the real app in headless Chromium against the Flowise-wire
server: bombs measured by the Streamlit server's peak memory."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import assistant_messages, open_page, send
from tests.flowise_wire import bomb_png, png
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
    app = apps("images")
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
    app = apps("image-bomb")
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
    expect(answer).to_contain_text("The image bomb.png that came with this answer is not shown: it has more "
                                   "than 25 million pixels.")
    expect(answer).to_contain_text("The image png that came with this answer is not shown")  # as a data URL
    # The picture within the budget is shown, at the page's width at most.
    expect(answer.locator("img")).to_have_count(1)
    assert answer.locator("img").evaluate("img => img.decode().then(() => img.naturalWidth)") == 1460
