r"""Edge detection: filter responses, gradient magnitude and direction, threshold, one pixel's arithmetic.

Every map has the input's size (H, W): the border is padded by half the kernel ('same' padding, the
odd pixel after, as :func:`cnnviz.shapes.resolve_padding` decides) with zeros, a mirror image
('reflect') or copies of the edge pixel ('replicate'); then :func:`cnnviz.conv2d` cross-correlates.
For a gradient pair ``(x, y)``:

.. math:: |G| = \sqrt{G_x^2 + G_y^2}, \qquad \theta = \operatorname{atan2}(G_y, G_x)

with θ measured from the +column axis towards +row (rows grow downwards, as on screen).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .conv import as_numeric, conv2d
from .errors import CnnvizError
from .images import luma, smooth_disk
from .padding import pad2d
from .shapes import resolve_padding
from .trace import ConvStep, conv2d_steps

BORDERS = ("zeros", "reflect", "replicate")
FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass(frozen=True)
class EdgeMaps:
    """Filter responses of one image and what they combine into."""

    responses: np.ndarray  # (K, H, W) float32: (Gx, Gy) for a gradient pair, (out,) for one filter
    magnitude: np.ndarray  # (H, W) float32: √(Gx² + Gy²), or |out| for one filter
    direction: np.ndarray | None  # (H, W) float32 radians in (−π, π]: atan2(Gy, Gx), 0 where both are 0;
    #                                   None for one filter
    channel: np.ndarray | None  # (H, W) uint8: per-channel mode, the channel with the largest magnitude
    channel_magnitude: np.ndarray | None  # (C, H, W) float32: each channel's own magnitude
    border: str


@dataclass(frozen=True)
class PixelTrace:
    """How one output pixel came about: the window, each kernel's products and sums."""

    row: int
    col: int
    channel: int | None  # input channel traced (per-channel mode), None for a grey image
    rows: tuple[int, ...]  # image rows under the window; < 0 or ≥ H means border padding
    cols: tuple[int, ...]
    steps: tuple[ConvStep, ...]  # one per kernel, from conv2d_steps
    magnitude: float
    direction: float | None  # radians


@dataclass(frozen=True)
class DirectionError:
    """Direction error of a gradient pair on the synthetic circle, whose true gradient is radial."""

    angles: np.ndarray  # (P,) true direction of each rim pixel, degrees in (−180, 180]
    errors: np.ndarray  # (P,) measured − true, degrees, as a line orientation: wrapped to [−90, 90)
    bin_centres: np.ndarray  # (B,) degrees
    bin_errors: np.ndarray  # (B,) mean signed error of the rim pixels in each bin
    mean_abs: float
    max_abs: float


def same_pads(shape, kernel_shape) -> tuple[tuple[int, int], tuple[int, int]]:
    """Padding ``((top, bottom), (left, right))`` that keeps the output the size of the input."""
    (h, w), (fh, fw) = shape[-2:], kernel_shape
    return resolve_padding("same", h, fh), resolve_padding("same", w, fw)


def _check(image, kernels, border: str) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    if border not in BORDERS:
        raise CnnvizError("edges_bad_border", expected=", ".join(BORDERS), border=repr(border))
    image = as_numeric("image", image)
    if image.ndim not in (2, 3) or min(image.shape) == 0:
        raise CnnvizError("edges_bad_image_shape", shape=str(image.shape))
    if not np.all(np.isfinite(image)):
        raise CnnvizError("edges_image_not_finite")
    kernels = tuple(as_numeric("kernel", k) for k in kernels)
    if len(kernels) not in (1, 2) or any(k.ndim != 2 or min(k.shape) == 0 for k in kernels):
        raise CnnvizError("edges_kernel_count")
    if len(kernels) == 2 and kernels[0].shape != kernels[1].shape:
        raise CnnvizError("edges_kernel_sizes_differ", x=str(kernels[0].shape), y=str(kernels[1].shape))
    if not all(np.all(np.isfinite(k)) for k in kernels):
        raise CnnvizError("edges_kernel_not_finite")
    h, w = image.shape[-2:]
    fh, fw = kernels[0].shape
    if border == "reflect" and (h <= fh // 2 or w <= fw // 2):
        raise CnnvizError("edges_reflect_too_small", fh=fh, fw=fw, mh=fh // 2, mw=fw // 2, h=h, w=w)
    # The largest response a kernel can give is max|pixel| · Σ|k|; with √2 for the magnitude it must stay
    # a float32, or maps, magnitude and threshold become infinite (a typed 1e36 would do that).
    bright = float(np.abs(image).max())
    reach = max(float(np.abs(k.astype(np.float64)).sum()) for k in kernels) * bright * np.sqrt(2)
    if reach > FLOAT32_MAX:
        raise CnnvizError("edges_kernel_too_large", reach=f"{reach:.3g}", limit=f"{FLOAT32_MAX:.3g}")
    return image.astype(np.float32, copy=False), tuple(k.astype(np.float32) for k in kernels)


def _filter_plane(plane: np.ndarray, kernel: np.ndarray, border: str, pads) -> np.ndarray:
    """(H, W) → (H', W') cross-correlation with ``pads`` filled by the border rule."""
    if border == "zeros":  # conv2d pads with zeros itself, without a padded copy
        return conv2d(plane, kernel, padding=pads)
    return conv2d(pad2d(plane, pads, border), kernel)


def filter2d(image, kernel, border: str = "zeros") -> np.ndarray:
    """One kernel over a grey image: ``(H, W)`` → ``(H, W)`` float32."""
    image, (kernel,) = _check(image, (kernel,), border)
    if image.ndim != 2:
        raise CnnvizError("edges_not_grey", shape=str(image.shape))
    return _filter_plane(image, kernel, border, same_pads(image.shape, kernel.shape))


def _combine(responses: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(K, H, W) → magnitude, direction."""
    if len(responses) == 1:
        return np.abs(responses[0]), None
    gx, gy = responses
    # hypot, not sqrt(gx² + gy²): the squares of responses past 1.8e19 overflow float32 although |G| does not
    return np.hypot(gx, gy), np.arctan2(gy + 0.0, gx + 0.0)  # + 0.0 turns −0 into 0: θ in (−π, π]


def _maps(image: np.ndarray, kernels, border: str, pads) -> EdgeMaps:
    planes = image[None] if image.ndim == 2 else image  # (C, H, W)
    per_channel = np.stack([[_filter_plane(p, k, border, pads) for k in kernels] for p in planes])  # (C, K, H, W)
    if image.ndim == 2:
        responses = per_channel[0]
        magnitude, direction = _combine(responses)
        return EdgeMaps(responses, magnitude, direction, None, None, border)
    channel_magnitude = np.stack([_combine(r)[0] for r in per_channel])  # (C, H, W)
    channel = np.argmax(channel_magnitude, axis=0).astype(np.uint8)  # first channel on ties
    responses = np.take_along_axis(per_channel, channel[None, None].astype(np.intp), axis=0)[0]  # (K, H, W)
    magnitude, direction = _combine(responses)
    return EdgeMaps(responses, magnitude, direction, channel, channel_magnitude, border)


def edge_maps(image, kernels, border: str = "zeros") -> EdgeMaps:
    """Responses, magnitude and direction of ``image`` under one kernel or a pair ``(x, y)``.

    ``image`` is ``(H, W)`` (grey) or ``(C, H, W)``: with channels, every channel is filtered on its
    own and at each pixel the channel with the largest magnitude supplies Gx, Gy (as OpenCV's Canny
    does for colour images).
    """
    image, kernels = _check(image, kernels, border)
    return _maps(image, kernels, border, same_pads(image.shape, kernels[0].shape))


def corner_maps(image, kernels, border: str = "zeros", size: int = 8) -> EdgeMaps:
    """``edge_maps`` of the top-left ``size × size`` pixels only — where the border rule shows.

    Equal to slicing the full maps, but touches only the corner: cheap enough to compare all border rules.
    """
    image, kernels = _check(image, kernels, border)
    (top, bottom), (left, right) = same_pads(image.shape, kernels[0].shape)
    h, w = image.shape[-2:]
    if h <= size + bottom or w <= size + right:  # small image: the whole of it is "corner"
        full = _maps(image, kernels, border, ((top, bottom), (left, right)))
        return _slice_maps(full, min(size, h), min(size, w))
    crop = image[..., : size + bottom, : size + right]  # real pixels beyond the corner, no padding there
    return _maps(crop, kernels, border, ((top, 0), (left, 0)))


def _slice_maps(m: EdgeMaps, rows: int, cols: int) -> EdgeMaps:
    def cut(a):
        return None if a is None else a[..., :rows, :cols]
    return EdgeMaps(cut(m.responses), cut(m.magnitude), cut(m.direction), cut(m.channel),
                    cut(m.channel_magnitude), m.border)


def grey_levels(pixels) -> np.ndarray:
    """``(H, W)`` float32 whole grey levels 0…255: a grey image as it is, an RGB one ``(H, W, 3)`` by its
    BT.601 luma rounded to the nearest level — what an image editor's greyscale shows, so that one pixel's
    arithmetic uses the 0…255 numbers students know."""
    return np.rint(luma(pixels)).astype(np.float32)


def edge_map(magnitude, threshold: float) -> np.ndarray:
    """Binary edge map ``(H, W)`` bool: True where the magnitude is strictly above ``threshold``."""
    magnitude = as_numeric("magnitude", magnitude)
    threshold = float(threshold)
    if not np.isfinite(threshold):
        raise CnnvizError("edges_threshold_not_finite")
    return magnitude > threshold


def edges_at_percent(magnitude, percent: float) -> tuple[np.ndarray, float]:
    """``edge_map`` at ``percent`` % of the largest magnitude: the map ``(H, W)`` bool and that threshold."""
    magnitude = as_numeric("magnitude", magnitude)
    limit = float(percent) / 100 * float(magnitude.max())
    return edge_map(magnitude, limit), limit


def strongest_pixel(magnitude, margin: int = 1) -> tuple[int, int]:
    """``(row, col)`` of the largest magnitude at least ``margin`` pixels inside the border (the whole
    image when it is too small for that); the first in reading order on ties."""
    magnitude = as_numeric("magnitude", magnitude)
    h, w = magnitude.shape
    m = margin if h > 2 * margin and w > 2 * margin else 0
    inner = magnitude[m: h - m, m: w - m]
    r, c = np.unravel_index(int(np.argmax(inner)), inner.shape)
    return int(r) + m, int(c) + m


def pixel_trace(image, kernels, border: str, row: int, col: int, channel: int | None = None) -> PixelTrace:
    """The arithmetic behind output pixel ``(row, col)``: each kernel's window, products and sum.

    ``channel`` picks the plane of a ``(C, H, W)`` image (required then; ignored for ``(H, W)``).
    """
    image, kernels = _check(image, kernels, border)
    h, w = image.shape[-2:]
    if not (0 <= row < h and 0 <= col < w):
        raise CnnvizError("edges_pixel_outside", row=row, col=col, h=h, w=w)
    if image.ndim == 3:
        if channel is None or not 0 <= channel < image.shape[0]:
            raise CnnvizError("edges_choose_channel", last=image.shape[0] - 1, channels=image.shape[0])
        plane = image[channel]
    else:
        plane, channel = image, None
    pads = same_pads(plane.shape, kernels[0].shape)
    (top, _), (left, _) = pads
    fh, fw = kernels[0].shape
    padded = pad2d(plane, pads, border)
    window = padded[row: row + fh, col: col + fw]  # output (row, col) reads padded rows row … row+fh−1
    steps = tuple(conv2d_steps(window.astype(np.float64), k.astype(np.float64))[0] for k in kernels)
    values = np.array([s.value for s in steps])
    magnitude = float(np.sqrt(np.sum(values ** 2)))
    direction = float(np.arctan2(values[1] + 0.0, values[0] + 0.0)) if len(steps) == 2 else None
    return PixelTrace(row, col, channel, tuple(range(row - top, row - top + fh)),
                      tuple(range(col - left, col - left + fw)), steps, magnitude, direction)


def direction_error(kernels, size: int = 129, radius: float = 40.0, softness: float = 1.0,
                    bin_width: float = 5.0) -> DirectionError:
    r"""How far a gradient pair's θ strays from the truth on :func:`cnnviz.images.smooth_disk`.

    The rim pixels (where the true gradient is at least ¼ of its peak) are measured; the error is taken
    between orientations (mod 180°), so the sign convention of the kernels does not matter.
    """
    if len(kernels) != 2:
        raise CnnvizError("edges_needs_pair")
    disk = smooth_disk(size, radius, softness)
    m = edge_maps(disk, kernels, "replicate")
    c = (size - 1) / 2
    yy, xx = np.mgrid[0:size, 0:size]
    r = np.hypot(yy - c, xx - c)
    rim = np.cosh((radius - r) / softness) ** -2 >= 0.25  # |d/dr| of the profile, relative to its peak
    true = np.degrees(np.arctan2(yy - c, xx - c))[rim]
    errors = (np.degrees(m.direction.astype(np.float64))[rim] - true + 90) % 180 - 90
    order = np.argsort(true, kind="stable")
    true, errors = true[order], errors[order]
    edges = np.arange(-180, 180 + bin_width, bin_width)
    which = np.clip(np.digitize(true, edges) - 1, 0, len(edges) - 2)
    counts = np.bincount(which, minlength=len(edges) - 1)
    sums = np.bincount(which, weights=errors, minlength=len(edges) - 1)
    filled = counts > 0
    return DirectionError(true, errors, (edges[:-1] + bin_width / 2)[filled], sums[filled] / counts[filled],
                          float(np.abs(errors).mean()), float(np.abs(errors).max()))
