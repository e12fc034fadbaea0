"""The GIF renderer: frame count, size and delay, and the highlighted cells, read back from the pixels."""
from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw

import cnnviz
from cnnviz.viz import palette, raster
from cnnviz.viz.fonts import font, font_source
from cnnviz.viz.frames import convolution_animation, pooling_animation
from tests import reference as ref

WINDOW = palette._rgb(palette.HIGHLIGHTS["window"][0])
OUTPUT = palette._rgb(palette.HIGHLIGHTS["output"][0])
WINNER = palette._rgb(palette.HIGHLIGHTS["winner"][0])


def _frames(gif: bytes) -> list[Image.Image]:
    image = Image.open(io.BytesIO(gif))
    out = []
    for n in range(image.n_frames):
        image.seek(n)
        out.append(image.convert("RGB"))
    return out


def _edge(image: Image.Image, box, inset: int) -> list[tuple[int, int, int]]:
    """The pixels along the top edge of ``box``, ``inset`` pixels inside it."""
    x0, y0, x1, _ = box
    return [image.getpixel((x, y0 + inset)) for x in range(x0 + inset, x1 - inset)]


@pytest.fixture(scope="module")
def conv():
    x = np.arange(36.0).reshape(6, 6) % 7 - 3
    w = np.array([[1.0, 0.0, -1.0]] * 3)
    return x, w, convolution_animation(cnnviz.conv2d_trace(x, w, None, (2, 1), 1))


@pytest.mark.parametrize("size, pixels", [("720p", (1280, 720)), ("1080p", (1920, 1080))])
def test_gif_has_one_frame_per_step_at_the_size_and_delay_asked(conv, size, pixels):
    _, _, animation = conv
    gif = raster.gif_bytes(animation, delay_ms=500, size=size)
    image = Image.open(io.BytesIO(gif))
    assert image.format == "GIF" and image.size == pixels
    expected_steps = len(ref.positions(6, 3, 2, 1, 1)) * len(ref.positions(6, 3, 1, 1, 1))
    assert image.n_frames == expected_steps == 18
    delays = []
    for n in range(image.n_frames):
        image.seek(n)
        delays.append(image.info["duration"])
    assert delays == [500] * 18
    assert image.info.get("loop") == 0


def test_gif_frames_outline_exactly_the_window_and_the_output_cell(conv):
    x, w, animation = conv
    frames = _frames(raster.gif_bytes(animation, delay_ms=1000))
    layout = raster.Layout.fit(animation, 1280, 720)
    rows, cols = ref.positions(6, 3, 2, 1, 1), ref.positions(6, 3, 1, 1, 1)
    for n in (0, 7, 17):
        i, j = divmod(n, len(cols))
        window = {(rows[i] + a, cols[j] + b) for a in range(3) for b in range(3)}
        image = frames[n]
        for r, c in itertools.product(range(8), range(8)):
            top = _edge(image, layout.cell_box(animation, 0, r, c), 1)
            outlined = top.count(WINDOW) > 0.9 * len(top)
            assert outlined == ((r, c) in window), (n, r, c)
        for r, c in itertools.product(range(len(rows)), range(len(cols))):
            top = _edge(image, layout.cell_box(animation, 2, r, c), 1)
            assert (top.count(OUTPUT) > 0.3 * len(top)) == ((r, c) == (i, j)), (n, r, c)


def test_gif_marks_the_max_pool_winner_with_a_double_outline():
    x = np.array([[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 9.0, 1.0], [0.0, 2.0, 1.0, 1.0], [7.0, 1.0, 3.0, 8.0]])
    animation = pooling_animation(cnnviz.pool2d_trace(x, 2, 2))
    frames = raster.render_frames(animation)
    layout = raster.Layout.fit(animation, 1280, 720)
    line = max(2, int(round(4 * layout.scale)))
    winners = [(0, 1), (1, 2), (3, 0), (3, 3)]  # the largest of each 2×2 block, read off x above
    for n, winner in enumerate(winners):
        for r, c in itertools.product(range(4), range(4)):
            pixels = _edge(frames[n], layout.cell_box(animation, 0, r, c), line + 1)
            assert (pixels.count(WINNER) > 0.6 * len(pixels)) == ((r, c) == winner), (n, r, c)


def test_hangul_is_drawn_with_real_glyphs_not_missing_glyph_boxes():
    assert font_source().regular is not None, "no Hangul font: install fonts-noto-cjk or fonts-nanum"
    f = font(48)

    def glyph(char: str) -> Image.Image:
        image = Image.new("L", (80, 80), 0)
        ImageDraw.Draw(image).text((10, 10), char, fill=255, font=f)
        return image

    missing = glyph("\U000f0000")  # a private-use code point no font has: the missing-glyph box
    drawn = {char: glyph(char) for char in "합성곱필터"}
    for char, image in drawn.items():
        assert image.getbbox() is not None, char
        assert ImageChops.difference(image, missing).getbbox() is not None, char
    assert ImageChops.difference(drawn["합"], drawn["곱"]).getbbox() is not None  # boxes would all look alike


def test_korean_frames_differ_from_english_ones_only_in_the_words(conv):
    x, w, _ = conv
    trace = cnnviz.conv2d_trace(x, w, None, (2, 1), 1)
    english = raster.render_frames(convolution_animation(trace, lang="en"))[0]
    korean = raster.render_frames(convolution_animation(trace, lang="ko"))[0]
    layout = raster.Layout.fit(convolution_animation(trace), 1280, 720)
    board = (0, int(layout.top), 1280, int(layout.top + 8 * layout.cell))
    assert ImageChops.difference(english.crop(board), korean.crop(board)).getbbox() is not None  # titles differ
    cells = layout.cell_box(convolution_animation(trace), 0, 0, 0)
    assert ImageChops.difference(english.crop(cells), korean.crop(cells)).getbbox() is None  # numbers do not
