"""A voice recording checked from its WAV header alone, before any of it is decoded.

``st.audio_input`` checks only the file's name, so any client can upload any bytes as a recording.
Streamlit's recorder (``useWaveformController``: ``AudioContext`` → ``OfflineAudioContext`` → a
44-byte RIFF header) always sends mono 16-bit PCM WAV at the rate the app asks for. Taken here is that
container and its plain relatives (integer or float PCM, one or two channels, up to 48 kHz), whose
size says exactly how long it is; anything else (FLAC, Ogg, MP3 renamed, a header whose sizes do not
match the bytes, more channels or a higher rate than a microphone recording needs, longer than the
limit) is refused with a message that says why, and never reaches a decoder.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

from .i18n import Message

MAX_CHANNELS = 2
MAX_RATE = 48_000
# WAVE_FORMAT_PCM and WAVE_FORMAT_IEEE_FLOAT with their sample widths, as numpy dtypes.
_ENCODINGS = {(1, 8): "u1", (1, 16): "<i2", (1, 32): "<i4", (3, 32): "<f4"}
# A WAV from a recorder has two or three chunks; a file of thousands of tiny ones is not one.
_MAX_CHUNKS = 16
_CHUNK_HEADER = struct.Struct("<4sI")
# wFormatTag, nChannels, nSamplesPerSec, nAvgBytesPerSec, nBlockAlign, wBitsPerSample
_FORMAT = struct.Struct("<HHIIHH")


class RecordingRefused(ValueError):
    """A recording the app does not take; ``message`` says why to the person who made it."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.key)
        self.message = message


@dataclass(frozen=True)
class WavRecording:
    channels: int
    rate: int
    # The numpy dtype of one stored sample.
    dtype: str
    # The samples as stored, channels interleaved.
    pcm: memoryview
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.rate


@dataclass(frozen=True)
class _Format:
    tag: int
    channels: int
    rate: int
    byte_rate: int
    block_align: int
    bits: int


def read_recording(data: bytes, max_seconds: int) -> WavRecording:
    """The recording in ``data``, if it is one the app takes; otherwise ``RecordingRefused``."""
    if not data:
        raise RecordingRefused(Message("voice.empty"))
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise RecordingRefused(Message("voice.not_wav"))
    if struct.unpack_from("<I", data, 4)[0] != len(data) - 8:
        raise RecordingRefused(Message("voice.unreadable"))  # cut short, or padded with something else
    chunks = _chunks(memoryview(data))
    if not {b"fmt ", b"data"} <= chunks.keys() or len(chunks[b"fmt "]) < _FORMAT.size:
        raise RecordingRefused(Message("voice.unreadable"))
    recording = _recording(_Format(*_FORMAT.unpack_from(chunks[b"fmt "])), chunks[b"data"])
    if not recording.frames:
        raise RecordingRefused(Message("voice.empty"))
    if recording.seconds > max_seconds:
        seconds = math.ceil(recording.seconds)
        raise RecordingRefused(Message("voice.too_long", {"seconds": seconds, "max_seconds": max_seconds}))
    return recording


def _chunks(data: memoryview) -> dict[bytes, memoryview]:
    """The RIFF chunks after the WAVE tag by id, each one's size checked against the bytes there are."""
    chunks: dict[bytes, memoryview] = {}
    offset = 12
    while offset < len(data):
        if len(chunks) == _MAX_CHUNKS or offset + _CHUNK_HEADER.size > len(data):
            raise RecordingRefused(Message("voice.unreadable"))
        chunk_id, size = _CHUNK_HEADER.unpack_from(data, offset)
        start = offset + _CHUNK_HEADER.size
        if chunk_id in chunks or start + size > len(data):
            raise RecordingRefused(Message("voice.unreadable"))
        chunks[chunk_id] = data[start : start + size]
        offset = start + size + size % 2  # chunks start on even offsets
    return chunks


def _recording(fmt: _Format, pcm: memoryview) -> WavRecording:
    if not fmt.channels or not fmt.rate:
        raise RecordingRefused(Message("voice.unreadable"))
    if fmt.channels > MAX_CHANNELS:
        raise RecordingRefused(Message("voice.channels", {"channels": fmt.channels, "max_channels": MAX_CHANNELS}))
    if fmt.rate > MAX_RATE:
        raise RecordingRefused(Message("voice.rate", {"rate": fmt.rate, "max_rate": MAX_RATE}))
    dtype = _ENCODINGS.get((fmt.tag, fmt.bits))
    if dtype is None:
        raise RecordingRefused(Message("voice.encoding"))
    if fmt.block_align != fmt.channels * fmt.bits // 8 or len(pcm) % fmt.block_align:
        raise RecordingRefused(Message("voice.unreadable"))
    return WavRecording(fmt.channels, fmt.rate, dtype, pcm, len(pcm) // fmt.block_align)
