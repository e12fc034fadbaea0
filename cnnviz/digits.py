r"""A user's digit — drawn on a canvas or photographed — turned into an MNIST-style 28×28 image.

MNIST's recipe (LeCun, Cortes, Burges): light ink on a dark background, the ink's bounding box scaled
so that its longer side is 20 px (aspect ratio kept, anti-aliased), then placed in a 28×28 field so
that the centre of mass of the ink sits at the field's centre, pixel (14, 14). :func:`preprocess_digit` follows
that recipe and returns every intermediate image, so a page can show each step.

Images are 2-D arrays ``(H, W)`` (grey) or ``(H, W, 3|4)`` (RGB / RGBA), uint8 or float in [0, 1].
Uploaded files are decoded by :func:`cnnviz.images.load_image`, with its limits.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from .errors import CnnvizError
from .images import load_image

FIELD = 28  # MNIST image side, px
CENTRE = 14  # where MNIST puts the centre of mass, (row, col) in pixel indices: the official test set's
#              centres average (13.99, 14.01), within ±0.5 of 14 — an integer shift towards (14, 14)
BOX = 20  # side of the box the ink is scaled into, px
WORK_SIDE = 560  # larger inputs are reduced to this longer side first (speed; plenty for a 20 px digit)
INK_LEVEL = 0.35  # after levels, pixels at least this bright count as ink when finding the box
MIN_NEIGHBOURS = 3  # an ink pixel with fewer inked 8-neighbours is a speck and does not widen the box
RIM_LEVEL = 0.05  # the box then takes in a 1-px rim of faint, anti-aliased ink at least this bright


@dataclass(frozen=True)
class DigitSteps:
    """Every stage of :func:`preprocess_digit`. Images are float32 in [0, 1] unless noted."""

    gray: np.ndarray  # (H, W) grey levels as given (reduced to WORK_SIDE if larger)
    inverted: bool  # True when the input had dark ink on light paper and was inverted
    ink: np.ndarray  # (H, W) light ink on black: background removed, contrast stretched
    box: tuple[int, int, int, int]  # ink bounding box in `ink`: top, bottom, left, right (exclusive)
    cropped: np.ndarray  # (h, w) = ink[top:bottom, left:right]
    scaled: np.ndarray  # (h', w'), max(h', w') == 20: cropped, anti-aliased
    offset: tuple[int, int]  # row and column of `scaled`'s top-left corner in the 28×28 field
    centred: np.ndarray  # (28, 28) uint8: the network's input, MNIST convention (0 = background)
    centre_of_mass: tuple[float, float]  # (row, col) of `centred`'s ink, in pixel indices



def to_gray(image) -> np.ndarray:
    """``(H, W)``, ``(H, W, 3)`` or ``(H, W, 4)`` → ``(H, W)`` float32 in [0, 1].

    Colour uses ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B), as Pillow's ``convert("L")``.
    Transparent pixels are laid on white paper first (a transparent background is paper, not ink).
    """
    a = np.asarray(image)
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (1, 3, 4)):
        raise CnnvizError("digit_bad_shape", shape=str(a.shape))
    if a.shape[0] < 1 or a.shape[1] < 1:
        raise CnnvizError("digit_no_pixels")
    if a.dtype == np.uint8:
        a = a.astype(np.float32) / 255
    elif np.issubdtype(a.dtype, np.number) or a.dtype == bool:
        a = a.astype(np.float32)
        if not np.isfinite(a).all():
            raise CnnvizError("digit_not_finite")
        if a.min() < 0 or a.max() > 1:
            raise CnnvizError("digit_float_range")
    else:
        raise CnnvizError("digit_bad_dtype", dtype=str(a.dtype))
    if a.ndim == 2:
        return a
    if a.shape[2] == 1:
        return a[..., 0]
    rgb = a[..., :3]
    if a.shape[2] == 4:
        alpha = a[..., 3:]
        rgb = rgb * alpha + (1 - alpha)  # onto white paper
    return (rgb @ np.array([0.299, 0.587, 0.114], np.float32)).astype(np.float32)


def _resize(image: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Anti-aliased resize of a float image (Pillow's bilinear filter widens its support when reducing)."""
    out = Image.fromarray(np.ascontiguousarray(image, np.float32), mode="F").resize(
        (cols, rows), Image.Resampling.BILINEAR)
    return np.clip(np.asarray(out, np.float32), 0, 1)


def _limit_size(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    if max(h, w) <= WORK_SIDE:
        return gray
    scale = WORK_SIDE / max(h, w)
    return _resize(gray, max(1, round(h * scale)), max(1, round(w * scale)))


def _border(a: np.ndarray) -> np.ndarray:
    return np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])


def levels(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Light ink on black, background at 0 and the ink's brightest strokes at 1.

    The paper is what lies along the image's border: if it is light (median above ½), the image is
    inverted. The paper's level is then subtracted and the ink stretched to [0, 1] (its 99.9th
    percentile → 1, so one hot pixel does not decide the contrast). Raises CnnvizError without ink.
    """
    inverted = bool(np.median(_border(gray)) > 0.5)
    x = 1 - gray if inverted else gray
    paper = float(np.median(_border(x)))
    top = float(np.percentile(x, 99.9))
    if top - paper < 0.1:
        raise CnnvizError("digit_uniform")
    return np.clip((x - paper) / (top - paper), 0, 1).astype(np.float32), inverted


def ink_box(ink: np.ndarray) -> tuple[int, int, int, int]:
    """``(top, bottom, left, right)`` (exclusive) of the ink, ignoring isolated specks.

    A pixel is ink when it is at least ``INK_LEVEL`` bright and at least ``MIN_NEIGHBOURS`` of its
    eight neighbours are too — noise dots and thin dust lines do not stretch the box. The box then
    grows by one pixel on each side where that line holds faint ink (≥ ``RIM_LEVEL``): the soft edge
    of an anti-aliased stroke, as in MNIST's own images.
    """
    mask = ink >= INK_LEVEL
    padded = np.pad(mask, 1).astype(np.uint8)
    h, w = mask.shape
    neighbours = sum(padded[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
                     for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0))
    solid = mask & (neighbours >= MIN_NEIGHBOURS)
    if not solid.any():
        solid = mask  # a very thin or tiny digit: keep every ink pixel
    if not solid.any():
        raise CnnvizError("digit_too_faint")
    rows = np.flatnonzero(solid.any(axis=1))
    cols = np.flatnonzero(solid.any(axis=0))
    top, bottom, left, right = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    faint = ink >= RIM_LEVEL
    top -= top > 0 and faint[top - 1, left:right].any()
    bottom += bottom < h and faint[bottom, left:right].any()
    left -= left > 0 and faint[top:bottom, left - 1].any()
    right += right < w and faint[top:bottom, right].any()
    return int(top), int(bottom), int(left), int(right)


def scale_into_box(cropped: np.ndarray, side: int = BOX) -> np.ndarray:
    """Scale so that the longer side is ``side`` px, keeping the aspect ratio (shorter side ≥ 1 px)."""
    h, w = cropped.shape
    scale = side / max(h, w)
    return _resize(cropped, max(1, round(h * scale)), max(1, round(w * scale)))


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """Intensity-weighted mean ``(row, col)`` in pixel indices."""
    a = np.asarray(image, np.float64)
    total = a.sum()
    if total <= 0:
        raise CnnvizError("digit_no_ink")
    rows, cols = np.indices(a.shape)
    return float((rows * a).sum() / total), float((cols * a).sum() / total)


def place_by_centre_of_mass(scaled: np.ndarray, field: int = FIELD) -> tuple[int, int]:
    """Top-left offset that puts ``scaled``'s centre of mass nearest ``(CENTRE, CENTRE)``, as MNIST does.

    The offset is a whole number of pixels (no resampling) and keeps the whole box inside the field,
    so ink is never cut off; for ordinary digits that costs nothing.
    """
    h, w = scaled.shape
    cy, cx = centre_of_mass(scaled)
    top = int(np.clip(np.floor(CENTRE - cy + 0.5), 0, field - h))
    left = int(np.clip(np.floor(CENTRE - cx + 0.5), 0, field - w))
    return top, left


def preprocess_digit(image) -> DigitSteps:
    """MNIST preprocessing of one drawn or photographed digit; see the module docstring.

    Raises CnnvizError (a ValueError with a message for the user) when the image has no recognisable ink.
    """
    gray = _limit_size(to_gray(image))
    ink, inverted = levels(gray)
    top, bottom, left, right = ink_box(ink)
    cropped = ink[top:bottom, left:right]
    scaled = scale_into_box(cropped)
    oy, ox = place_by_centre_of_mass(scaled)
    field = np.zeros((FIELD, FIELD), np.float32)
    field[oy:oy + scaled.shape[0], ox:ox + scaled.shape[1]] = scaled
    centred = np.round(field * 255).astype(np.uint8)
    return DigitSteps(gray=gray, inverted=inverted, ink=ink, box=(top, bottom, left, right), cropped=cropped,
                      scaled=scaled, offset=(oy, ox), centred=centred, centre_of_mass=centre_of_mass(centred))


def decode_image(data: bytes) -> np.ndarray:
    """An uploaded picture file → ``(H, W)`` float32 grey in [0, 1], upright as the camera held it,
    longer side at most ``WORK_SIDE``.

    Decoded by :func:`cnnviz.images.load_image` (PNG, JPEG, GIF's first frame, BMP, WebP, TIFF; its
    limits; transparency onto white paper; 16-bit greys scaled to 8 bits, not clipped). Raises its
    :class:`cnnviz.images.ImageError` (a CnnvizError) for anything else.
    """
    return to_gray(load_image(data, working_side=WORK_SIDE, min_side=1).pixels)
