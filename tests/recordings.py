"""Recordings as Streamlit's recorder makes them, and the crafted ones an attacker uploads instead."""

from __future__ import annotations

import io
import struct

import numpy as np
import soundfile


def riff(
    fmt: bytes, data: bytes, riff_size: int | None = None, data_size: int | None = None, extra: bytes = b""
) -> bytes:
    """A RIFF/WAVE file of a ``fmt `` chunk and a ``data`` chunk, with sizes that may lie."""
    data_chunk = b"data" + struct.pack("<I", len(data) if data_size is None else data_size) + data
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + data_chunk + extra
    return b"RIFF" + struct.pack("<I", len(body) if riff_size is None else riff_size) + body


def fmt_chunk(
    channels: int = 1, rate: int = 16000, bits: int = 16, tag: int = 1, block_align: int | None = None
) -> bytes:
    align = channels * bits // 8 if block_align is None else block_align
    return struct.pack("<HHIIHH", tag, channels, rate, rate * align, align, bits)


def tone(seconds: float, rate: int, channels: int = 1) -> np.ndarray:
    frames = int(seconds * rate)
    wave = np.sin(2 * np.pi * 440 * np.arange(frames) / rate) * 0.2
    return np.repeat(wave[:, None], channels, axis=1)


def recorder_wav(seconds: float = 1.0, rate: int = 16000) -> bytes:
    """Exactly what Streamlit's recorder sends: a 44-byte header, mono 16-bit PCM."""
    pcm = (tone(seconds, rate)[:, 0] * 32767).astype("<i2").tobytes()
    return riff(fmt_chunk(1, rate, 16), pcm)


def crafted_wav(seconds: float, rate: int, channels: int = 1, subtype: str = "PCM_16") -> bytes:
    """A WAV as libsndfile writes it (any rate and channel count; floats with a fact and PEAK chunk)."""
    out = io.BytesIO()
    soundfile.write(out, tone(seconds, rate, channels), rate, format="WAV", subtype=subtype)
    return out.getvalue()


def flac(seconds: float, rate: int = 16000) -> bytes:
    out = io.BytesIO()
    soundfile.write(out, tone(seconds, rate), rate, format="FLAC")
    return out.getvalue()


def flac_bomb(minutes: int = 20, rate: int = 48000) -> bytes:
    """Silent stereo FLAC: some tens of KB that decode to about a gigabyte of float samples."""
    out = io.BytesIO()
    block = np.zeros((rate * 60, 2), dtype=np.int16)
    with soundfile.SoundFile(out, "w", rate, 2, format="FLAC") as bomb:
        for _ in range(minutes):
            bomb.write(block)
    return out.getvalue()


def lying_wav() -> bytes:
    """A header that says 300 s of 48 kHz audio follow, over one second of samples."""
    pcm = recorder_wav(1.0, 48000)[44:]
    return riff(fmt_chunk(1, 48000, 16), pcm, data_size=300 * 48000 * 2)
