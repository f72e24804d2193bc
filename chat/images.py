"""Pictures of images that people and flows send, made without ever decoding an image past a pixel
budget: a PNG of 10000 × 10000 pixels is 300 KB of file but 400 MB once decoded."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Literal

from PIL import Image

# A 6000 × 4000 camera photo fits; decoded, an image this size takes up to 100 MB for a moment.
PIXEL_BUDGET = 25_000_000
PIXEL_BUDGET_MEGAPIXELS = PIXEL_BUDGET // 1_000_000
# Pillow refuses to open an image of twice its limit (DecompressionBombError): with the limit at the
# budget, an image that slips past the checks here, in Streamlit's st.image say, is still bounded.
Image.MAX_IMAGE_PIXELS = PIXEL_BUDGET
# Between the limit and twice it Pillow only warns; the budget is checked here before anything is
# decoded, so the warning would only repeat it in the log.
warnings.simplefilter("ignore", Image.DecompressionBombWarning)

# Big enough to recognise a photo in the chat, small enough that a session holding many stays light.
THUMBNAIL_PIXELS = 160
# Streamlit's widest picture (image_utils.MAXIMUM_CONTENT_WIDTH): st.image decodes and resizes
# anything wider again on every run of the page. Heights get the same bound.
DISPLAY_PIXELS = 1460
# st.image's output_format values.
ShownFormat = Literal["JPEG", "PNG", "GIF", "auto"]
# Formats st.image passes on as they are when told the format (GIF it recognises by itself).
_SHOWN_AS_IS: dict[str, ShownFormat] = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "auto"}
# What Pillow raises for bytes that are not an image it can read, or are a broken one.
_UNREADABLE = (OSError, ValueError, EOFError, SyntaxError)


@dataclass(frozen=True)
class Picture:
    """What to show for an image: ``content`` in ``format`` (st.image's ``output_format``), or none,
    because the image is past the pixel budget (``too_large``) or the bytes are no readable image."""

    content: bytes | None = None
    format: ShownFormat = "PNG"
    too_large: bool = False


def thumbnail(content: bytes) -> Picture:
    """A PNG at most THUMBNAIL_PIXELS on each side."""
    return _picture(content, THUMBNAIL_PIXELS, keep_small=False)


def display_picture(content: bytes) -> Picture:
    """The image at most DISPLAY_PIXELS on each side, so that st.image shows it as it is: a PNG, GIF or
    JPEG within that size unchanged (an animation stays one), any other made a PNG, or a JPEG if it
    was one."""
    return _picture(content, DISPLAY_PIXELS, keep_small=True)


def _picture(content: bytes, bound: int, keep_small: bool) -> Picture:
    try:
        with Image.open(io.BytesIO(content)) as image:
            # Opening reads the header only: the size is known before a single pixel is decoded.
            # Every frame of an animation is decoded by the browser, and counts.
            width, height = image.size
            if width * height * getattr(image, "n_frames", 1) > PIXEL_BUDGET:
                return Picture(too_large=True)
            if keep_small and image.format in _SHOWN_AS_IS and max(width, height) <= bound:
                image.verify()  # reads the file's structure, not its pixels
                return Picture(content, _SHOWN_AS_IS[image.format])
            image.thumbnail((bound, bound))
            return _encoded(image, jpeg=keep_small and image.format == "JPEG")
    except Image.DecompressionBombError:
        return Picture(too_large=True)
    except _UNREADABLE:
        return Picture()


def _encoded(image: Image.Image, jpeg: bool) -> Picture:
    out = io.BytesIO()
    if jpeg:
        image.convert("RGB").save(out, format="JPEG", quality=85)
        return Picture(out.getvalue(), "JPEG")
    image.convert("RGBA").save(out, format="PNG")
    return Picture(out.getvalue(), "PNG")
