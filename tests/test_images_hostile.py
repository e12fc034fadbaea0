"""Hostile image files (issue 15): limits decided from the header before decoding, bounded frame counting,
transparency keys, NaN pixels, EXIF orientation, and no Pillow message ever reaching a student.

The files are built here (tests/hostile_files.py), small; the memory bounds are proved in subprocesses
with an address-space limit (``RLIMIT_AS``) of the memory the process already had plus 300 MB.
"""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image, ImageFile, TiffImagePlugin

from cnnviz import digits, image_headers, images
from cnnviz.image_headers import webp_size
from cnnviz.images import MAX_FRAMES, ImageError, decoded_bytes, load_image
from tests import hostile_files as h
from tests.conftest import ROOT

S = 7071  # 7071² = 49,999,041 pixels: inside the 50-megapixel limit, so only the decoded-bytes limit stops them


def _code(data: bytes, decode=load_image) -> str:
    with pytest.raises(ImageError) as err:
        decode(data)
    return err.value.code


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any pixel data is decoded."""
    def refuse(self, *args, **kwargs):
        raise AssertionError("pixels were decoded")
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.parametrize("data, mode", [
    (h.palette_png_with_transparency(S, S), "P"),  # 4.7 GB before
    (h.png(8000, 5000, 6), "RGBA"),  # RGBA 40 MP: 3.9 GB before
    (h.tiff(S, S, 32, 3), "F"),  # float TIFF: 1.5 GB before
    (h.png(S, S, 0, 16), "I;16"),  # 16-bit PNG: 1.0 GB before
    (h.png(S, S, 4), "LA"),
], ids=["palette+tRNS", "RGBA-40MP", "float-tiff", "16-bit", "LA"])
def test_images_whose_decoding_would_take_too_much_memory_are_refused_from_the_header(data, mode, no_decoding):
    with pytest.raises(ImageError) as err:
        load_image(data)
    assert err.value.code == "image_too_much_memory" and err.value.kind == "too_much_memory"
    assert err.value.params["mode"] == mode and err.value.params["need"] > err.value.params["limit"]
    assert "MB" in str(err.value) and "메모리" in err.value.message("ko")


def test_an_ordinary_50_megapixel_rgb_image_is_still_within_the_limit():
    assert decoded_bytes("RGB", S, S) <= images.MAX_DECODED_BYTES < decoded_bytes("RGBA", S, S)


@pytest.mark.parametrize("width, height, lossless, alpha, mode", [
    (S, S, True, True, "RGBA"), (1696, 16383, False, False, "RGB"), (1696, 16383, True, False, "RGB")])
def test_webp_sizes_are_read_from_the_header_as_pillow_reads_them(width, height, lossless, alpha, mode):
    data = h.webp_claiming(width, height, lossless, alpha)
    assert len(data) < 40 and webp_size(data) == (width, height, mode)


def test_a_26_byte_lossless_rgba_webp_of_7071_squared_never_reaches_pillow(monkeypatch):
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("Pillow opened it (and allocated its canvas)"))
    assert _code(h.webp_claiming(S, S)) == "image_bomb"  # WebP's own pixel limit


def test_a_webp_header_with_no_picture_after_it_is_damaged_not_a_crash():
    assert _code(h.webp_claiming(1696, 2000, lossless=False)) == "image_damaged"


def test_a_multi_page_tiff_is_not_walked_to_its_end(monkeypatch):
    seeks = []
    real = TiffImagePlugin.TiffImageFile._seek

    def counting(self, frame):
        seeks.append(frame)
        return real(self, frame)
    monkeypatch.setattr(TiffImagePlugin.TiffImageFile, "_seek", counting)
    got = load_image(h.tiff(4, 4, pages=2000))  # 2,000 pages here; the bench runs 100,000
    assert got.frames is None and got.size == (4, 4)
    assert max(seeks) <= MAX_FRAMES and len(seeks) <= 2 * MAX_FRAMES + 4


def test_a_tiff_with_a_few_pages_reports_how_many():
    assert load_image(h.tiff(4, 4, pages=4)).frames == 4


@pytest.mark.parametrize("mode, key", [("L", 40), ("RGB", (10, 20, 30))])
def test_png_transparency_keys_are_flattened_onto_paper_white(mode, key):
    rng = np.random.default_rng(1)
    shape = (12, 10) if mode == "L" else (12, 10, 3)
    a = rng.integers(50, 250, shape, dtype=np.uint8)
    a[2:5, 3:7] = key
    out = io.BytesIO()
    Image.fromarray(a, mode).save(out, "PNG", transparency=key)
    got = load_image(out.getvalue())
    keyed = (a == key) if mode == "L" else (a == key).all(axis=-1)
    assert got.flattened and keyed.sum() == 12
    expected = a.copy()
    expected[keyed] = 255
    np.testing.assert_array_equal(got.pixels, expected)


def test_palette_alpha_per_entry_is_laid_on_white():
    index = np.arange(12 * 16, dtype=np.uint8).reshape(12, 16) % 8
    palette = np.array([[200, 10, 10], [10, 200, 10], [10, 10, 200], [0, 0, 0]] * 2, np.uint8)
    alpha = np.array([255, 128, 0, 64, 255, 255, 1, 254], np.uint8)
    p = Image.fromarray(index, "P")
    p.putpalette(palette.ravel().tolist())
    out = io.BytesIO()
    p.save(out, "PNG", transparency=alpha.tobytes())
    got = load_image(out.getvalue())
    a = alpha[index][..., None] / 255  # c·a + 255·(1 − a), written from the definition
    np.testing.assert_array_equal(got.pixels, np.rint(palette[index] * a + 255 * (1 - a)).astype(np.uint8))
    assert got.flattened


def test_float_tiff_pixels_that_are_not_numbers_are_refused():
    for decode in (load_image, digits.decode_image):
        assert _code(h.tiff_nan(), decode) == "image_not_finite"


@pytest.mark.parametrize("orientation", [0, 1, 9, 65535])
def test_exif_orientations_that_do_not_turn_say_nothing_turned(orientation):
    arr = np.random.default_rng(2).integers(0, 256, (8, 12, 3), dtype=np.uint8)
    im = Image.fromarray(arr)
    exif = im.getexif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    im.save(out, "PNG", exif=exif)
    got = load_image(out.getvalue())
    assert not got.rotated
    np.testing.assert_array_equal(got.pixels, arr)


def test_exif_turn_is_applied_after_downscaling_and_keeps_the_true_size():
    arr = np.zeros((1000, 3000), np.uint8)
    arr[:100, :300] = 255  # bright top-left block
    im = Image.fromarray(arr)
    exif = im.getexif()
    exif[0x0112] = 3  # upside down
    out = io.BytesIO()
    im.save(out, "PNG", exif=exif)
    got = load_image(out.getvalue())
    assert got.rotated and got.source_size == (1000, 3000) and max(got.size) == images.WORKING_SIDE
    assert got.pixels[-5, -5] > 200 and got.pixels[5, 5] < 50  # the block is now bottom-right


def _mutations(rng) -> list[bytes]:
    """Small valid files of every allowed format, each damaged in several ways."""
    pic = Image.fromarray(rng.integers(0, 256, (20, 24, 3), dtype=np.uint8))
    files = []
    for fmt, kwargs in (("PNG", {}), ("JPEG", {}), ("GIF", {}), ("BMP", {}), ("WEBP", {"lossless": True}),
                        ("TIFF", {"compression": "tiff_deflate"})):
        out = io.BytesIO()
        pic.save(out, fmt, **kwargs)
        files.append(out.getvalue())
    damaged = []
    for data in files:
        for _ in range(25):
            b = bytearray(data)
            for pos in rng.integers(0, len(b), rng.integers(1, 6)):
                b[pos] = rng.integers(0, 256)
            damaged.append(bytes(b))
        damaged += [data[:n] for n in (12, 40, len(data) // 3)]
    return damaged


LIBRARY_WORDS = ("PIL", "Pillow", "cannot identify", "tile cannot", "MAX_TEXT_CHUNK", "not supported", "int()",
                 "Errno", "broken data stream", "image file is truncated", "decoder", "buffer")


def test_damaged_files_give_only_the_apps_own_messages():
    rng = np.random.default_rng(15)
    seen = set()
    for data in _mutations(rng) + [h.png_with_text_bomb()]:
        try:
            load_image(data)
        except ImageError as err:
            seen.add(err.code)
            for lang in ("en", "ko"):
                assert not any(word in err.message(lang) for word in LIBRARY_WORDS), (err.code, err.message(lang))
    assert {"image_damaged", "image_truncated"} <= seen


def test_the_digit_panel_decodes_through_the_same_limits():
    data = h.palette_png_with_transparency(S, S)
    assert _code(data, digits.decode_image) == _code(data, load_image) == "image_too_much_memory"


def _run_bounded(build: str, call: str, extra_mb: int = 300) -> str:
    """Build an input, then run ``call`` on it with the address space capped at what the process has + extra_mb."""
    script = textwrap.dedent(f"""
        import resource, sys
        sys.path.insert(0, {str(ROOT)!r})
        from cnnviz.errors import CnnvizError
        from cnnviz.images import load_image
        from cnnviz.digits import decode_image
        from tests import hostile_files as h
        data = {build}
        vm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmSize:")) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (vm + {extra_mb} * 2**20, resource.RLIM_INFINITY))
        try:
            got = {call}
            print("ok", getattr(got, "shape", None))
        except CnnvizError as err:
            print(err.code)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         env={"OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.strip()


def test_a_real_palette_png_of_7071_squared_is_refused_within_300_mb():
    assert _run_bounded(f"h.palette_png_with_transparency({S}, {S}, rows={S})", "load_image(data)") \
        == "image_too_much_memory"


def test_a_real_rgba_png_just_under_the_limit_decodes_within_300_mb():
    assert _run_bounded("h.png(5099, 5099, 6, rows=5099)", "load_image(data).pixels") == "ok (1024, 1024)"


def test_a_real_16_bit_png_just_under_the_limit_decodes_within_300_mb():
    assert _run_bounded("h.png(5290, 5290, 0, 16, rows=5290)", "decode_image(data)") == "ok (560, 560)"


def test_every_image_and_mnist_error_case_has_a_message_in_every_language():
    import re

    from cnnviz.locales import LANGUAGES, catalogue

    root = ROOT / "cnnviz"
    cases = {f"image_{c}" for c in re.findall(r'ImageError\(\s*"(\w+)"', (root / "images.py").read_text())}
    cases |= set(re.findall(r'MnistFileError\(\s*"(\w+)"', (root / "mnist.py").read_text()))
    cases |= set(re.findall(r'"(mnist_not_(?:labels|images))"', (root / "mnist.py").read_text()))
    assert len(cases) > 20
    for lang in LANGUAGES:
        assert sorted(c for c in cases if f"error.{c}" not in catalogue(lang)) == []


def test_a_gif_of_millions_of_tiny_blocks_is_refused_before_pillow_walks_them(monkeypatch):
    data = h.gif_with_tiny_blocks(images.MAX_GIF_BLOCKS + 1)  # Pillow's open took 5 s for 5 million
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("Pillow opened it"))
    with pytest.raises(ImageError) as err:
        load_image(data)
    assert err.value.code == "image_too_many_blocks" and err.value.kind == "damaged"


def test_gif_blocks_are_counted_only_up_to_the_second_frame():
    frames = [Image.fromarray(np.random.default_rng(i).integers(0, 256, (60, 80), dtype=np.uint8)) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    one = io.BytesIO()
    frames[0].save(one, "GIF")
    assert 0 < image_headers.gif_blocks(out.getvalue(), 10**9) == image_headers.gif_blocks(one.getvalue(), 10**9)
    assert image_headers.gif_blocks(h.gif_with_tiny_blocks(500), 100) == 101  # stops once past the budget


def test_webp_has_its_own_pixel_limit_because_libwebp_holds_the_interpreter(monkeypatch):
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("Pillow opened it"))
    with pytest.raises(ImageError) as err:
        load_image(h.webp_claiming(1696, 16383, lossless=False))  # 27.8 MP, RGB: within the general limits
    assert err.value.code == "image_bomb" and err.value.params["limit"] == round(images.MAX_WEBP_PIXELS / 1e6)


def test_a_tiff_of_millions_of_strips_is_refused_before_pillow_opens_it(monkeypatch):
    data = h.tiff_with_strips(images.MAX_TIFF_STRIPS + 1)  # 4 million took Pillow 15 s and 1 GB to open
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("Pillow opened it"))
    with pytest.raises(ImageError) as err:
        load_image(data)
    assert err.value.code == "image_tiff_too_many_pieces" and err.value.kind == "damaged"


def test_tiff_layout_reads_entries_and_strips_of_every_counted_page():
    out = io.BytesIO()
    Image.fromarray(np.zeros((30, 20), np.uint8)).save(out, "TIFF")
    entries, strips = image_headers.tiff_layout(out.getvalue(), 11, 1000)
    assert 5 <= entries <= 30 and strips == 1
    assert image_headers.tiff_layout(h.tiff_with_strips(300), 11, 1000) == (9, 300)
    assert image_headers.tiff_layout(h.tiff(4, 4, pages=50), 11, 1000) == (10, 1)  # a chain of pages, walked 11 deep
    assert image_headers.tiff_layout(b"II*\0\xff\xff\xff\x00", 11, 1000) == (0, 0)  # an offset past the end
    assert load_image(h.tiff_with_strips(16)).size == (16, 16)  # an honest file with 16 strips still opens


def test_a_png_of_a_million_tiny_chunks_is_refused_before_pillow_reads_them(monkeypatch):
    data = h.png_with_chunks(images.MAX_PNG_CHUNKS + 1)  # 500,000 took Pillow 4 s, holding the interpreter
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("Pillow opened it"))
    with pytest.raises(ImageError) as err:
        load_image(data)
    assert err.value.code == "image_too_many_chunks"


def test_png_chunks_are_counted_from_their_lengths():
    assert image_headers.png_chunks(h.png(8, 8, 0, rows=8), 10**6) == 3  # IHDR, IDAT, IEND
    assert image_headers.png_chunks(h.png_with_chunks(40), 10**6) == 43
    assert image_headers.png_chunks(h.png_with_chunks(40), 10) == 11
    assert load_image(h.png_with_chunks(100)).size == (8, 8)


def test_a_jpeg_of_a_million_empty_markers_is_refused_before_pillow_reads_them(monkeypatch):
    data = h.jpeg_with_comments(images.MAX_JPEG_MARKERS + 1)  # a million took Pillow 2.6 s
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("Pillow opened it"))
    assert _code(data) == "image_too_many_chunks"


def test_jpeg_markers_are_counted_up_to_the_first_scan():
    plain = h.jpeg_with_comments(0)
    assert 3 <= image_headers.jpeg_markers(plain, 10**6) <= 30
    assert image_headers.jpeg_markers(h.jpeg_with_comments(50), 10**6) == image_headers.jpeg_markers(plain, 10**6) + 50
    assert image_headers.jpeg_markers(b"\xff\xd8" + b"\x00" * 100, 10) == 11  # stray bytes count one by one
    assert load_image(h.jpeg_with_comments(200)).size == (8, 8)


def test_a_large_run_length_bmp_is_refused_before_pillows_python_decoder_runs(monkeypatch):
    data = h.bmp_rle8(1000, 140)  # 280 KB of 1-pixel runs; 8 MB took Pillow 10 s
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("Pillow opened it"))
    assert _code(data) == "image_bmp_rle_too_big"


def test_a_small_run_length_bmp_still_decodes():
    got = load_image(h.bmp_rle8(40, 30))
    assert got.size == (30, 40) and got.is_grey and np.all(got.pixels == 7)
