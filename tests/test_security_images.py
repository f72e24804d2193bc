"""Images from people and flows: none is decoded past the pixel budget, and an answer's picture is
made once."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFile
from streamlit.elements.lib.image_utils import MAXIMUM_CONTENT_WIDTH

from chat.attachments import attachment
from chat.history import turns_from_history
from chat.images import DISPLAY_PIXELS, PIXEL_BUDGET, display_picture, thumbnail
from flowise_client import StoredMessage
from tests.flowise_wire import bomb_png, png
from tests.page import ask, page_text


@pytest.fixture
def decoded(monkeypatch) -> list[tuple[int, int]]:
    """The size of every image Pillow decodes (as it does for Streamlit too) while the test runs."""
    sizes = []
    load = ImageFile.ImageFile.load

    def counting(image):
        sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting)
    return sizes


def animated_gif(width: int, height: int, frames: int) -> bytes:
    out = io.BytesIO()
    pictures = [Image.new("P", (width, height), colour) for colour in range(frames)]
    pictures[0].save(out, format="GIF", save_all=True, append_images=pictures[1:])
    return out.getvalue()


# -- the pixel budget ------------------------------------------------------------------------------


def test_pillow_refuses_what_the_budget_refuses_and_pictures_fit_streamlit():
    assert Image.MAX_IMAGE_PIXELS == PIXEL_BUDGET == 25_000_000
    # Wider than this, st.image would decode and resize the picture again on every run of the page.
    assert DISPLAY_PIXELS == MAXIMUM_CONTENT_WIDTH


def test_an_image_bomb_gets_no_thumbnail_and_is_never_decoded(decoded):
    bomb = bomb_png()  # 300 KB of PNG, 100 million pixels
    assert len(bomb) < 400_000
    picture = thumbnail(bomb)
    assert picture.too_large and picture.content is None
    assert display_picture(bomb).too_large
    assert decoded == []


def test_an_image_just_over_the_budget_is_refused_and_one_within_it_is_shown(decoded):
    assert thumbnail(bomb_png(5001, 5000)).too_large
    assert decoded == []
    within = thumbnail(bomb_png(5000, 5000))
    assert not within.too_large and Image.open(io.BytesIO(within.content)).size == (160, 160)


def test_every_frame_of_an_animation_counts(decoded):
    assert thumbnail(animated_gif(2000, 2000, 7)).too_large  # 28 million pixels in all
    assert decoded == []
    assert thumbnail(animated_gif(2000, 2000, 6)).content is not None


def test_an_attached_bomb_says_so_in_its_bubble_instead_of_a_picture(decoded):
    bombed = attachment("bomb.png", "image/png", bomb_png())
    assert bombed.too_large and bombed.thumbnail is None
    assert not attachment("notes.txt", "text/plain", b"x").too_large
    assert decoded == []


def test_a_restored_conversation_gets_no_thumbnail_of_a_bomb(decoded):
    message = StoredMessage.from_json({
        "role": "userMessage", "content": "What is this?",
        "fileUploads": [{"type": "stored-file", "name": "bomb.png", "mime": "image/png"}],
    })
    (turn,) = turns_from_history([message], lambda name: bomb_png())
    assert turn.attachments[0].too_large and turn.attachments[0].thumbnail is None
    assert decoded == []


def test_a_picture_is_made_to_fit_the_page_and_a_small_one_is_kept_as_it_came():
    large = display_picture(bomb_png(3000, 2000))
    assert large.format == "PNG" and Image.open(io.BytesIO(large.content)).size == (1460, 973)
    photo = io.BytesIO()
    Image.new("RGB", (4000, 3000), (10, 20, 30)).save(photo, format="JPEG")
    shrunk = display_picture(photo.getvalue())
    assert shrunk.format == "JPEG" and Image.open(io.BytesIO(shrunk.content)).size == (1460, 1095)
    small = png(320, 200)
    assert display_picture(small).content == small
    gif = animated_gif(40, 30, 3)
    assert display_picture(gif).content == gif and display_picture(gif).format == "auto"  # still animated
    assert display_picture(b"not an image") == display_picture(small[:40])  # broken: nothing to show
    assert display_picture(b"not an image").content is None


# -- an answer's artifacts, in the page ------------------------------------------------------------


def test_an_artifact_bomb_is_a_caption_and_a_large_picture_is_scaled_once(app, decoded):
    at = ask(app("image-bomb"), "Draw me something")
    text = page_text(at)
    assert "The image bomb\\.png that came with this answer is not shown: it has more than 25 million pixels." in text
    assert "The image png that came with this answer is not shown" in text  # the same bomb as a data URL
    assert all(width * height <= PIXEL_BUDGET for width, height in decoded)
    (turn,) = at.session_state["conversation"].turns
    (poster,) = [picture for picture in turn.pictures.values() if picture.content]
    assert Image.open(io.BytesIO(poster.content)).width == DISPLAY_PIXELS

    # The page is drawn again on every click: the picture shown is the one made, decoded by no one.
    decoded.clear()
    at.run()
    assert decoded == []
    assert len(at.get("image")) == 1
