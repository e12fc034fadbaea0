"""MNIST-style preprocessing of drawn and photographed digits (cnnviz.digits), on synthetic digits."""
import gzip
import io

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from cnnviz.digits import (
    BOX,
    FIELD,
    centre_of_mass,
    decode_image,
    preprocess_digit,
    scale_into_box,
    to_gray,
)
from cnnviz.images import ImageError
from tests.conftest import SHARED_MNIST


def draw(strokes, size=(280, 280), width=18.0, origin=(0, 0)):
    """Ink (1 = ink) of line segments ``((r0, c0), (r1, c1))`` with round caps, anti-aliased by 1 px."""
    rows, cols = np.indices(size, dtype=np.float64)
    dist = np.full(size, np.inf)
    for (r0, c0), (r1, c1) in strokes:
        r0, c0, r1, c1 = r0 + origin[0], c0 + origin[1], r1 + origin[0], c1 + origin[1]
        d = np.array([r1 - r0, c1 - c0])
        t = np.clip(((rows - r0) * d[0] + (cols - c0) * d[1]) / max(d @ d, 1e-12), 0, 1)
        dist = np.minimum(dist, np.hypot(rows - (r0 + t * d[0]), cols - (c0 + t * d[1])))
    return np.clip(width / 2 - dist + 0.5, 0, 1)


SEVEN = [((0, 0), (0, 80)), ((0, 80), (120, 30))]
FOUR = [((0, 50), (80, 0)), ((80, 0), (80, 70)), ((20, 55), (130, 55))]


def on_paper(ink, paper=1.0, pen=0.0):
    """Dark pen on light paper, as drawn on the canvas or photographed, uint8."""
    return np.round((paper + (pen - paper) * ink) * 255).astype(np.uint8)


def ink_extent(img, level=1):
    rows = np.flatnonzero((img >= level).any(axis=1))
    cols = np.flatnonzero((img >= level).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def assert_mnist_like(steps):
    out = steps.centred
    assert out.shape == (FIELD, FIELD) and out.dtype == np.uint8
    cy, cx = ndimage.center_of_mass(out.astype(np.float64))
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5  # where MNIST puts it
    h, w = ink_extent(out)
    assert max(h, w) <= BOX + 1 and max(h, w) >= BOX - 2  # longer side scaled to 20 (±anti-aliased edge)
    assert steps.scaled.shape[0] <= BOX and steps.scaled.shape[1] <= BOX and max(steps.scaled.shape) == BOX


def test_off_centre_digit_lands_with_its_centre_of_mass_at_the_field_centre():
    steps = preprocess_digit(on_paper(draw(SEVEN, origin=(10, 12))))
    assert_mnist_like(steps)
    assert steps.inverted


def test_the_same_digit_anywhere_on_the_canvas_gives_the_same_28x28_image():
    a = preprocess_digit(on_paper(draw(FOUR, origin=(20, 20)))).centred
    b = preprocess_digit(on_paper(draw(FOUR, origin=(120, 190)))).centred
    np.testing.assert_array_equal(a, b)


def test_thick_strokes_still_fit_the_20px_box_and_centre():
    steps = preprocess_digit(on_paper(draw(FOUR, width=45, origin=(60, 60))))
    assert_mnist_like(steps)
    assert (steps.centred > 200).mean() > 0.15  # the strokes stay thick: lots of bright ink


def test_light_ink_on_dark_is_not_inverted_and_matches_the_dark_on_light_version():
    ink = draw(SEVEN, origin=(40, 90))
    dark_on_light = preprocess_digit(on_paper(ink))
    light_on_dark = preprocess_digit(on_paper(ink, paper=0.0, pen=1.0))
    assert dark_on_light.inverted and not light_on_dark.inverted
    assert np.abs(dark_on_light.centred.astype(int) - light_on_dark.centred).max() <= 1
    assert_mnist_like(light_on_dark)


def test_photo_with_noise_uneven_light_grey_ink_and_dust_matches_the_clean_drawing():
    rng = np.random.default_rng(1)
    ink = draw(FOUR, origin=(70, 100), width=12)
    clean = preprocess_digit(on_paper(ink))
    light = np.linspace(0.95, 0.75, 400)[None, :] * np.ones((300, 1))  # paper darker to the right
    photo = np.pad(ink, ((0, 20), (0, 120)))
    photo = light + (0.25 - light) * photo + rng.normal(0, 0.04, light.shape)
    photo[[20, 250, 280], [380, 15, 390]] = 0.0  # three dust specks far from the digit
    steps = preprocess_digit(np.round(np.clip(photo, 0, 1) * 255).astype(np.uint8))
    assert steps.inverted
    assert_mnist_like(steps)
    top, bottom, left, right = steps.box
    ref = ink_extent(ink, level=0.5)
    assert abs((bottom - top) - ref[0]) <= 3 and abs((right - left) - ref[1]) <= 3
    corr = np.corrcoef(clean.centred.ravel(), steps.centred.ravel())[0, 1]
    assert corr > 0.9


def test_scaling_keeps_the_aspect_ratio_of_tall_and_wide_digits():
    one = preprocess_digit(on_paper(draw([((20, 100), (220, 100))], width=20)))
    assert one.scaled.shape[0] == BOX and one.scaled.shape[1] == round(20 * BOX / 220)
    dash = preprocess_digit(on_paper(draw([((100, 20), (100, 220))], width=20)))
    assert dash.scaled.shape[1] == BOX and dash.scaled.shape[0] == round(20 * BOX / 220)


def test_scaling_down_is_anti_aliased_fine_stripes_average_to_grey():
    stripes = np.tile(np.array([1.0, 0.0], np.float32), (200, 100))  # 200×200, 1-px columns
    out = scale_into_box(stripes)
    assert out.shape == (BOX, BOX)
    assert np.allclose(out[2:-2, 2:-2], 0.5, atol=0.05)  # nearest-neighbour would give 0s and 1s


def test_a_real_mnist_digit_passes_through_almost_unchanged():
    path = SHARED_MNIST / "t10k-images-idx3-ubyte.gz"
    if not path.exists():
        pytest.skip("official MNIST test set not in ../shared")
    raw = gzip.decompress(path.read_bytes())
    images = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 28, 28)
    for image in images[:20]:
        out = preprocess_digit(image).centred.astype(float)
        assert np.corrcoef(out.ravel(), image.ravel().astype(float))[0, 1] > 0.9


def test_a_blank_or_uniform_picture_is_refused_with_a_message():
    with pytest.raises(ValueError, match="no digit"):
        preprocess_digit(np.full((100, 100), 255, np.uint8))
    with pytest.raises(ValueError, match="no digit"):
        preprocess_digit(np.random.default_rng(0).integers(240, 256, (100, 100)).astype(np.uint8))


def test_centre_of_mass_agrees_with_scipy():
    image = np.random.default_rng(3).random((17, 23))
    np.testing.assert_allclose(centre_of_mass(image), ndimage.center_of_mass(image))


def test_to_gray_matches_pillow_luma_and_lays_transparency_on_white_paper():
    rgb = np.random.default_rng(4).integers(0, 256, (9, 11, 3), dtype=np.uint8)
    pillow = np.asarray(Image.fromarray(rgb).convert("L"), np.float32) / 255
    np.testing.assert_allclose(to_gray(rgb), pillow, atol=1 / 255 + 1e-6)
    rgba = np.zeros((4, 4, 4), np.uint8)  # fully transparent black
    np.testing.assert_allclose(to_gray(rgba), 1.0)


def test_to_gray_refuses_bad_arrays_with_readable_errors():
    with pytest.raises(ValueError, match="shape"):
        to_gray(np.zeros((3, 3, 2)))
    with pytest.raises(ValueError, match="between 0 and 1"):
        to_gray(np.full((3, 3), 2.0))


def _png(array, mode=None):
    buf = io.BytesIO()
    Image.fromarray(array, mode=mode).save(buf, format="PNG")
    return buf.getvalue()


def test_decode_image_reads_a_png_photo_and_the_pipeline_accepts_it():
    data = _png(on_paper(draw(SEVEN, origin=(30, 30))))
    gray = decode_image(data)
    assert gray.shape == (280, 280) and gray.dtype == np.float32
    assert_mnist_like(preprocess_digit(gray))


def test_decode_image_scales_16_bit_greys_instead_of_clipping():
    a = np.array([[0, 32768, 65535]], np.uint16)  # the one decoder keeps 8 bits: round(v / 257) / 255
    np.testing.assert_allclose(decode_image(_png(a)), [[0, 128 / 255, 1]], atol=1e-6)


def test_decode_image_turns_transparent_background_into_white_paper():
    rgba = np.zeros((50, 50, 4), np.uint8)
    rgba[20:30, 20:30, 3] = 255  # black opaque ink, transparent elsewhere
    gray = decode_image(_png(rgba))
    assert gray[0, 0] == pytest.approx(1.0) and gray[25, 25] == pytest.approx(0.0)


@pytest.mark.parametrize("data", [b"", b"not a picture at all", _png(np.random.default_rng(0).integers(0, 256, (60, 60), dtype=np.uint8))[:900]],
                         ids=["empty", "text", "truncated"])
def test_decode_image_refuses_broken_files_with_a_message(data):
    with pytest.raises(ImageError) as err:
        decode_image(data)
    assert err.value.kind == {b"": "empty", b"not a picture at all": "not_image"}.get(data, "truncated")
