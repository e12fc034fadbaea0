r"""Images in: safe decoding of uploaded bytes, built-in generated samples, grey by ITU-R 601 luma.

Uploads are decoded from memory (never written to disk) with Pillow, allowing only PNG, JPEG, GIF,
BMP, WebP and TIFF. Every way a file can go wrong becomes an :class:`ImageError` (a ValueError) with
a ``kind`` and a message a student understands. Pillow is the one dependency beyond numpy here.
"""
from __future__ import annotations

import io
import math
import threading
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF")
EXTENSIONS = ("png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff")
MAX_BYTES = 20 * 1024 * 1024  # the uploader's limit (server.maxUploadSize = 20 MB)
MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo still opens; bigger counts as a decompression bomb
MIN_SIDE = 3  # a 5×5 kernel with reflect padding needs at least 3 pixels
WORKING_SIDE = 1024  # longer side after downscaling: at most ~1 megapixel to compute and send
LUMA_601 = (0.299, 0.587, 0.114)  # ITU-R BT.601 weights of R, G, B

_SIGNATURES = {  # first bytes of the allowed formats: tells "damaged image" from "not an image"
    "PNG": (b"\x89PNG\r\n\x1a\n",), "JPEG": (b"\xff\xd8\xff",), "GIF": (b"GIF87a", b"GIF89a"),
    "BMP": (b"BM",), "WEBP": (b"RIFF",), "TIFF": (b"II*\x00", b"MM\x00*"),
}
_DECODE_LOCK = threading.Lock()  # warnings.catch_warnings is process-wide: one decode at a time


class ImageError(ValueError):
    """An upload that cannot be used. ``kind``: empty, too_big_file, bomb, not_image, unsupported,
    truncated, damaged, too_small."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class LoadedImage:
    """A decoded image, ready for the engine, and what was done to get it there."""

    pixels: np.ndarray  # (H, W) uint8 for grey sources, (H, W, 3) uint8 RGB otherwise; read-only
    format: str  # "PNG", "JPEG", … or "generated"
    mode: str  # Pillow mode of the file before conversion, e.g. "P", "RGBA", "I;16", "CMYK"
    source_size: tuple[int, int]  # (H, W) after EXIF rotation, before downscaling
    frames: int | None = 1  # frames in the file (frame 0 is used); None: animated, count unreadable
    rotated: bool = False  # EXIF orientation was applied
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


def _unsupported_name(data: bytes) -> str | None:
    """Common files that are not (allowed) images, named so the message can say what they are."""
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "a HEIC/HEIF photo (the iPhone's default format)"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "an AVIF image"
    if data.startswith(b"%PDF"):
        return "a PDF document"
    return None


def load_image(data: bytes, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS,
               working_side: int = WORKING_SIDE) -> LoadedImage:
    """Decode an uploaded file's bytes into a :class:`LoadedImage`, or raise :class:`ImageError`.

    EXIF orientation is applied; animated files give their first frame; palette, 1-bit, CMYK,
    16-bit and transparent images are normalised to 8-bit grey or RGB (transparency onto white);
    an image whose longer side exceeds ``working_side`` is downscaled to it.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("load_image takes the file's bytes")
    data = bytes(data)
    if not data:
        raise ImageError("empty", "The file is empty (0 bytes). Please choose the image again.")
    if len(data) > max_bytes:
        raise ImageError("too_big_file", f"The file is {len(data) / 2**20:.1f} MB; the limit is "
                                         f"{max_bytes / 2**20:.0f} MB. Please upload a smaller image.")
    try:
        with _DECODE_LOCK, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode(data, max_pixels, working_side)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb_error(None, max_pixels) from None
    except UnidentifiedImageError:
        raise _unidentified(data) from None
    except MemoryError:
        raise _bomb_error(None, max_pixels) from None
    except Exception as err:  # Pillow signals damage with OSError, SyntaxError, ValueError, EOFError, …
        if "truncated" in str(err).lower():
            raise ImageError("truncated", "The file ends too early — it was probably cut off while "
                                          "downloading or copying. Please save or export it again.") from None
        fmt = _file_kind(data) or "image"
        raise ImageError("damaged", f"The file looks like a {fmt} but its contents are damaged, so it "
                                    "cannot be decoded. Try opening and re-saving it.") from None


def _bomb_error(size, max_pixels: int) -> ImageError:
    what = f"{size[0]}×{size[1]} = {size[0] * size[1] / 1e6:.0f} million pixels" if size else "too many pixels"
    return ImageError("bomb", f"This image claims {what}; the limit is {max_pixels / 1e6:.0f} million. "
                              "Files like this can exhaust the server's memory (a 'decompression bomb'). "
                              "Please resize it first.")


def _unidentified(data: bytes) -> ImageError:
    other = _unsupported_name(data)
    allowed = "PNG, JPEG, GIF, BMP, WebP or TIFF"
    if other:
        return ImageError("unsupported", f"This is {other}, which this app does not read. "
                                         f"Please export it as {allowed}.")
    fmt = _file_kind(data)
    if fmt:
        return ImageError("damaged", f"The file starts like a {fmt} image but the rest is missing or damaged. "
                                     "Try opening and re-saving it.")
    return ImageError("not_image", f"This file is not an image this app can read ({allowed}).")


def _decode(data: bytes, max_pixels: int, working_side: int) -> LoadedImage:
    with Image.open(io.BytesIO(data), formats=list(FORMATS)) as im:
        w, h = im.size
        if w * h > max_pixels:
            raise _bomb_error((w, h), max_pixels)
        fmt, mode = im.format, im.mode
        frames = 1
        if getattr(im, "is_animated", False):
            try:
                frames = im.n_frames
            except Exception:  # a damaged later frame does not spoil the first one
                frames = None
            im.seek(0)
        if fmt == "JPEG":  # decode a big photo at 1/2…1/8 scale directly: faster, less memory
            scale = working_side / max(w, h)
            if scale < 1:
                im.draft(im.mode, (math.ceil(w * scale), math.ceil(h * scale)))
        im.load()
        orientation = im.getexif().get(0x0112, 1)
        upright = ImageOps.exif_transpose(im)
        source_size = (w, h) if orientation in (5, 6, 7, 8) else (h, w)  # as stored, before any draft scaling
        arr, flattened, scaled = _normalise(upright)
    if min(source_size) < MIN_SIDE:
        raise ImageError("too_small", f"The image is {source_size[1]}×{source_size[0]} pixels; edge filters need "
                                      f"at least {MIN_SIDE}×{MIN_SIDE}.")
    arr = _downscale(arr, working_side)
    return LoadedImage(_frozen(arr), fmt, mode, tuple(int(v) for v in source_size), frames,
                       orientation not in (1, None), flattened, scaled)


def _normalise(im: Image.Image) -> tuple[np.ndarray, bool, bool]:
    """Any Pillow mode → ``(H, W)`` or ``(H, W, 3)`` uint8; flags: (flattened alpha, scaled 16-bit)."""
    mode = im.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        return _scale_to_uint8(np.asarray(im)), False, True
    if mode == "1":
        return np.asarray(im.convert("L")), False, False
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in im.info) or \
        (mode in ("L", "RGB") and "transparency" in im.info)
    if has_alpha:
        rgba = np.asarray(im.convert("RGBA"), dtype=np.float64)  # (H, W, 4)
        alpha = rgba[..., 3:] / 255
        flat = np.rint(rgba[..., :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)  # onto white
        return _grey_if_equal(flat), True, False
    if mode == "L":
        return np.asarray(im), False, False
    try:
        rgb = np.asarray(im.convert("RGB"))
    except ValueError:
        raise ImageError("unsupported", f"Images in the colour mode {mode} are not supported; "
                                        "please save it as an ordinary RGB image.") from None
    return _grey_if_equal(rgb), False, False


def _grey_if_equal(rgb: np.ndarray) -> np.ndarray:
    """An RGB image whose three channels agree everywhere is grey: keep one channel."""
    if np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 0], rgb[..., 2]):
        return rgb[..., 0]
    return rgb


def _scale_to_uint8(a: np.ndarray) -> np.ndarray:
    """16-bit → 8-bit by ``round(v / 257)`` (65535 → 255); 32-bit int or float: stretch min…max to 0…255."""
    if np.issubdtype(a.dtype, np.integer) and a.min() >= 0 and a.max() <= 65535:
        return np.rint(a / 257).astype(np.uint8)
    a = a.astype(np.float64)
    lo, hi = float(np.nanmin(a)), float(np.nanmax(a))
    if not np.isfinite(lo) or not np.isfinite(hi):
        raise ImageError("damaged", "The image contains values that are not numbers.")
    span = hi - lo or 1.0
    return np.rint((np.nan_to_num(a, nan=lo) - lo) / span * 255).astype(np.uint8)


def _downscale(arr: np.ndarray, working_side: int) -> np.ndarray:
    h, w = arr.shape[:2]
    if max(h, w) <= working_side:
        return arr
    scale = working_side / max(h, w)
    size = (max(MIN_SIDE, round(w * scale)), max(MIN_SIDE, round(h * scale)))
    return np.asarray(Image.fromarray(arr).resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0))


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
