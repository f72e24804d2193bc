"""The child process that turns checked PCM into Ogg Opus: ``python opus_encoder.py CHANNELS RATE
DTYPE`` reads the PCM samples on stdin and writes the Ogg file on stdout.

It runs apart from the app (see ``chat.isolated``) because libsndfile is native code: a crash or a
runaway allocation in it must end this process, not the server every visitor's session lives in.
So it imports nothing of the app, only numpy and soundfile.
"""

from __future__ import annotations

import io
import sys

import numpy as np
import soundfile

# The sample rates the Opus encoder takes; libsndfile refuses any other, and its fallback for them,
# Vorbis, is the encoder that crashes on long writes. Every input rate goes up to the nearest of them.
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
# Frames of output written per call: libsndfile's Vorbis path crashed past ~2^21 frames in one write,
# and small blocks keep the float copies of the samples small whatever the recording's length.
BLOCK_FRAMES = 1 << 15
# How each stored sample encoding maps to [-1, 1].
_SCALES = {"u1": 128.0, "<i2": 32768.0, "<i4": 2147483648.0, "<f4": 1.0}


def opus_rate(rate: int) -> int:
    """The Opus rate a recording at ``rate`` is resampled to: the nearest one at or above it."""
    return next((opus for opus in OPUS_RATES if opus >= rate), OPUS_RATES[-1])


def mono(frames: np.ndarray, dtype: str) -> np.ndarray:
    """``frames`` (frames × channels, stored samples) as one float32 channel in [-1, 1]."""
    samples = frames.astype(np.float32)
    if dtype == "u1":
        samples -= 128.0  # 8-bit WAV is unsigned
    channel: np.ndarray = samples.mean(axis=1) / np.float32(_SCALES[dtype])
    return channel


def encode(pcm: bytes, channels: int, rate: int, dtype: str) -> bytes:
    """The PCM as mono Ogg Opus, resampled by linear interpolation (ample for speech) and written in
    blocks of ``BLOCK_FRAMES``."""
    frames = np.frombuffer(pcm, dtype=dtype).reshape(-1, channels)
    target = opus_rate(rate)
    total = len(frames) * target // rate
    out = io.BytesIO()
    with soundfile.SoundFile(out, "w", target, 1, format="OGG", subtype="OPUS") as ogg:
        for start in range(0, total, BLOCK_FRAMES):
            # Where each output frame falls in the input, and the input frames around those places.
            where = np.arange(start, min(start + BLOCK_FRAMES, total)) * (rate / target)
            first, last = int(where[0]), min(int(where[-1]) + 2, len(frames))
            source = mono(frames[first:last], dtype)
            ogg.write(np.interp(where, np.arange(first, last), source).astype(np.float32))
    return out.getvalue()


def main(argv: list[str]) -> int:
    channels, rate, dtype = int(argv[1]), int(argv[2]), argv[3]
    sys.stdout.buffer.write(encode(sys.stdin.buffer.read(), channels, rate, dtype))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
