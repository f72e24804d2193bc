"""Files and voice with a question: the client's upload calls, the checks against what a flow accepts,
and the page through AppTest, against the local Flowise-wire server."""

from __future__ import annotations

import base64
import io
import json
import os
import time

import pytest
import soundfile
from PIL import Image

from chat.app_wide import LocalSlots
from chat.history import turns_from_history
from chat.settings import DEFAULT_MAX_RECORDING_SECONDS
from chat.turn import AnswerState
from chat.uploads import PendingFile, UploadFailed, UploadPolicy, send_files
from chat.voice import MIME as VOICE_MIME
from chat.voice import recording_upload
from flowise_client import (
    ChatbotConfig,
    FlowiseClient,
    FlowiseProtocolError,
    FullFileUpload,
    StoredMessage,
    StoredUpload,
    Upload,
    UploadLimit,
    UploadsConfig,
)
from flowise_client.uploads import FULL_FILE, IMAGE, MB, RAG_FILE
from testbed.wire.flows import API_KEY, Scenario
from testbed.wire.media import png, wav
from testbed.wire.recordings import FIXTURES
from testbed.wire.uploads import TRANSCRIPTION
from tests.page import chat_id, conversation_of, page_text


def english(message) -> str:
    return message.text("en")


IMAGES = UploadsConfig.from_json(json.loads((FIXTURES / "chatflows-uploads.json").read_text()))
RAG = UploadsConfig(images=IMAGES.images, rag_files=(UploadLimit((".txt", ".md"), 500.0),))


# -- the shapes Flowise sends and takes ------------------------------------------------------------


def test_recorded_uploads_config_reads_as_images_of_four_types_up_to_5_mb():
    assert (
        UploadsConfig(
            speech_to_text=False, images=(UploadLimit(("image/gif", "image/jpeg", "image/png", "image/webp"), 5.0),)
        )
        == IMAGES
    )


@pytest.mark.parametrize("body", [None, "OK", [], {"isImageUploadAllowed": "yes", "imgUploadSizeAndTypes": "png"}])
def test_uploads_config_of_another_shape_allows_nothing(body):
    assert UploadsConfig.from_json(body) == UploadsConfig()


def test_limits_listed_while_uploads_are_off_do_not_count():
    body = {
        "isImageUploadAllowed": False,
        "imgUploadSizeAndTypes": [{"fileTypes": ["image/png"], "maxUploadSize": 5}],
        "isSpeechToTextEnabled": True,
    }
    assert UploadsConfig.from_json(body) == UploadsConfig(speech_to_text=True)


def test_full_file_upload_comes_from_the_chatbot_config():
    config = ChatbotConfig.from_json(
        {"fullFileUpload": {"status": True, "allowedUploadFileTypes": "text/plain, text/csv"}}
    )
    assert config.full_file_upload == FullFileUpload(("text/plain", "text/csv"))
    assert ChatbotConfig.from_json({"fullFileUpload": {"status": False}}).full_file_upload is None


def test_uploads_config_comes_with_the_chat_settings_of_flowise_3():
    recorded = json.loads((FIXTURES / "public-chatbotConfig.json").read_text())
    assert ChatbotConfig.from_json(recorded).uploads == IMAGES
    assert ChatbotConfig.from_json({"welcomeMessage": "Hi"}).uploads is None  # Flowise before 1.6: ask apart


def test_upload_is_a_data_url_in_the_shape_of_the_widget():
    assert Upload.of_bytes(b"\x89PNG", IMAGE, "a.png", "image/png").to_json() == {
        "data": "data:image/png;base64,iVBORw==",
        "type": "file",
        "name": "a.png",
        "mime": "image/png",
    }


def test_history_file_uploads_are_read_from_a_list_or_a_json_string():
    uploads = [
        {"type": "stored-file", "name": "a.png", "mime": "image/png"},
        {"type": "url", "name": "b.jpg", "mime": "image/jpeg", "data": "https://example.org/b.jpg"},
        {"x": 1},
    ]
    expected = (StoredUpload("stored-file", "a.png", "image/png"), StoredUpload("url", "b.jpg", "image/jpeg"))
    assert StoredUpload.many_from_json(uploads) == expected
    assert StoredUpload.many_from_json(json.dumps(uploads)) == expected
    assert StoredUpload.many_from_json("not json") == ()


# -- what a flow accepts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "file", "kind"),
    [
        (UploadPolicy(IMAGES), PendingFile("a.png", "image/png", b"x" * 100), IMAGE),
        (UploadPolicy(IMAGES), PendingFile("a.png", "image/png", b"x" * (5 * 2**20 + 1)), None),
        (UploadPolicy(IMAGES), PendingFile("a.svg", "image/svg+xml", b"<svg/>"), None),
        (UploadPolicy(RAG), PendingFile("Notes.TXT", "text/plain", b"notes"), RAG_FILE),
        (UploadPolicy(RAG), PendingFile("a.pdf", "application/pdf", b"%PDF"), None),
        (UploadPolicy(IMAGES, FullFileUpload(("text/plain",))), PendingFile("a.txt", "text/plain", b"x"), FULL_FILE),
        (UploadPolicy(IMAGES, FullFileUpload(("text/plain",))), PendingFile("a.pdf", "application/pdf", b"x"), None),
        (UploadPolicy(), PendingFile("a.png", "image/png", b"x"), None),
    ],
)
def test_each_file_goes_as_the_widget_sends_it_or_not_at_all(policy, file, kind):
    assert policy.kind(file) == kind


@pytest.mark.parametrize(
    ("policy", "accepts"),
    [
        (UploadPolicy(RAG), True),
        (UploadPolicy(UploadsConfig(rag_files=RAG.rag_files), FullFileUpload(())), False),  # no types chosen: none
        (UploadPolicy(RAG, FullFileUpload(())), True),  # images still go
        (UploadPolicy(UploadsConfig(), FullFileUpload(("text/plain",))), True),
        (UploadPolicy(UploadsConfig(speech_to_text=True)), False),
    ],
)
def test_the_box_takes_files_exactly_when_some_file_can_go(policy, accepts):
    assert policy.accepts_files is accepts
    notes = PendingFile("notes.txt", "text/plain", b"notes")
    if not policy.config.images:
        assert (policy.kind(notes) is not None) is accepts


def test_refusals_name_the_file_and_say_what_the_flow_accepts():
    policy = UploadPolicy(RAG)
    big = PendingFile("huge.png", "image/png", b"x" * int(7.5 * 2**20))
    assert english(policy.refusal("Look", [big])) == (
        "huge.png is 7.5 MB; this flow accepts files of this kind up to 5 MB, so nothing was sent. "
        "Your text is back in the box; attach a smaller file and send again."
    )
    svg = english(policy.refusal("Look", [PendingFile("a.svg", "image/svg+xml", b"<svg/>")]))
    assert svg.startswith(
        "a.svg is not a kind of file this flow accepts, so nothing was sent. It accepts: "
        "GIF, JPEG, PNG, WEBP images up to 5 MB; .txt, .md files up to 500 MB."
    )
    none = english(UploadPolicy().refusal("Look", [PendingFile("a.png", "image/png", b"x")]))
    assert none.startswith("This flow accepts no files right now, so a.png and your question were not sent.")


def test_a_file_needs_a_question_but_an_image_does_not():
    policy = UploadPolicy(RAG)
    image, notes = PendingFile("a.png", "image/png", png()), PendingFile("n.txt", "text/plain", b"notes")
    assert policy.refusal("", [image]) is None
    assert english(policy.refusal("", [image, notes])).startswith("Add a question to go with n.txt")
    assert policy.refusal("Summarise", [image, notes]) is None


def test_files_for_full_upload_are_sent_as_their_extracted_text(wire):
    client = FlowiseClient(wire.url)
    policy = UploadPolicy(IMAGES, FullFileUpload(("text/plain", "text/csv")))
    files = [
        PendingFile("photo.png", "image/png", png()),
        PendingFile("notes.txt", "text/plain", "Заметки 🙂".encode()),
    ]
    uploads = send_files(client, Scenario.FULL_FILES, "chat-full-1", policy, files)
    assert [(u.type, u.name, u.mime) for u in uploads] == [
        ("file", "photo.png", "image/png"),
        ("file:full", "notes.txt", "text/plain"),
    ]
    assert uploads[1].data == "Заметки 🙂"
    (request,) = [r for r in wire.received if r.path == "/api/v1/attachments/full-files/chat-full-1"]
    assert request.body["fields"] == {"chatId": "chat-full-1"}
    assert request.body["files"] == [("files", "notes.txt", "text/plain", "Заметки 🙂".encode())]


def test_a_file_the_flow_does_not_take_is_never_sent(wire):
    received = len(wire.received)
    with pytest.raises(ValueError, match=r"scan.pdf"):
        send_files(
            FlowiseClient(wire.url),
            Scenario.IMAGES,
            "c",
            UploadPolicy(IMAGES),
            [PendingFile("a.png", "image/png", png()), PendingFile("scan.pdf", "application/pdf", b"%PDF")],
        )
    assert len(wire.received) == received


def test_a_file_flowise_refuses_to_extract_says_which_and_why(wire):
    policy = UploadPolicy(IMAGES, FullFileUpload(("application/pdf",)))  # the app's view is out of date
    with pytest.raises(UploadFailed) as failure:
        send_files(
            FlowiseClient(wire.url), Scenario.FULL_FILES, "c", policy, [PendingFile("a.pdf", "application/pdf", b"%")]
        )
    assert english(failure.value.message) == (
        "The files (a.pdf) could not be handed to Flowise, so the question was not asked: "
        "Flowise answered with an error (HTTP 500): File type 'application/pdf' is not "
        "allowed. Allowed types: text/plain, text/csv Try again in a moment."
    )


def test_files_for_retrieval_go_to_the_vector_store_first_which_needs_the_key(wire):
    notes = [PendingFile("notes.md", "text/markdown", b"# Notes")]
    with pytest.raises(UploadFailed) as failure:
        send_files(FlowiseClient(wire.url), Scenario.RAG_FILES, "c1", UploadPolicy(RAG), notes)
    assert "This flow needs an API key" in english(failure.value.message)
    uploads = send_files(FlowiseClient(wire.url, API_KEY), Scenario.RAG_FILES, "c2", UploadPolicy(RAG), notes)
    assert uploads == [Upload.of_bytes(b"# Notes", RAG_FILE, "notes.md", "text/markdown")]
    upsert = [r for r in wire.received if r.path == "/api/v1/vector/upsert/rag-files"][-1]
    assert upsert.body == {"fields": {"chatId": "c2"}, "files": [("files", "notes.md", "text/markdown", b"# Notes")]}


# -- voice -----------------------------------------------------------------------------------------


def test_a_recording_goes_as_ogg_opus_at_its_own_rate():
    upload = recording_upload(wav(0.5), DEFAULT_MAX_RECORDING_SECONDS, LocalSlots())
    assert (upload.type, upload.mime) == ("audio", VOICE_MIME) == ("audio", "audio/ogg")
    assert upload.name.startswith("audio_") and upload.name.endswith(".ogg")
    ogg = base64.b64decode(upload.data.split(",", 1)[1])
    assert ogg[:4] == b"OggS" and b"OpusHead" in ogg[:200]
    samples, rate = soundfile.read(io.BytesIO(ogg))
    assert rate == 16000 and abs(len(samples) - 8000) < 400


# -- the client ------------------------------------------------------------------------------------


def test_stored_file_is_read_whole_up_to_a_bound(wire):
    client = FlowiseClient(wire.url)
    with client.predict(
        Scenario.IMAGES, "Keep this", "chat-bound", uploads=[Upload.of_bytes(png(), IMAGE, "k.png", "image/png")]
    ) as events:
        list(events)
    assert client.get_upload_file(Scenario.IMAGES, "chat-bound", "k.png") == png()
    with pytest.raises(FlowiseProtocolError, match=r"The file k.png is larger than .* MB, more than this app shows"):
        client.get_upload_file(Scenario.IMAGES, "chat-bound", "k.png", max_bytes=100)
    request = wire.received[-1]
    assert request.path.startswith("/api/v1/get-upload-file?") and "fileName=k.png" in request.path


def test_history_gives_back_the_files_of_each_question_with_thumbnails(wire):
    client = FlowiseClient(wire.url, API_KEY)
    with client.predict(
        Scenario.IMAGES,
        "Two files",
        "chat-hist",
        uploads=[
            Upload.of_bytes(png(300, 100), IMAGE, "wide.png", "image/png"),
            Upload("https://example.org/x.jpg", "url", "x.jpg", "image/jpeg"),
        ],
    ) as events:
        list(events)
    messages = client.chat_history(Scenario.IMAGES, "chat-hist")
    assert messages[0].file_uploads == (
        StoredUpload("stored-file", "wide.png", "image/png"),
        StoredUpload("url", "x.jpg", "image/jpeg"),
    )
    (turn,) = turns_from_history(messages, lambda name: client.get_upload_file(Scenario.IMAGES, "chat-hist", name))
    assert [a.name for a in turn.attachments] == ["wide.png", "x.jpg"]
    assert turn.attachments[0].thumbnail.startswith(b"\x89PNG") and turn.attachments[1].thumbnail is None
    assert turn.state is AnswerState.COMPLETE and "Uploads: wide.png (file, image/png)" in turn.answer


def test_history_message_without_uploads_has_none():
    message = StoredMessage.from_json({"role": "userMessage", "content": "Hi", "fileUploads": None})
    assert message.file_uploads == ()


# -- the page --------------------------------------------------------------------------------------


def test_question_box_takes_files_only_where_the_flow_accepts_them(app):
    assert app(Scenario.IMAGES).chat_input[0].proto.accept_file != 0
    assert app(Scenario.ECHO).chat_input[0].proto.accept_file == 0
    assert not app(Scenario.IMAGES).get("audio_input")


def uploads_asked(wire, flow_id: str) -> int:
    return sum(r.path == f"/api/v1/chatflows-uploads/{flow_id}" for r in wire.received)


def test_what_a_flow_accepts_is_read_from_its_chat_settings_else_asked_apart(app, wire):
    asked = uploads_asked(wire, Scenario.IMAGES)
    assert app(Scenario.IMAGES).chat_input[0].proto.accept_file != 0
    assert uploads_asked(wire, Scenario.IMAGES) == asked  # one request fewer before the page shows
    older = uploads_asked(wire, Scenario.IMAGES_FLOWISE_1_5)
    assert app(Scenario.IMAGES_FLOWISE_1_5).chat_input[0].proto.accept_file != 0
    assert uploads_asked(wire, Scenario.IMAGES_FLOWISE_1_5) == older + 1


def test_flow_settings_flowise_could_not_give_are_asked_again_later(app, wire, monkeypatch):
    def settings_asked() -> int:
        return sum(r.path == "/api/v1/public-chatbotConfig/images" for r in wire.received)

    monkeypatch.setattr(wire, "config_failures", {Scenario.IMAGES})
    at = app(Scenario.IMAGES)
    assert at.chat_input[0].proto.accept_file == 0 and not at.exception  # unknown for now: text only
    asked = settings_asked()
    at.run()
    assert settings_asked() == asked  # not again on every rerun
    wire.config_failures.clear()
    monkeypatch.setattr("chat.flow_facts.PROBE_RETRY_SECONDS", 0.0)
    at.run()
    assert settings_asked() == asked + 1
    assert at.chat_input[0].proto.accept_file != 0


def test_streamlit_lets_through_the_images_a_flow_takes_and_a_ten_minute_recording(app):
    # Streamlit's browser code drops a file over its cap before the app can say anything, and ends a
    # recording that reaches it: the cap must be above what Flowise allows (images up to 5 MB).
    cap = app(Scenario.IMAGES).chat_input[0].proto.max_upload_size_mb * MB
    assert cap >= max(limit.max_mb for limit in IMAGES.images) * MB
    assert cap >= 10 * 60 * 16000 * 2  # 16 kHz, 16-bit mono WAV, as the recorder takes it


def test_attached_image_goes_with_the_question_and_shows_in_its_bubble(app, wire):
    photo = png(400, 300)
    at = app(Scenario.IMAGES)
    at = at.chat_input[0].upload("cat.png", photo, "image/png").set_value("Whose cat?").run()
    assert not at.exception
    body = wire.predictions(Scenario.IMAGES)[-1].body
    assert body["question"] == "Whose cat?" and body["chatId"] == chat_id(at)
    assert body["uploads"] == [Upload.of_bytes(photo, IMAGE, "cat.png", "image/png").to_json()]
    question = at.chat_message[0]
    assert question.name == "user" and question.markdown[0].value == "Whose cat?"
    assert len(question.get("image")) == 1
    assert question.caption[0].value == ":material/attach_file: cat\\.png"
    assert "Uploads: cat.png (file, image/png)." in page_text(at)
    at.run()  # drawn again from the history
    assert len(at.chat_message[0].get("image")) == 1
    assert not conversation_of(at).turns[0].uploads  # answered: the bytes are let go


def test_refused_file_sends_nothing_and_gives_the_text_back(app, wire):
    at = app(Scenario.IMAGES)
    sent = len(wire.predictions(Scenario.IMAGES))
    at = at.chat_input[0].upload("scan.pdf", b"%PDF-1.4", "application/pdf").set_value("Read my scan").run()
    assert len(wire.predictions(Scenario.IMAGES)) == sent
    (warning,) = at.warning
    assert "scan\\.pdf is not a kind of file this flow accepts, so nothing was sent" in warning.value
    assert at.chat_input[0].proto.value == "Read my scan" and at.chat_input[0].proto.set_value
    assert [c.value for c in at.code] == ["Read my scan"]
    assert not at.chat_message


def test_question_with_files_turned_away_by_the_limits_asks_for_the_files_again(app, wire):
    at = app(Scenario.IMAGES, MAX_QUESTION_CHARS="10")
    sent = len(wire.predictions(Scenario.IMAGES))
    at = at.chat_input[0].upload("__init__.png", png(), "image/png").set_value("Whose cat is this?").run()
    assert len(wire.predictions(Scenario.IMAGES)) == sent
    (warning,) = at.warning
    assert "Shorten it" in warning.value
    assert "Your files (\\_\\_init\\_\\_\\.png) were not kept: attach them again when you send it." in warning.value
    assert at.chat_input[0].proto.value == "Whose cat is this?" and not at.chat_message


def test_image_without_text_is_sent_but_a_file_without_text_is_not(app, wire):
    at = app(Scenario.FULL_FILES)
    at = at.chat_input[0].upload("notes.txt", b"notes", "text/plain").run()
    assert "Add a question to go with notes\\.txt" in at.warning[0].value and not at.chat_message
    at = at.chat_input[0].upload("dot.png", png(), "image/png").run()
    assert not at.warning
    assert wire.predictions(Scenario.FULL_FILES)[-1].body["question"] == ""
    assert wire.predictions(Scenario.FULL_FILES)[-1].body["uploads"][0]["name"] == "dot.png"


def test_file_for_full_upload_has_its_text_extracted_then_sent(app, wire):
    at = app(Scenario.FULL_FILES)
    at = at.chat_input[0].upload("notes.txt", "Пункт 1".encode(), "text/plain").set_value("Summarise").run()
    assert not at.exception and not at.error
    attached = [r for r in wire.received if r.path == f"/api/v1/attachments/full-files/{chat_id(at)}"]
    assert len(attached) == 1
    upload = wire.predictions(Scenario.FULL_FILES)[-1].body["uploads"][0]
    assert upload == {"data": "Пункт 1", "type": "file:full", "name": "notes.txt", "mime": "text/plain"}


def test_files_that_cannot_be_handed_over_fail_the_turn_which_retries_with_them(app, wire, monkeypatch):
    at = app(Scenario.RAG_FILES)  # no API key: Flowise refuses the vector store upsert
    at = at.chat_input[0].upload("__notes__.md", b"# Notes", "text/markdown").set_value("What do my notes say?").run()
    (error,) = at.error
    # The file's name as written, as in the question's bubble: not "notes" in bold.
    assert (
        "The files (\\_\\_notes\\_\\_\\.md) could not be handed to Flowise, so the question was not asked"
        in error.value
    )
    assert "This flow needs an API key" in error.value
    assert at.chat_message[0].markdown[0].value == "What do my notes say?"
    assert at.chat_message[0].caption[0].value == ":material/attach_file: \\_\\_notes\\_\\_\\.md"
    monkeypatch.setenv("FLOWISE_API_KEY", API_KEY)
    at = next(b for b in at.button if b.label == "Retry").click().run()
    body = wire.predictions(Scenario.RAG_FILES)[-1].body
    assert body["question"] == "What do my notes say?"
    assert body["uploads"] == [Upload.of_bytes(b"# Notes", RAG_FILE, "__notes__.md", "text/markdown").to_json()]
    assert "Uploads: __notes__.md (file:rag, text/markdown)." in page_text(at)


def test_spoken_question_goes_as_ogg_and_shows_what_flowise_heard(app, wire):
    at = app(Scenario.VOICE)
    recorder = at.get("audio_input")[0]
    assert recorder.proto.sample_rate == 16000
    at = recorder.set_value(("clip.wav", wav(), "audio/wav")).run()
    assert not at.exception
    body = wire.predictions(Scenario.VOICE)[-1].body
    assert body["question"] == ""
    (upload,) = body["uploads"]
    assert (upload["type"], upload["mime"]) == ("audio", "audio/ogg") and upload["name"].endswith(".ogg")
    assert base64.b64decode(upload["data"].split(",", 1)[1])[:4] == b"OggS"
    assert at.chat_message[0].markdown[0].value == TRANSCRIPTION
    assert at.chat_message[0].caption[0].value == ":material/attach_file: Voice message"
    assert at.get("audio_input")[0].key != recorder.key  # a fresh recorder for the next question
    sent = len(wire.predictions(Scenario.VOICE))
    at.run()
    assert len(wire.predictions(Scenario.VOICE)) == sent  # the recording is sent once
    assert at.chat_message[0].markdown[0].value == TRANSCRIPTION


def test_recording_that_is_not_audio_is_not_sent(app, wire):
    at = app(Scenario.VOICE)
    sent = len(wire.predictions(Scenario.VOICE))
    at = at.get("audio_input")[0].set_value(("clip.wav", b"RIFF....WAVEjunk", "audio/wav")).run()
    assert len(wire.predictions(Scenario.VOICE)) == sent
    assert at.warning[0].value.startswith("The recording could not be read, so nothing was sent")
    assert not at.code  # nothing typed to give back


def test_restoring_a_conversation_does_not_wait_long_for_its_thumbnails(app, wire, monkeypatch):
    first = app(Scenario.IMAGES, FLOWISE_API_KEY=API_KEY)
    for name in ("slow.png", "large.png", "small.png"):
        first = first.chat_input[0].upload(name, png(), "image/png").set_value(f"About {name}").run()
    chat = chat_id(first)
    large = io.BytesIO()
    Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3)).save(large, format="PNG")
    assert len(large.getvalue()) > 5 * MB
    wire.stored[(Scenario.IMAGES, chat, "large.png")] = ("image/png", large.getvalue())
    monkeypatch.setattr(wire, "stalled_files", {"slow.png"})
    started = time.monotonic()
    restored = app(Scenario.IMAGES, chat=chat, FLOWISE_API_KEY=API_KEY)
    assert time.monotonic() - started < 15 and not restored.exception
    questions = [m for m in restored.chat_message if m.name == "user"]
    assert [m.caption[0].value for m in questions] == [
        ":material/attach_file: slow\\.png",
        ":material/attach_file: large\\.png",
        ":material/attach_file: small\\.png",
    ]
    assert [len(m.get("image")) for m in questions] == [0, 0, 1]  # only the small one is read back


@pytest.mark.parametrize("streaming", [True, False])
def test_artifacts_and_files_to_download_show_under_the_answer(app, wire, streaming):
    at = app(Scenario.ARTIFACTS)
    conversation_of(at).streaming = streaming
    at = at.chat_input[0].set_value("Make me a chart").run()
    assert not at.exception
    answer = at.chat_message[1]
    assert answer.markdown[0].value == "Here is the chart you asked for."
    assert len(answer.get("image")) == 2  # the stored chart and the data URL; not the missing one
    assert answer.markdown[1].value.startswith("### Summary")
    assert "[Bad]\\(javascript:" in answer.markdown[1].value  # a link only to http(s)
    (frame,) = answer.get("iframe")
    assert '<iframe sandbox="" ' in frame.proto.srcdoc and "allow-" not in frame.proto.srcdoc
    assert "<script>" not in frame.proto.srcdoc and "&lt;script&gt;" in frame.proto.srcdoc
    assert "The image missing\\.png that came with this answer could not be shown." in answer.caption[0].value
    assert [b.label for b in answer.button] == ["Download report\\.csv"]
    fetched = [r for r in wire.received if r.path.startswith("/api/v1/get-upload-file?") and chat_id(at) in r.path]
    at.run()
    again = [r for r in wire.received if r.path.startswith("/api/v1/get-upload-file?") and chat_id(at) in r.path]
    assert len(fetched) == len(again) == 2  # chart.png and missing.png, each once


def test_a_file_to_download_is_fetched_on_a_click_then_saved_or_the_reason_shown(app, wire):
    def downloads() -> int:
        return sum(r.path == "/api/v1/openai-assistants-file/download" for r in wire.received)

    at = app(Scenario.ARTIFACTS)
    at = at.chat_input[0].set_value("Make me a chart").run()
    before = downloads()
    at.run()
    assert downloads() == before  # nothing is fetched until it is asked for
    at = at.chat_message[1].button[0].click().run()
    assert downloads() == before + 1 and not at.exception
    assert not at.chat_message[1].button
    (save,) = at.chat_message[1].get("download_button")
    assert save.proto.label == "Save report\\.csv"

    at = app(Scenario.ARTIFACTS)
    at = at.chat_input[0].set_value("Make me a chart").run()
    del wire.stored[(Scenario.ARTIFACTS, chat_id(at), "report.csv")]  # gone from Flowise's storage since
    at = at.chat_message[1].button[0].click().run()
    answer = at.chat_message[1]
    assert not answer.get("download_button") and [b.label for b in answer.button] == ["Download report\\.csv"]
    assert answer.caption[-2].value.startswith(
        ":material/error: report\\.csv could not be downloaded: Flowise answered"
    )


def test_linked_conversation_brings_back_thumbnails_and_artifacts(app, wire):
    first = app(Scenario.IMAGES, FLOWISE_API_KEY=API_KEY)
    first.chat_input[0].upload("kept.png", png(90, 90), "image/png").set_value("Remember this").run()
    restored = app(Scenario.IMAGES, chat=chat_id(first), FLOWISE_API_KEY=API_KEY)
    assert not restored.exception
    assert restored.chat_message[0].markdown[0].value == "Remember this"
    assert len(restored.chat_message[0].get("image")) == 1

    first = app(Scenario.ARTIFACTS, FLOWISE_API_KEY=API_KEY)
    first.chat_input[0].set_value("Chart please").run()
    restored = app(Scenario.ARTIFACTS, chat=chat_id(first), FLOWISE_API_KEY=API_KEY)
    answer = restored.chat_message[1]
    assert len(answer.get("image")) == 2 and len(answer.get("iframe")) == 1
    assert [b.label for b in answer.button] == ["Download report\\.csv"]
