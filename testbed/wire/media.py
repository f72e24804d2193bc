"""Pictures and sound for uploads and answers, made on the fly."""

from __future__ import annotations

import functools
import io
import struct
import zlib


def wav(seconds: float = 1.0, rate: int = 16000) -> bytes:
    """A tone recorded as Streamlit's recorder records: WAV at 16 kHz."""
    import numpy as np
    import soundfile

    samples = (np.sin(np.linspace(0, 2 * np.pi * 440 * seconds, int(rate * seconds))) * 0.2).astype("float32")
    out = io.BytesIO()
    soundfile.write(out, samples, rate, format="WAV")
    return out.getvalue()


def png(width: int = 64, height: int = 40, colour: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


@functools.cache
def bomb_png(width: int = 10_000, height: int = 10_000) -> bytes:
    """A black PNG of ``width`` × ``height``: about 300 KB for the default 100 million pixels, about
    400 MB once decoded. Compressed row by row, so that making it never holds the pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor, row = zlib.compressobj(9), b"\0" * (1 + 3 * width)  # each row: filter type 0, black pixels
    parts = [compressor.compress(row * 100) for _ in range(height // 100)]
    parts += [compressor.compress(row * (height % 100)), compressor.flush()]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")
