"""A spoken question: the browser's WAV recording, re-encoded as Flowise's speech-to-text wants it.

Flowise 3.x transcribes an "audio" upload only when its MIME type is audio/webm, audio/mp4 or
audio/ogg (``utils/buildChatflow.ts``); Streamlit records WAV. So the recording is sent as Ogg Opus,
a speech codec every speech-to-text provider Flowise offers reads, and about a tenth of the WAV's size.

Any client can upload any bytes as a recording, and libsndfile, which encodes Opus, is native code
that has crashed the whole server on crafted input. So the recording is checked from its header first
(``chat.wav_recording``), and only its checked PCM samples go to the encoder, which runs in a child
process of its own under a memory, CPU and time limit (``chat.isolated``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from flowise_client import Upload
from flowise_client.uploads import AUDIO, MB

from .app_wide import Slots, slot
from .i18n import Message
from .isolated import ChildFailed, ChildLimits, run_isolated
from .wav_recording import RecordingRefused, WavRecording, read_recording

MIME = "audio/ogg"
ENCODER = Path(__file__).with_name("opus_encoder.py")
# The encoder of a 300 s recording maps about 120 MB and takes about 5 s of CPU; the limits leave
# room for a slower machine, and a stuck or runaway child is ended well before a person gives up.
ENCODER_LIMITS = ChildLimits(memory_bytes=384 * MB, cpu_seconds=60, wall_seconds=120)
# Encoders running at once for the whole app: each is a process with its own memory.
ENCODERS_KEY = "voice:encoders"
ENCODERS_AT_ONCE = 4

log = logging.getLogger(__name__)


def ogg_opus(recording: WavRecording) -> bytes:
    """The checked recording as mono Ogg Opus, or ``RecordingRefused`` if the encoder failed."""
    args = (str(recording.channels), str(recording.rate), recording.dtype)
    try:
        return run_isolated(ENCODER, args, bytes(recording.pcm), ENCODER_LIMITS)
    except ChildFailed as exc:
        log.warning("A %g s recording could not be encoded: %s", recording.seconds, exc)
        raise RecordingRefused(Message("voice.unusable")) from None


def recording_upload(wav: bytes, max_seconds: int, encoders: Slots) -> Upload:
    """The uploads item for a recording, named as Flowise's widget names one (``audio_<ms>.<ext>``);
    ``RecordingRefused`` if the app does not take the recording, or all of the app's
    ``ENCODERS_AT_ONCE`` encoders are busy."""
    recording = read_recording(wav, max_seconds)
    with slot(encoders, ENCODERS_KEY, ENCODERS_AT_ONCE) as free:
        if not free:
            raise RecordingRefused(Message("voice.busy"))
        ogg = ogg_opus(recording)
    return Upload.of_bytes(ogg, AUDIO, f"audio_{int(time.time() * 1000)}.ogg", MIME)
