"""Crafted voice recordings: checked from their header before anything decodes them, and encoded in
a child process whose crash, memory or time runs out without touching the app's process."""

from __future__ import annotations

import io
import logging
import struct

import pytest
import soundfile

from chat import voice
from chat.app_wide import LocalSlots
from chat.i18n import Message
from chat.setting_sources import SettingsError
from chat.settings import DEFAULT_MAX_RECORDING_SECONDS, load_settings
from chat.voice import ENCODERS_AT_ONCE, ENCODERS_KEY, ogg_opus, recording_upload
from chat.wav_recording import RecordingRefused, read_recording
from flowise_client.uploads import MB
from testbed.wire.flows import Scenario
from testbed.wire.media import wav
from tests.recordings import crafted_wav, flac, flac_bomb, fmt_chunk, lying_wav, recorder_wav, riff
from tests.test_isolated import script

LIMIT = DEFAULT_MAX_RECORDING_SECONDS


def refusal(data: bytes, max_seconds: int = LIMIT) -> Message:
    with pytest.raises(RecordingRefused) as refused:
        read_recording(data, max_seconds)
    return refused.value.message


def decoded(ogg: bytes) -> tuple[int, float, int]:
    """The Ogg file's rate, length in seconds and channel count, read back."""
    samples, rate = soundfile.read(io.BytesIO(ogg), always_2d=True)
    return rate, len(samples) / rate, samples.shape[1]


# -- the header ------------------------------------------------------------------------------------


def test_the_recorders_own_wav_is_taken_as_it_is():
    recording = read_recording(recorder_wav(2.5), LIMIT)
    assert (recording.channels, recording.rate, recording.dtype, recording.frames) == (1, 16000, "<i2", 40000)
    assert recording.seconds == 2.5 and len(recording.pcm) == 80000


@pytest.mark.parametrize(
    ("subtype", "dtype"), [("PCM_U8", "u1"), ("PCM_16", "<i2"), ("PCM_32", "<i4"), ("FLOAT", "<f4")]
)
def test_plain_pcm_relatives_in_stereo_are_taken(subtype, dtype):
    # libsndfile writes float WAV with fact and PEAK chunks: chunks besides fmt and data are passed over.
    recording = read_recording(crafted_wav(0.5, 44100, channels=2, subtype=subtype), LIMIT)
    assert (recording.channels, recording.rate, recording.dtype, recording.frames) == (2, 44100, dtype, 22050)


@pytest.mark.parametrize(
    "data",
    [
        flac(0.5),
        flac_bomb(1),
        b"OggS" + bytes(60),
        b"ID3\x04" + bytes(60),
        b"fLaC",
        b"RIFF\x04\x00\x00\x00AVI ",
        b"just some text",
    ],
    ids=["flac", "flac-bomb", "ogg", "mp3", "flac-magic", "avi", "text"],
)
def test_anything_but_a_wav_is_refused_unread(data):
    assert refusal(data) == Message("voice.not_wav")


def test_an_empty_recording_is_refused():
    assert refusal(b"") == Message("voice.empty")
    assert refusal(riff(fmt_chunk(), b"")) == Message("voice.empty")


def test_more_channels_than_a_microphone_gives_are_refused():
    assert refusal(crafted_wav(0.1, 16000, channels=6)) == Message("voice.channels", {"channels": 6, "max_channels": 2})


def test_a_rate_above_48_khz_is_refused():
    assert refusal(crafted_wav(0.1, 96000)) == Message("voice.rate", {"rate": 96000, "max_rate": 48000})
    assert read_recording(crafted_wav(0.1, 48000), LIMIT).rate == 48000


def test_a_recording_longer_than_the_limit_is_refused_by_its_header():
    assert refusal(recorder_wav(3.0, 8000), max_seconds=2) == Message(
        "voice.too_long", {"seconds": 3, "max_seconds": 2}
    )
    assert read_recording(recorder_wav(2.0, 8000), 2).seconds == 2.0
    # The default limit, at 8 kHz 8-bit: 301 s in 2.4 MB.
    long = riff(fmt_chunk(1, 8000, 8), bytes(301 * 8000))
    assert refusal(long) == Message("voice.too_long", {"seconds": 301, "max_seconds": 300})


@pytest.mark.parametrize(
    ("tag", "bits"),
    [(1, 24), (1, 12), (2, 4), (0xFFFE, 16), (3, 64), (6, 8)],
    ids=["pcm24", "pcm12", "adpcm", "extensible", "double", "alaw"],
)
def test_sample_encodings_the_recorder_never_writes_are_refused(tag, bits):
    assert refusal(riff(fmt_chunk(1, 16000, bits, tag, block_align=4), bytes(400))) == Message("voice.encoding")


def test_headers_that_lie_about_the_bytes_are_refused():
    pcm = recorder_wav(0.5)[44:]
    lies = {
        "data longer than the file": lying_wav(),
        "RIFF size too big": riff(fmt_chunk(), pcm, riff_size=10 * MB),
        "RIFF size too small": riff(fmt_chunk(), pcm, riff_size=100),
        "cut short": recorder_wav(0.5)[:-3],
        "half a frame": riff(fmt_chunk(2), pcm[:-2]),
        "block align lies": riff(fmt_chunk(1, block_align=1), pcm),
        "no channels": riff(fmt_chunk(0), pcm),
        "no rate": riff(fmt_chunk(1, 0), pcm),
        "no fmt chunk": b"RIFF" + struct.pack("<I", 12 + len(pcm)) + b"WAVEdata" + struct.pack("<I", len(pcm)) + pcm,
        "short fmt chunk": riff(b"\x01\x00\x01\x00", pcm),
        "two data chunks": riff(fmt_chunk(), pcm, extra=b"data" + struct.pack("<I", 2) + b"\x00\x00"),
        "thousands of chunks": riff(fmt_chunk(), pcm, extra=b"junk\x00\x00\x00\x00" * 1000),
        "the old test's junk": b"RIFF....WAVEjunk",
    }
    for lie, data in lies.items():
        assert refusal(data) == Message("voice.unreadable"), lie


def test_every_refusal_reads_in_english_and_russian():
    messages = [
        refusal(data)
        for data in (
            b"",
            flac(0.1),
            crafted_wav(0.1, 16000, 6),
            crafted_wav(0.1, 96000),
            riff(fmt_chunk(1, 16000, 24), bytes(300)),
            lying_wav(),
        )
    ]
    messages += [refusal(recorder_wav(2.0), max_seconds=1), Message("voice.unusable"), Message("voice.busy")]
    for message in messages:
        english, russian = message.text("en"), message.text("ru")
        assert "nothing was sent" in english and "ничего не отправлено" in russian
        assert "{" not in english + russian


# -- the encoder -----------------------------------------------------------------------------------


def test_the_recorders_wav_goes_as_ogg_opus_at_its_own_rate():
    ogg = ogg_opus(read_recording(recorder_wav(1.5), LIMIT))
    assert ogg[:4] == b"OggS" and b"OpusHead" in ogg[:200]
    rate, seconds, channels = decoded(ogg)
    assert (rate, channels) == (16000, 1) and abs(seconds - 1.5) < 0.03


def test_the_44_khz_wav_that_crashed_the_server_is_encoded_at_48_khz():
    # 50 s at 44.1 kHz: 2.2 million frames, past where libsndfile's Vorbis encoder segfaulted in one write.
    rate, seconds, channels = decoded(ogg_opus(read_recording(crafted_wav(50, 44100), LIMIT)))
    assert (rate, channels) == (48000, 1) and abs(seconds - 50) < 0.05


@pytest.mark.parametrize(("rate", "opus_rate"), [(8000, 8000), (11025, 12000), (22050, 24000), (32000, 48000)])
def test_every_rate_goes_up_to_one_opus_takes(rate, opus_rate):
    assert decoded(ogg_opus(read_recording(crafted_wav(0.5, rate, channels=2, subtype="FLOAT"), LIMIT)))[::2] == (
        opus_rate,
        1,
    )


def test_the_encoder_keeps_the_sound():
    ogg = ogg_opus(read_recording(crafted_wav(1.0, 44100, channels=2, subtype="PCM_U8"), LIMIT))
    samples, _ = soundfile.read(io.BytesIO(ogg))
    # The 0.2 tone, neither silenced nor clipped by a wrong scale or the unsigned 8-bit offset.
    assert 0.15 < abs(samples[4800:-4800]).max() < 0.25 and abs(samples[4800:-4800].mean()) < 0.01


def test_a_recording_goes_as_an_audio_upload_and_gives_its_encoder_slot_back():
    slots = LocalSlots()
    upload = recording_upload(wav(), LIMIT, slots)
    assert (upload.type, upload.mime) == ("audio", "audio/ogg") and upload.name.endswith(".ogg")
    assert slots.acquire(ENCODERS_KEY, 1)  # none is still taken


def test_a_recording_while_every_encoder_is_busy_is_refused():
    slots = LocalSlots()
    for _ in range(ENCODERS_AT_ONCE):
        slots.acquire(ENCODERS_KEY, ENCODERS_AT_ONCE)
    with pytest.raises(RecordingRefused) as refused:
        recording_upload(wav(), LIMIT, slots)
    assert refused.value.message == Message("voice.busy")


# -- the encoder's process -------------------------------------------------------------------------

# What the app did before: libsndfile's Vorbis encoder, 2.2 million frames in one write.
OLD_ENCODER = """
    import io, numpy, soundfile
    soundfile.write(io.BytesIO(), numpy.zeros(44100 * 50, dtype="float32"), 44100, format="OGG", subtype="VORBIS")
"""


def test_a_libsndfile_crash_ends_only_the_child(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(voice, "ENCODER", script(tmp_path, OLD_ENCODER))
    with caplog.at_level(logging.WARNING, logger="chat.voice"), pytest.raises(RecordingRefused) as refused:
        ogg_opus(read_recording(crafted_wav(1.0, 44100), LIMIT))
    assert refused.value.message == Message("voice.unusable")
    assert "child.py was ended by SIGSEGV" in caplog.text
    # This process, the app's stand-in, is still here and still encodes.
    monkeypatch.undo()
    assert decoded(ogg_opus(read_recording(recorder_wav(), LIMIT)))[0] == 16000


# -- the setting and the page ----------------------------------------------------------------------


def test_max_recording_seconds_defaults_to_five_minutes_and_comes_from_env_or_secrets():
    assert load_settings({}, {}).max_recording_seconds == 300
    assert load_settings({"MAX_RECORDING_SECONDS": ""}, {"MAX_RECORDING_SECONDS": 60}).max_recording_seconds == 60
    assert load_settings({"MAX_RECORDING_SECONDS": "30"}, {"MAX_RECORDING_SECONDS": 60}).max_recording_seconds == 30


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("long", "MAX_RECORDING_SECONDS must be a whole number, not 'long'"),
        ("0", "MAX_RECORDING_SECONDS must be at least 1"),
    ],
)
def test_an_unusable_max_recording_seconds_says_how_to_fix_it(value, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({"MAX_RECORDING_SECONDS": value}, {})


def record(at, recording: bytes):
    return at.get("audio_input")[0].set_value(("clip.wav", recording, "audio/wav")).run()


def test_a_flac_named_wav_is_refused_on_the_page_and_not_sent(app, wire):
    at = app(Scenario.VOICE)
    sent = len(wire.predictions(Scenario.VOICE))
    at = record(at, flac(1.0))
    assert not at.exception and len(wire.predictions(Scenario.VOICE)) == sent
    assert at.warning[0].value.startswith("This is not a recording from the recorder (only WAV recordings are taken)")
    assert not at.chat_message


def test_max_recording_seconds_is_the_longest_recording_sent(app, wire):
    at = app(Scenario.VOICE, MAX_RECORDING_SECONDS="2")
    sent = len(wire.predictions(Scenario.VOICE))
    at = record(at, recorder_wav(3.0))
    assert len(wire.predictions(Scenario.VOICE)) == sent
    assert at.warning[0].value.startswith("The recording is 3 seconds long and at most 2 seconds are taken")
    at = record(at, recorder_wav(2.0))
    assert len(wire.predictions(Scenario.VOICE)) == sent + 1
    assert wire.predictions(Scenario.VOICE)[-1].body["uploads"][0]["mime"] == "audio/ogg"
    assert not at.warning
