r"""Images in: the one decoder of uploaded bytes, built-in generated samples, grey by ITU-R 601 luma.

Uploads are decoded from memory (never written to disk) with Pillow, allowing only PNG, JPEG, GIF,
BMP, WebP and TIFF. Every limit is decided from the file's header before any pixel is decoded: the
file's bytes, its pixels, and the memory decoding will take (pixels × the peak bytes per pixel of its
mode's path, :data:`PEAK_BYTES_PER_PIXEL`); frames are counted only as far as :data:`MAX_FRAMES`; and
structures Pillow would walk piece by piece in Python (GIF blocks, PNG chunks, JPEG markers, TIFF
strips, run-length BMP) are counted first by :mod:`cnnviz.image_headers`.
Every way a file can go wrong is an :class:`ImageError` (a CnnvizError) naming the problem; no
Pillow message reaches a student. The edges page and the digit panel both decode through
:func:`load_image`. No locks: nothing here touches process-wide state, so decodes run in parallel.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from .errors import CnnvizError
from .image_headers import gif_blocks, jpeg_markers, png_chunks, tiff_layout, webp_size

FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF")
EXTENSIONS = ("png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff")
MAX_BYTES = 20 * 1024 * 1024  # the uploader's limit (server.maxUploadSize = 20 MB)
MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo still opens; bigger counts as a decompression bomb
MAX_DECODED_BYTES = 260_000_000  # peak memory of one decode at full resolution (bench/hostile_inputs.py)
MAX_FRAMES = 10  # frames counted in a multi-page TIFF before "several"
MAX_WEBP_PIXELS = 4096 * 4096  # libwebp allocates, clears and decodes its canvas holding the interpreter
MAX_TIFF_ENTRIES = 1000  # tags in one TIFF directory (real files: 10–50); Pillow reads each in Python
MAX_TIFF_STRIPS = 65_536  # strips or tiles of one page (7071 rows one strip each: 7071); one tuple apiece
MAX_PNG_CHUNKS = 50_000  # chunks of one PNG (20 MB in 8 KB IDAT chunks: 2,500); Pillow reads each in Python
MAX_JPEG_MARKERS = 10_000  # markers and stray bytes before a JPEG's first scan (real files: 10–30)
MAX_BMP_RLE_BYTES = 256 * 1024  # Pillow decodes run-length BMPs in Python: 8 MB of runs took 10 s
MAX_GIF_BLOCKS = 200_000  # GIF sub-blocks up to the second frame: 20 MB of full 255-byte blocks is 82,000
MIN_SIDE = 3  # a 5×5 kernel with reflect padding needs at least 3 pixels
WORKING_SIDE = 1024  # longer side after downscaling: at most ~1 megapixel to compute and send
LUMA_601 = (0.299, 0.587, 0.114)  # ITU-R BT.601 weights of R, G, B
ALLOWED = "PNG, JPEG, GIF, BMP, WebP, TIFF"

# Peak bytes per pixel while one image of this mode is decoded and brought to 8-bit grey/RGB at full
# resolution, before downscaling: Pillow's buffer (1 byte for 1/L/P, 2 for I;16, 4 for all others —
# Pillow keeps RGB as RGBX) plus the full-size copies of this module's path for the mode. Measured
# by bench/hostile_inputs.py (peak RSS growth ÷ pixels); modes not listed take the largest value.
PEAK_BYTES_PER_PIXEL = {
    "1": 3, "L": 2, "P": 6, "RGB": 5, "RGBX": 9, "CMYK": 9, "YCbCr": 9, "LAB": 9, "HSV": 9,
    "LA": 9, "RGBA": 10, "PA": 15, "La": 13, "RGBa": 14, "I;16": 9, "I;16L": 9, "I;16B": 9, "I;16N": 9,
    "I": 13, "F": 13,
}
WEBP_EXTRA = 4  # libwebp decodes into its own RGBA canvas, then Pillow copies it
_UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
            5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90}  # EXIF orientation → the turn that makes the picture upright

_SIGNATURES = {  # first bytes of the allowed formats: tells "damaged image" from "not an image"
    "PNG": (b"\x89PNG\r\n\x1a\n",), "JPEG": (b"\xff\xd8\xff",), "GIF": (b"GIF87a", b"GIF89a"),
    "BMP": (b"BM",), "WEBP": (b"RIFF",), "TIFF": (b"II*\x00", b"MM\x00*"),
}


class ImageError(CnnvizError):
    """An upload that cannot be used. Its code is ``image_<case>``; ``kind`` groups the cases: empty,
    too_big_file, bomb, too_much_memory, not_image, unsupported, truncated, damaged, too_small, not_finite."""

    _KINDS = {"bomb_unknown": "bomb", "heic": "unsupported", "avif": "unsupported", "pdf": "unsupported",
              "unsupported_mode": "unsupported", "damaged_start": "damaged", "too_many_blocks": "damaged",
              "tiff_too_many_pieces": "damaged", "too_many_chunks": "damaged", "bmp_rle_too_big": "unsupported"}

    def __init__(self, case: str, **params):
        self.kind = self._KINDS.get(case, case)
        super().__init__(f"image_{case}", **params)


@dataclass(frozen=True)
class LoadedImage:
    """A decoded image, ready for the engine, and what was done to get it there."""

    pixels: np.ndarray  # (H, W) uint8 for grey sources, (H, W, 3) uint8 RGB otherwise; read-only
    format: str  # "PNG", "JPEG", … or "generated"
    mode: str  # Pillow mode of the file before conversion, e.g. "P", "RGBA", "I;16", "CMYK"
    source_size: tuple[int, int]  # (H, W) after EXIF rotation, before downscaling
    frames: int | None = 1  # frames in the file (frame 0 is used); None: more than MAX_FRAMES, or not counted
    rotated: bool = False  # the EXIF orientation tag turned or mirrored the picture
    flattened: bool = False  # transparent pixels were put on a white background
    scaled_16bit: bool = False  # 16-bit / float values were scaled into 0…255

    @property
    def size(self) -> tuple[int, int]:
        return self.pixels.shape[:2]

    @property
    def is_grey(self) -> bool:
        return self.pixels.ndim == 2

    @property
    def downscaled(self) -> bool:
        return self.size != self.source_size


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


def _file_kind(data: bytes) -> str | None:
    for fmt, sigs in _SIGNATURES.items():
        if any(data.startswith(s) for s in sigs):
            return fmt
    return None


def _unidentified(data: bytes) -> ImageError:
    """Why Pillow could not identify the file: a known other format, a damaged image, or not an image."""
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return ImageError("heic", allowed=ALLOWED)
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return ImageError("avif", allowed=ALLOWED)
    if data.startswith(b"%PDF"):
        return ImageError("pdf", allowed=ALLOWED)
    fmt = _file_kind(data)
    if fmt:
        return ImageError("damaged_start", fmt=fmt)
    return ImageError("not_image", allowed=ALLOWED)


def decoded_bytes(mode: str, width: int, height: int, fmt: str = "", keyed: bool = False) -> int:
    """Peak bytes of decoding a ``width × height`` image of Pillow ``mode`` (see :data:`PEAK_BYTES_PER_PIXEL`)."""
    per_pixel = PEAK_BYTES_PER_PIXEL.get(mode, max(PEAK_BYTES_PER_PIXEL.values()))
    if keyed:  # an L or RGB colour key becomes an alpha channel: the LA / RGBA path on top
        per_pixel += PEAK_BYTES_PER_PIXEL["LA" if mode == "L" else "RGBA"]
    per_pixel += WEBP_EXTRA if fmt == "WEBP" else 0
    return width * height * per_pixel


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ImageError("bomb", width=width, height=height, megapixels=round(width * height / 1e6),
                         limit=round(max_pixels / 1e6))


def _check_memory(need: int, width: int, height: int, mode: str, max_decoded: int) -> None:
    if need > max_decoded:
        raise ImageError("too_much_memory", width=width, height=height, mode=mode,
                         need=math.ceil(need / 1e6), limit=round(max_decoded / 1e6))


def _check_structure(data: bytes, max_pixels: int, max_decoded: int) -> None:
    """Refuse, from the bytes alone, files whose structure would make Pillow's opening itself slow or large:
    pieces Pillow reads one by one in Python while holding the interpreter, and WebP's canvas."""
    if data.startswith((b"GIF87a", b"GIF89a")) and gif_blocks(data, MAX_GIF_BLOCKS) > MAX_GIF_BLOCKS:
        raise ImageError("too_many_blocks", limit=MAX_GIF_BLOCKS)  # before Pillow walks them in Python
    if data.startswith(b"BM") and len(data) > MAX_BMP_RLE_BYTES and int.from_bytes(data[14:18], "little") >= 40 \
            and int.from_bytes(data[30:34], "little") in (1, 2):  # BI_RLE8, BI_RLE4
        raise ImageError("bmp_rle_too_big", limit=MAX_BMP_RLE_BYTES // 1024)
    if data.startswith(b"\xff\xd8") and jpeg_markers(data, MAX_JPEG_MARKERS) > MAX_JPEG_MARKERS:
        raise ImageError("too_many_chunks", limit=MAX_JPEG_MARKERS)  # a million empty comments: 2.6 s in Pillow
    if data.startswith(b"\x89PNG") and png_chunks(data, MAX_PNG_CHUNKS) > MAX_PNG_CHUNKS:
        raise ImageError("too_many_chunks", limit=MAX_PNG_CHUNKS)  # 500,000 empty chunks: 4 s in Pillow
    if data.startswith((b"II", b"MM")):
        entries, strips = tiff_layout(data, MAX_FRAMES + 1, MAX_TIFF_ENTRIES)
        if entries > MAX_TIFF_ENTRIES or strips > MAX_TIFF_STRIPS:  # 4 million strips: 15 s and 1 GB to open
            raise ImageError("tiff_too_many_pieces", limit=MAX_TIFF_STRIPS, entries=MAX_TIFF_ENTRIES)
    if (header := webp_size(data)) is not None:  # before Pillow allocates the canvas
        w, h, mode = header
        _check_pixels(w, h, min(max_pixels, MAX_WEBP_PIXELS))
        _check_memory(decoded_bytes(mode, w, h, "WEBP"), w, h, mode, max_decoded)


def load_image(data: bytes, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS,
               working_side: int = WORKING_SIDE, min_side: int = MIN_SIDE,
               max_decoded: int = MAX_DECODED_BYTES) -> LoadedImage:
    """Decode an uploaded file's bytes into a :class:`LoadedImage`, or raise :class:`ImageError`.

    EXIF orientation is applied; animated files give their first frame; palette, 1-bit, CMYK,
    16-bit, float and transparent images are normalised to 8-bit grey or RGB (transparency, including
    a PNG colour key, onto white); an image whose longer side exceeds ``working_side`` is downscaled
    to it; one whose shorter side is under ``min_side`` is refused.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("load_image takes the file's bytes")
    data = bytes(data)
    if not data:
        raise ImageError("empty")
    if len(data) > max_bytes:
        raise ImageError("too_big_file", size=f"{len(data) / 2**20:.1f}", limit=f"{max_bytes / 2**20:.0f}")
    _check_structure(data, max_pixels, max_decoded)
    try:
        return _decode(data, max_pixels, max_decoded, working_side, min_side)
    except ImageError:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit (2 × 89 MP) fired before ours could
        raise ImageError("bomb_unknown", limit=round(max_pixels / 1e6)) from None
    except UnidentifiedImageError:
        raise _unidentified(data) from None
    except MemoryError:
        raise ImageError("bomb_unknown", limit=round(max_pixels / 1e6)) from None
    except Exception as err:  # Pillow signals damage with OSError, SyntaxError, ValueError, EOFError, …
        if "truncated" in str(err).lower():
            raise ImageError("truncated") from None
        raise ImageError("damaged", fmt=_file_kind(data) or "image") from None


def _decode(data: bytes, max_pixels: int, max_decoded: int, working_side: int, min_side: int) -> LoadedImage:
    with Image.open(io.BytesIO(data), formats=list(FORMATS)) as im:
        w, h = im.size
        fmt, mode = im.format, im.mode
        _check_pixels(w, h, max_pixels)
        if fmt == "JPEG":  # decode a big photo at 1/2…1/8 scale directly: faster, less memory
            scale = working_side / max(w, h)
            if scale < 1:
                im.draft(im.mode, (math.ceil(w * scale), math.ceil(h * scale)))
        keyed = mode in ("L", "RGB") and "transparency" in im.info
        _check_memory(decoded_bytes(im.mode, im.width, im.height, fmt, keyed), w, h, mode, max_decoded)
        frames = _count_frames(im)
        orientation = im.getexif().get(0x0112, 1)
        turn = _UPRIGHT.get(orientation) if isinstance(orientation, int) else None  # 0, 9, 65535: no turn
        im.load()
        quarter = turn in (Image.Transpose.TRANSPOSE, Image.Transpose.TRANSVERSE,
                           Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270)
        source_size = (w, h) if quarter else (h, w)  # as stored, before any draft scaling
        if min(source_size) < min_side:
            raise ImageError("too_small", width=source_size[1], height=source_size[0], limit=min_side)
        picture, flattened, scaled = _normalise(im)
        picture = _downscale(picture, working_side)  # alpha is resampled premultiplied: same as flattening first
        if picture.mode in ("LA", "RGBA"):
            picture = _on_white(picture)
        if turn is not None:  # after downscaling: turning the small picture costs next to nothing
            picture = picture.transpose(turn)
        arr = np.asarray(picture)
    if arr.ndim == 3:
        arr = _grey_if_equal(arr)
    return LoadedImage(_frozen(arr), fmt, mode, tuple(int(v) for v in source_size), frames,
                       turn is not None, flattened, scaled)


def _count_frames(im: Image.Image) -> int | None:
    """Frames in the file, read from the header (PNG, WebP) or by walking at most MAX_FRAMES (TIFF);
    GIF frames are not walked (each step decodes the previous frame): None when it is animated."""
    if im.format in ("PNG", "WEBP"):
        return int(getattr(im, "n_frames", 1))
    if im.format == "GIF":
        return None if im.is_animated else 1
    if im.format != "TIFF":
        return 1
    count = 1
    try:
        while count <= MAX_FRAMES:
            im.seek(count)
            count += 1
    except EOFError:
        pass
    finally:
        im.seek(0)
    return count if count <= MAX_FRAMES else None


def _normalise(im: Image.Image) -> tuple[Image.Image, bool, bool]:
    """Any Pillow mode → an ``L`` or ``RGB`` picture; flags: (flattened transparency, scaled 16-bit/float)."""
    mode = im.mode
    if mode.startswith("I;16"):
        a = np.asarray(im).astype(np.uint32)  # (H, W)
        a += 128
        a //= 257  # round(v / 257) exactly (257 is odd: no ties): 65535 → 255
        return Image.fromarray(a.astype(np.uint8)), False, True
    if mode in ("I", "F"):
        return Image.fromarray(_stretch(np.asarray(im))), False, True
    if mode == "P":
        return _flatten_palette(im)
    if mode in ("L", "RGB") and "transparency" in im.info:  # a PNG colour key: Pillow turns it into alpha 0
        return im.convert("LA" if mode == "L" else "RGBA"), True, False
    if mode in ("PA", "La", "RGBa"):
        return im.convert("LA" if mode == "La" else "RGBA"), True, False
    if mode in ("LA", "RGBA"):
        return im, True, False  # laid on white after downscaling (see _on_white)
    if mode in ("L", "RGB"):
        return im, False, False
    try:
        return im.convert("L" if mode == "1" else "RGB"), False, False
    except ValueError:
        raise ImageError("unsupported_mode", mode=mode) from None


def _flatten_palette(im: Image.Image) -> tuple[Image.Image, bool, bool]:
    """A palette image as RGB, each palette colour laid on white by its own transparency (tRNS)."""
    palette = np.array(im.getpalette("RGB") or [0, 0, 0], np.float64).reshape(-1, 3)
    colours = np.zeros((256, 3))
    colours[: len(palette)] = palette[:256]
    alpha = np.full(256, 255.0)
    key = im.info.get("transparency")
    if isinstance(key, int) and 0 <= key < 256:
        alpha[key] = 0
    elif isinstance(key, bytes):
        alpha[: len(key[:256])] = list(key[:256])
    flattened = bool((alpha < 255).any())
    lut = np.rint(colours * alpha[:, None] / 255 + 255 * (1 - alpha[:, None] / 255)).astype(np.uint8)
    im.info.pop("transparency", None)
    im.putpalette(lut.ravel().tolist(), "RGB")
    return im.convert("RGB"), flattened, False


def _on_white(im: Image.Image) -> Image.Image:
    """LA or RGBA → L or RGB laid on white paper: ``c·a + 255·(1 − a)``, rounded (Pillow's paste blends so)."""
    paper = Image.new(im.mode[:-1], im.size, (255,) * (len(im.mode) - 1))
    paper.paste(im.convert(im.mode[:-1]), mask=im.getchannel("A"))
    return paper


def _stretch(a: np.ndarray) -> np.ndarray:
    """32-bit int or float grey → uint8, min…max stretched to 0…255; non-finite pixels are refused."""
    a = a.astype(np.float32)  # (H, W), a copy
    if not np.isfinite(a).all():
        raise ImageError("not_finite")
    lo, hi = float(a.min()), float(a.max())
    a -= lo
    a *= 255 / (hi - lo or 1.0)
    np.rint(a, out=a)
    return a.astype(np.uint8)


def _grey_if_equal(rgb: np.ndarray) -> np.ndarray:
    """An RGB image whose three channels agree everywhere is grey: keep one channel."""
    if np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 0], rgb[..., 2]):
        return rgb[..., 0]
    return rgb


def _downscale(picture: Image.Image, working_side: int) -> Image.Image:
    w, h = picture.size
    if max(h, w) <= working_side:
        return picture
    scale = working_side / max(h, w)
    size = (max(MIN_SIDE, round(w * scale)), max(MIN_SIDE, round(h * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=1.0)  # box-reduce as far as it goes first


# ----------------------------------------------------------------------------- grey and channels
def luma(pixels: np.ndarray) -> np.ndarray:
    r"""Grey values ``(H, W)`` float32: grey images as they are, RGB by ITU-R BT.601
    ``Y = 0.299 R + 0.587 G + 0.114 B`` (not rounded)."""
    pixels = np.asarray(pixels)
    if pixels.ndim == 2:
        return pixels.astype(np.float32)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected an (H, W) grey or (H, W, 3) RGB image, got shape {pixels.shape}")
    return (pixels.astype(np.float64) @ np.array(LUMA_601)).astype(np.float32)


def channels(pixels: np.ndarray) -> np.ndarray:
    """``(C, H, W)`` float32: one plane for a grey image, R, G, B for a colour one."""
    pixels = np.asarray(pixels)
    return (pixels[None] if pixels.ndim == 2 else np.moveaxis(pixels, -1, 0)).astype(np.float32)


# ----------------------------------------------------------------------------- built-in samples
def smooth_disk(size: int = 129, radius: float = 40.0, softness: float = 1.0) -> np.ndarray:
    r"""A bright disk with a soft rim, ``(size, size)`` float64 in [0, 1]:
    ``½(1 + tanh((radius − r)/softness))``, centred. Its true gradient points along the radius everywhere."""
    c = (size - 1) / 2
    yy, xx = np.mgrid[0:size, 0:size]
    r = np.hypot(yy - c, xx - c)
    return 0.5 * (1 + np.tanh((radius - r) / softness))


def _sample(pixels: np.ndarray) -> LoadedImage:
    mode = "L" if pixels.ndim == 2 else "RGB"
    return LoadedImage(_frozen(pixels.astype(np.uint8)), "generated", mode, pixels.shape[:2])


def step_edge() -> LoadedImage:
    """The course's 6×6 image: three columns of 10, then three of 0 — one vertical edge."""
    return _sample(np.repeat([[10, 10, 10, 0, 0, 0]], 6, axis=0))


def shapes() -> LoadedImage:
    """256×256 grey: a rectangle, a disk and a triangle at different grey levels on a mid background."""
    im = Image.new("L", (256, 256), 90)
    draw = ImageDraw.Draw(im)
    draw.rectangle((24, 32, 112, 120), fill=220)
    draw.ellipse((140, 28, 232, 120), fill=20)
    draw.polygon(((40, 232), (128, 140), (216, 232)), fill=170)
    return _sample(np.asarray(im))


def checkerboard(squares: int = 8, square: int = 16) -> LoadedImage:
    """Black and white squares: ``squares × squares`` of ``square`` pixels, white in the top-left."""
    ij = np.indices((squares * square,) * 2) // square
    return _sample(np.where((ij[0] + ij[1]) % 2 == 0, 255, 0))


def text(words: str = "CNN edges", height: int = 120) -> LoadedImage:
    """Dark words on white, set in Pillow's built-in font (no font files needed)."""
    font = ImageFont.load_default(size=height * 0.55)
    left, top, right, bottom = font.getbbox(words)
    im = Image.new("L", (right - left + height // 2, height), 255)
    ImageDraw.Draw(im).text((height // 4 - left, (height - (bottom - top)) // 2 - top), words, fill=25, font=font)
    return _sample(np.asarray(im))


def circle() -> LoadedImage:
    """The synthetic circle of the Sobel-vs-Scharr comparison, as 8-bit grey."""
    return _sample(np.rint(40 + 180 * smooth_disk()))


def colour_shapes() -> LoadedImage:
    """Red and green shapes of (nearly) equal luma on a grey of that luma: edges only colour can see."""
    grey = (120, 120, 120)  # luma 120
    red, green = (255, 67, 40), (0, 180, 126)  # luma 120.13 and 120.02: next to invisible in grey
    im = Image.new("RGB", (192, 192), grey)
    draw = ImageDraw.Draw(im)
    draw.rectangle((20, 24, 92, 168), fill=red)
    draw.ellipse((104, 48, 176, 120), fill=green)
    return _sample(np.asarray(im))


SAMPLES = {"step": step_edge, "shapes": shapes, "checkerboard": checkerboard, "text": text,
           "circle": circle, "colour": colour_shapes}
