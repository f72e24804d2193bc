"""Files in the real app in headless Chromium: attached through the question box's file picker, and
what an answer brings (artifacts, files to download), against the local Flowise-wire server."""

from __future__ import annotations

import base64
from pathlib import Path

from playwright.sync_api import Page, expect

from testbed.browser import assistant_messages, open_page, send
from testbed.wire.flows import Scenario
from testbed.wire.media import png
from testbed.wire.uploads import REPORT_CSV

# The picture's own size, once the browser has it: img.decode() settles when the image is loaded.
NATURAL_SIZE = "img => img.decode().then(() => [img.naturalWidth, img.naturalHeight])"


def attach(page: Page, name: str, mime: str, content: bytes) -> None:
    """Choose a file with the question box's file picker, as a person does with the "+" button."""
    page.get_by_test_id("stChatInput").locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": content}]
    )
    # Until its upload to Streamlit is done the chip offers "Cancel upload of ...", and Enter does nothing.
    expect(page.get_by_test_id("stChatInput").get_by_role("button", name=f"Remove {name}")).to_be_visible()


def test_image_from_the_file_picker_reaches_flowise_as_an_upload_and_shows_in_the_question(browser, apps, slow_wire):
    photo = png(200, 120, (200, 30, 30))
    page = open_page(browser, apps(Scenario.IMAGES).url)
    attach(page, "photo.png", "image/png", photo)
    send(page, "What is in this picture?")
    expect(assistant_messages(page).last).to_contain_text("Uploads: photo.png (file, image/png)", timeout=20_000)

    (request,) = [
        r for r in slow_wire.predictions(Scenario.IMAGES) if r.body.get("question") == "What is in this picture?"
    ]
    assert request.body["uploads"] == [
        {
            "data": "data:image/png;base64," + base64.b64encode(photo).decode(),
            "type": "file",
            "name": "photo.png",
            "mime": "image/png",
        }
    ]
    question = page.get_by_test_id("stChatMessage").filter(has=page.get_by_test_id("stChatMessageAvatarUser")).last
    thumbnail = question.get_by_role("img", name="photo.png")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate(NATURAL_SIZE) == [160, 96]  # made small
    expect(question.get_by_text("photo.png")).to_be_visible()


def test_file_of_a_type_the_flow_refuses_is_not_sent_and_the_text_comes_back(browser, apps, slow_wire):
    page = open_page(browser, apps(Scenario.IMAGES).url)
    sent_before = len(slow_wire.predictions(Scenario.IMAGES))
    attach(page, "drawing.svg", "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    send(page, "Can you read this drawing?")
    warning = page.get_by_test_id("stAlertContentWarning")
    expect(warning).to_contain_text("drawing.svg is not a kind of file this flow accepts", timeout=20_000)
    expect(warning).to_contain_text("GIF, JPEG, PNG, WEBP images up to 5 MB")
    expect(page.get_by_test_id("stChatInputTextArea")).to_have_value("Can you read this drawing?")
    assert len(slow_wire.predictions(Scenario.IMAGES)) == sent_before
    assert not assistant_messages(page).count()


def test_artifacts_show_under_the_answer_and_hostile_html_never_runs(browser, apps):
    page = open_page(browser, apps(Scenario.ARTIFACTS).url)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    send(page, "Make me a chart")
    answer = assistant_messages(page).last
    expect(answer).to_contain_text("Here is the chart you asked for.", timeout=20_000)

    # The stored chart, read from Flowise through get-upload-file, and the one sent as a data URL.
    images = answer.locator("img")
    expect(images).to_have_count(2)
    assert images.first.evaluate(NATURAL_SIZE) == [320, 200]
    expect(answer.get_by_role("heading", name="Summary")).to_be_visible()
    expect(answer.get_by_role("link", name="Safe")).to_have_attribute("href", "https://example.org")
    expect(answer.get_by_role("link", name="Bad")).to_have_count(0)
    expect(answer).to_contain_text("The image missing.png that came with this answer could not be shown.")

    # The HTML is in a sandboxed frame of its own, inside Streamlit's frame: shown, its script never run.
    outer = answer.locator("iframe").first
    expect(outer).to_be_visible()
    inner = answer.frame_locator("iframe").first.locator("iframe")
    expect(inner).to_have_attribute("sandbox", "")
    frame = answer.frame_locator("iframe").first.frame_locator("iframe")
    expect(frame.get_by_role("heading", name="Quarterly report")).to_be_visible()
    expect(frame.get_by_text("Rendered from the flow.")).to_be_visible()  # the script would have replaced it
    page.wait_for_timeout(500)
    streamlit_frame = outer.element_handle().content_frame()
    assert page.evaluate("() => window.__pwned") is None
    assert streamlit_frame.evaluate("() => window.__pwned") is None
    assert not dialogs

    answer.get_by_role("button", name="Download report.csv").click()  # fetched from Flowise, then offered
    with page.expect_download() as download:
        answer.get_by_role("button", name="Save report.csv").click()
    assert download.value.suggested_filename == "report.csv"
    assert Path(download.value.path()).read_bytes() == REPORT_CSV
