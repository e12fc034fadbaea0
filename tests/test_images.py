"""Safe image loading from bytes: every mode and format (generated in memory), every broken case, samples, luma."""
import builtins
import io
import os
import struct
import tempfile
import zlib

import numpy as np
import pytest
from PIL import Image

from cnnviz.images import (
    MAX_BYTES, SAMPLES, WORKING_SIDE, ImageError, channels, colour_shapes, load_image, luma, smooth_disk, step_edge,
)

RNG = np.random.default_rng(42)
RGB = RNG.integers(0, 256, (24, 32, 3), dtype=np.uint8)
GREY = RNG.integers(0, 256, (24, 32), dtype=np.uint8)


def encode(im: Image.Image, fmt: str, **kwargs) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **kwargs)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width × height`` pixels: a decompression bomb's calling card."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + png_chunk(b"IEND", b""))


# ------------------------------------------------------------------------------ formats
@pytest.mark.parametrize("fmt", ["PNG", "BMP", "TIFF", "WEBP"])
def test_lossless_formats_decode_rgb_exactly(fmt):
    kwargs = {"lossless": True} if fmt == "WEBP" else {}
    got = load_image(encode(Image.fromarray(RGB), fmt, **kwargs))
    assert got.format == fmt and got.mode == "RGB"
    np.testing.assert_array_equal(got.pixels, RGB)


@pytest.mark.parametrize("fmt", ["PNG", "BMP", "TIFF", "GIF", "WEBP"])
def test_grey_images_stay_one_channel(fmt):
    kwargs = {"lossless": True} if fmt == "WEBP" else {}
    got = load_image(encode(Image.fromarray(GREY), fmt, **kwargs))
    assert got.is_grey and got.pixels.shape == GREY.shape
    np.testing.assert_array_equal(got.pixels, GREY)


def test_jpeg_decodes_close_to_the_original():
    smooth = np.repeat(np.linspace(0, 255, 32, dtype=np.uint8)[None], 24, axis=0)
    rgb = np.stack([smooth, smooth[:, ::-1], np.full_like(smooth, 90)], axis=-1)
    got = load_image(encode(Image.fromarray(rgb), "JPEG", quality=95))
    assert got.format == "JPEG" and got.pixels.shape == rgb.shape
    assert np.abs(got.pixels.astype(int) - rgb).mean() < 3


def test_rgb_file_with_equal_channels_is_treated_as_grey():
    got = load_image(encode(Image.fromarray(np.stack([GREY] * 3, axis=-1)), "PNG"))
    assert got.is_grey
    np.testing.assert_array_equal(got.pixels, GREY)


# ------------------------------------------------------------------------------ modes
def test_palette_image_becomes_its_colours():
    p = Image.fromarray(RGB).quantize(16)
    got = load_image(encode(p, "PNG"))
    assert got.mode == "P"
    np.testing.assert_array_equal(got.pixels, np.asarray(p.convert("RGB")))


def test_palette_transparency_is_flattened_onto_white():
    p = Image.fromarray(RGB).quantize(16)
    p.info["transparency"] = 0
    data = encode(p, "PNG", transparency=0)
    got = load_image(data)
    assert got.flattened
    index = np.asarray(p)
    assert np.all(got.pixels[index == 0] == 255)
    np.testing.assert_array_equal(got.pixels[index != 0], np.asarray(p.convert("RGB"))[index != 0])


def test_rgba_transparent_pixels_become_white_not_black():
    rgba = np.zeros((10, 10, 4), dtype=np.uint8)  # black, fully transparent …
    rgba[:5, :, :3] = (200, 0, 0)
    rgba[:5, :, 3] = 255  # … except an opaque red top half
    rgba[5:7, :, :3], rgba[5:7, :, 3] = (0, 0, 0), 128  # half-transparent black over white → mid grey
    got = load_image(encode(Image.fromarray(rgba, "RGBA"), "PNG"))
    assert got.flattened and got.mode == "RGBA"
    np.testing.assert_array_equal(got.pixels[:5], np.broadcast_to([200, 0, 0], (5, 10, 3)))
    np.testing.assert_array_equal(got.pixels[5:7], np.full((2, 10, 3), np.rint(255 * 127 / 255)))
    np.testing.assert_array_equal(got.pixels[7:], np.full((3, 10, 3), 255))


def test_la_grey_with_alpha_is_flattened_and_stays_grey():
    la = np.stack([np.full((6, 6), 40, np.uint8), np.zeros((6, 6), np.uint8)], axis=-1)
    la[:3, :, 1] = 255
    got = load_image(encode(Image.fromarray(la, "LA"), "PNG"))
    assert got.is_grey and got.flattened
    np.testing.assert_array_equal(got.pixels[:3], 40)
    np.testing.assert_array_equal(got.pixels[3:], 255)


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_16_bit_grey_is_scaled_not_clipped(fmt):
    a16 = np.array([[0, 257, 32896], [65535, 1000, 60000]], dtype=np.uint16)
    a16 = np.tile(a16, (3, 2))  # 6×6: big enough for the filters
    got = load_image(encode(Image.fromarray(a16), fmt))
    assert got.mode.startswith("I;16") and got.scaled_16bit
    np.testing.assert_array_equal(got.pixels, np.rint(a16 / 257).astype(np.uint8))
    assert got.pixels.max() == 255  # convert("L") would have clipped everything above 255 to 255


def test_float_tiff_is_stretched_to_0_255():
    f = np.linspace(-1.0, 3.0, 36, dtype=np.float32).reshape(6, 6)
    got = load_image(encode(Image.fromarray(f, "F"), "TIFF"))
    assert got.mode == "F" and got.is_grey
    np.testing.assert_array_equal(got.pixels, np.rint((f - f.min()) / (f.max() - f.min()) * 255).astype(np.uint8))


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_cmyk_becomes_rgb(fmt):
    cmyk = Image.new("CMYK", (8, 8), (0, 255, 255, 0))  # no black, full magenta + yellow: red
    got = load_image(encode(cmyk, fmt))
    assert got.mode == "CMYK" and got.pixels.shape == (8, 8, 3)
    assert np.all(np.abs(got.pixels.astype(int) - [255, 0, 0]) <= 3)


@pytest.mark.parametrize("fmt", ["PNG", "BMP", "TIFF", "GIF"])
def test_one_bit_images_become_0_and_255(fmt):
    bits = (GREY > 128)
    got = load_image(encode(Image.fromarray(bits), fmt))
    assert got.is_grey
    np.testing.assert_array_equal(got.pixels, np.where(bits, 255, 0))


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "TIFF", "PNG"])
def test_animated_files_give_their_first_frame(fmt):
    frames = [Image.fromarray(np.full((8, 8, 3), c, np.uint8)) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    kwargs = {"lossless": True} if fmt == "WEBP" else {}
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], **kwargs)
    got = load_image(data)
    assert got.frames == (None if fmt == "GIF" else 3)  # GIF frames are not walked: each step decodes one
    np.testing.assert_array_equal(got.pixels, np.asarray(frames[0]))


def test_exif_orientation_is_applied():
    arr = np.zeros((20, 40, 3), np.uint8)
    arr[0, 0] = (255, 0, 0)
    arr[5:10, 30:35] = (0, 255, 0)
    im = Image.fromarray(arr)
    exif = im.getexif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    got = load_image(encode(im, "PNG", exif=exif))
    assert got.rotated and got.source_size == (40, 20)
    np.testing.assert_array_equal(got.pixels, np.rot90(arr, -1))


def test_large_images_are_downscaled_to_the_working_size_with_a_record_of_it():
    big = np.tile(np.linspace(0, 255, 2000, dtype=np.uint8), (1000, 1))
    got = load_image(encode(Image.fromarray(big), "PNG"))
    assert got.downscaled and got.source_size == (1000, 2000)
    assert got.size == (WORKING_SIDE // 2, WORKING_SIDE)
    assert abs(int(got.pixels[0, 0]) - 0) <= 2 and abs(int(got.pixels[0, -1]) - 255) <= 2


def test_big_jpeg_reports_its_true_size_even_when_decoded_at_reduced_scale():
    photo = Image.fromarray(np.tile(np.linspace(0, 255, 3000, dtype=np.uint8), (2000, 1)))
    got = load_image(encode(photo, "JPEG", quality=80))
    assert got.source_size == (2000, 3000)
    assert max(got.size) == WORKING_SIDE


def test_small_images_are_left_alone():
    got = load_image(encode(Image.fromarray(GREY), "PNG"))
    assert not got.downscaled and not got.rotated and not got.flattened and got.frames == 1


def test_uploaded_bytes_are_never_written_to_disk(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"tried to open a file: {args[:1]}")
    files = [encode(Image.fromarray(RGB), f) for f in ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF")]
    for target in (builtins, io):
        monkeypatch.setattr(target, "open", refuse)
    monkeypatch.setattr(os, "open", refuse)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    for data in files:
        assert load_image(data).size == (24, 32)


# ------------------------------------------------------------------------------ broken uploads
def _error(data: bytes, **kwargs) -> ImageError:
    with pytest.raises(ImageError) as err:
        load_image(data, **kwargs)
    assert isinstance(err.value, ValueError)
    return err.value


def test_zero_byte_file():
    err = _error(b"")
    assert err.kind == "empty" and "empty" in str(err)


def test_oversize_file_is_refused_before_decoding():
    err = _error(b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_BYTES + 1))
    assert err.kind == "too_big_file" and "20 MB" in str(err)


@pytest.mark.parametrize("size", [(8000, 7000),  # over our 50-megapixel limit, under Pillow's warning
                                  (10000, 10000),  # Pillow only warns here: the warning must become an error
                                  (30000, 30000)])  # Pillow raises DecompressionBombError itself
def test_decompression_bombs(size):
    err = _error(png_claiming(*size))
    assert err.kind == "bomb" and "million" in str(err)


def test_bomb_limit_is_a_parameter():
    assert _error(encode(Image.fromarray(RGB), "PNG"), max_pixels=100).kind == "bomb"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP", "TIFF"])
def test_truncated_files_fail_at_load_with_a_clear_message(fmt):
    data = encode(Image.fromarray(RNG.integers(0, 256, (64, 64, 3), dtype=np.uint8)), fmt)
    err = _error(data[: len(data) // 2])
    assert err.kind == "truncated" and "ends too early" in str(err)


def test_truncated_webp_is_reported_as_damaged():
    data = encode(Image.fromarray(RNG.integers(0, 256, (64, 64, 3), dtype=np.uint8)), "WEBP")
    assert _error(data[: len(data) // 2]).kind == "damaged"


def test_corrupt_png_data():
    data = bytearray(encode(Image.fromarray(RGB), "PNG"))
    start = data.index(b"IDAT") + 4
    data[start: start + 40] = b"\xff" * 40  # garbage in the compressed pixels
    err = _error(bytes(data))
    assert err.kind == "damaged" and "PNG" in str(err)


def test_header_of_an_image_with_nothing_after_it_is_damaged_not_unknown():
    err = _error(b"\x89PNG\r\n\x1a\n\0\0\0")
    assert err.kind == "damaged" and "PNG" in str(err)


@pytest.mark.parametrize("data", [b"hello, this is a text file\n" * 10, bytes(range(256)) * 4,
                                  b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"])
def test_non_images(data):
    err = _error(data)
    assert err.kind == "not_image" and "not an image" in str(err)


@pytest.mark.parametrize("data, words", [(b"\0\0\0\x18ftypheic" + b"\0" * 64, "HEIC"),
                                         (b"%PDF-1.7\n" + b"\0" * 64, "PDF")])
def test_common_other_formats_are_named(data, words):
    err = _error(data)
    assert err.kind == "unsupported" and words in str(err)


def test_formats_outside_the_list_are_refused():
    ico = encode(Image.fromarray(RGB), "ICO")  # Pillow reads ICO, but the app does not accept it
    assert _error(ico).kind == "not_image"


def test_tiny_images_are_refused():
    err = _error(encode(Image.fromarray(np.zeros((2, 9), np.uint8)), "PNG"))
    assert err.kind == "too_small" and "9×2" in str(err)


def test_error_messages_differ_per_case():
    cases = [b"", png_claiming(10000, 10000), b"plain text", encode(Image.fromarray(np.zeros((2, 2), np.uint8)), "PNG")]
    messages = {str(_error(d)) for d in cases}
    assert len(messages) == len(cases)


# ------------------------------------------------------------------------------ samples and grey
def test_step_edge_is_the_course_image():
    np.testing.assert_array_equal(step_edge().pixels, [[10, 10, 10, 0, 0, 0]] * 6)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_samples_are_read_only_uint8_images(name):
    sample = SAMPLES[name]()
    assert sample.pixels.dtype == np.uint8 and min(sample.size) >= 6 and not sample.pixels.flags.writeable
    assert sample.format == "generated"


def test_colour_sample_has_edges_only_colour_can_see():
    px = colour_shapes().pixels
    y = luma(px)
    assert y.max() - y.min() < 0.5  # grey: almost flat
    assert np.ptp(px.reshape(-1, 3), axis=0).max() == 255  # colour: full contrast


def test_luma_uses_itu_r_601_weights():
    px = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]]], dtype=np.uint8)
    np.testing.assert_allclose(luma(px), [[76.245, 149.685, 29.07, 0.299 * 10 + 0.587 * 20 + 0.114 * 30]], rtol=1e-6)


def test_luma_of_grey_is_exact():
    assert luma(GREY).dtype == np.float32
    np.testing.assert_array_equal(luma(GREY), GREY)
    np.testing.assert_array_equal(luma(np.stack([GREY] * 3, -1)), GREY)  # 0.299 + 0.587 + 0.114 = 1


def test_channels_layout():
    assert channels(RGB).shape == (3, 24, 32) and channels(GREY).shape == (1, 24, 32)
    np.testing.assert_array_equal(channels(RGB)[1], RGB[..., 1])


def test_smooth_disk_is_bright_inside_and_radial():
    d = smooth_disk(65, 20, 1.0)
    assert d[32, 32] > 0.999 and d[0, 0] < 1e-6
    np.testing.assert_allclose(d, d.T)
    np.testing.assert_allclose(d, d[::-1])
