"""Crafted voice recordings through the real upload path: Chromium records with its fake microphone,
and Playwright swaps the bytes the recorder uploads to Streamlit for an attacker's. After each, the
app's process is still up, the chat says why nothing was sent, and the flow got no prediction."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
import requests
import soundfile
from playwright.sync_api import Browser, Page, Route, expect

from chat.i18n import Message
from testbed.browser import CHROMIUM, CHROMIUM_FLAGS, RunningApp, open_page
from testbed.wire.flows import Scenario
from testbed.wire.uploads import TRANSCRIPTION
from tests.recordings import crafted_wav, flac, flac_bomb, fmt_chunk, lying_wav, riff

# Chromium grants the microphone without asking and records a beep from a fake device.
FAKE_MICROPHONE = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
# PUT /_stcore/upload_file/<session>/<file>: where the recorder sends its WAV, one file per form.
UPLOAD_ROUTE = "**/_stcore/upload_file/**"
BOUNDARY = "----crafted-recording"


@pytest.fixture(scope="module")
def microphone_browser(browser: Browser) -> Browser:
    with_microphone = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS + FAKE_MICROPHONE)
    yield with_microphone
    with_microphone.close()


def upload_instead(page: Page, recording: bytes) -> None:
    """Send ``recording`` in place of whatever the recorder uploads, as a client that skips the
    recorder can; the browser's XSRF cookie and token go along as they were."""

    def swap(route: Route) -> None:
        if route.request.method != "PUT":
            route.continue_()
            return
        form = (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="audio.wav"\r\n'
                f"Content-Type: audio/wav\r\n\r\n"
            ).encode()
            + recording
            + f"\r\n--{BOUNDARY}--\r\n".encode()
        )
        headers = {name: value for name, value in route.request.all_headers().items() if name != "content-length"}
        route.continue_(
            post_data=form, headers={**headers, "content-type": f"multipart/form-data; boundary={BOUNDARY}"}
        )

    page.route(UPLOAD_ROUTE, swap)


def record(page: Page) -> None:
    """A second of the fake microphone, recorded with the recorder's own buttons."""
    recorder = page.get_by_test_id("stAudioInput")
    recorder.get_by_role("button", name="Record").click()
    page.wait_for_timeout(1000)
    recorder.get_by_role("button", name="Stop recording").click()


def assert_alive(app: RunningApp) -> None:
    status = Path(f"/proc/{app.pid}/status").read_text()
    assert "\nState:\tZ" not in status, app.log()  # not a dead child waiting to be reaped
    assert requests.get(app.url + "/_stcore/health", timeout=5).text == "ok"


def sent_ogg(request) -> tuple[int, float]:
    """The rate and length of the Ogg recording in a prediction's uploads."""
    (upload,) = request.body["uploads"]
    assert (upload["type"], upload["mime"]) == ("audio", "audio/ogg")
    samples, rate = soundfile.read(io.BytesIO(base64.b64decode(upload["data"].split(",", 1)[1])))
    return rate, len(samples) / rate


CRAFTED = {
    "flac-named-wav": (flac(1.0), Message("voice.not_wav")),
    "flac-bomb": (flac_bomb(), Message("voice.not_wav")),
    "six-channels": (
        crafted_wav(0.5, 16000, channels=6),
        Message("voice.channels", {"channels": 6, "max_channels": 2}),
    ),
    "96-khz": (crafted_wav(0.5, 96000), Message("voice.rate", {"rate": 96000, "max_rate": 48000})),
    "lying-length": (lying_wav(), Message("voice.unreadable")),
    "too-long": (
        riff(fmt_chunk(1, 8000, 8), bytes(301 * 8000)),
        Message("voice.too_long", {"seconds": 301, "max_seconds": 300}),
    ),
    "zero-length": (b"", Message("voice.empty")),
}


@pytest.mark.parametrize("crafted", CRAFTED.keys())
def test_a_crafted_recording_is_refused_and_the_server_stays_up(microphone_browser, apps, slow_wire, crafted):
    recording, refusal = CRAFTED[crafted]
    app = apps(Scenario.VOICE)
    page = open_page(microphone_browser, app.url)
    upload_instead(page, recording)
    sent = len(slow_wire.predictions(Scenario.VOICE))
    record(page)
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text(refusal.text("en"), timeout=30_000)
    assert_alive(app)
    assert len(slow_wire.predictions(Scenario.VOICE)) == sent
    assert not page.get_by_test_id("stChatMessage").count()
    # The page goes on: a fresh recorder, and a real recording after the crafted one is sent.
    page.unroute(UPLOAD_ROUTE)
    record(page)
    expect(page.get_by_test_id("stChatMessage").first).to_contain_text(TRANSCRIPTION, timeout=30_000)
    assert len(slow_wire.predictions(Scenario.VOICE)) == sent + 1


def test_the_wav_that_crashed_the_server_is_sent_as_ogg_at_48_khz(microphone_browser, apps, slow_wire):
    # 50 s at 44.1 kHz, 4.4 MB: libsndfile's Vorbis fallback segfaulted on it and took the server down.
    app = apps(Scenario.VOICE)
    page = open_page(microphone_browser, app.url)
    upload_instead(page, crafted_wav(50, 44100))
    sent = len(slow_wire.predictions(Scenario.VOICE))
    record(page)
    expect(page.get_by_test_id("stChatMessage").first).to_contain_text(TRANSCRIPTION, timeout=60_000)
    assert_alive(app)
    (request,) = slow_wire.predictions(Scenario.VOICE)[sent:]
    rate, seconds = sent_ogg(request)
    assert rate == 48000 and abs(seconds - 50) < 0.05


def test_a_recording_from_the_microphone_reaches_flowise_as_ogg(microphone_browser, apps, slow_wire):
    page = open_page(microphone_browser, apps(Scenario.VOICE).url)
    sent = len(slow_wire.predictions(Scenario.VOICE))
    record(page)
    question = page.get_by_test_id("stChatMessage").first
    expect(question).to_contain_text(TRANSCRIPTION, timeout=30_000)
    expect(question).to_contain_text("Voice message")
    (request,) = slow_wire.predictions(Scenario.VOICE)[sent:]
    rate, seconds = sent_ogg(request)
    assert rate == 16000 and 0.5 < seconds < 5  # the recorder asks the browser for 16 kHz
    assert not page.get_by_test_id("stAlertContentWarning").count()
