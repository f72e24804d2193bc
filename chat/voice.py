"""A spoken question: the browser's WAV recording, re-encoded as Flowise's speech-to-text wants it.

Flowise 3.x transcribes an "audio" upload only when its MIME type is audio/webm, audio/mp4 or
audio/ogg (``utils/buildChatflow.ts``); Streamlit records WAV. So the recording is sent as Ogg Opus,
a speech codec every speech-to-text provider Flowise offers reads, and about a tenth of the WAV's size.
"""

from __future__ import annotations

import io
import time

import soundfile

from flowise_client import Upload
from flowise_client.uploads import AUDIO

MIME = "audio/ogg"
# The highest sample rate audio hardware records at; the recorder asks the browser for 16 kHz.
MAX_RATE = 192_000


class RecordingUnreadable(ValueError):
    """The recording is empty or not audio."""


# What libsndfile raises for audio it cannot read or write.
_SOUNDFILE_ERRORS = (soundfile.LibsndfileError, RuntimeError, ValueError, TypeError)


def to_ogg(wav: bytes) -> bytes:
    try:
        samples, rate = soundfile.read(io.BytesIO(wav), dtype="float32")
    except _SOUNDFILE_ERRORS as exc:
        raise RecordingUnreadable(str(exc)) from None
    if not len(samples):
        raise RecordingUnreadable("the recording is empty")
    if not 0 < rate <= MAX_RATE:
        # libsndfile's Vorbis encoder crashes the whole process on rates far above that.
        raise RecordingUnreadable(f"the recording's rate is {rate} Hz")
    try:
        return _encoded(samples, rate, "OPUS")
    except _SOUNDFILE_ERRORS:
        pass  # Opus takes only some sample rates; Vorbis takes any
    try:
        return _encoded(samples, rate, "VORBIS")
    except _SOUNDFILE_ERRORS as exc:
        raise RecordingUnreadable(str(exc)) from None


def _encoded(samples: object, rate: int, subtype: str) -> bytes:
    encoded = io.BytesIO()
    soundfile.write(encoded, samples, rate, format="OGG", subtype=subtype)
    return encoded.getvalue()


def recording_upload(wav: bytes) -> Upload:
    """The uploads item for a recording, named as Flowise's widget names one (``audio_<ms>.<ext>``)."""
    return Upload.of_bytes(to_ogg(wav), AUDIO, f"audio_{int(time.time() * 1000)}.ogg", MIME)
