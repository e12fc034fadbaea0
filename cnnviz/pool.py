"""2-D pooling (max / average / min), one channel at a time: pooling never mixes channels."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .conv import as_numeric
from .errors import CnnvizError, Term
from .shapes import AxisGeometry, Geometry2D, pool_geometry

POOL_MODES = ("max", "avg", "min")


def _check(x, size, stride, padding, mode, ceil_mode) -> tuple[np.ndarray, Geometry2D]:
    x = as_numeric("input", x)
    if x.ndim not in (2, 3, 4) or x.size == 0:
        raise CnnvizError("not_a_pool_input", shape=x.shape)
    if mode not in POOL_MODES:
        raise CnnvizError("not_one_of", name=Term("pooling mode"), options=", ".join(POOL_MODES), value=repr(mode))
    return x, pool_geometry(x.shape[-2:], size, stride, padding, ceil_mode)


def fill_value(dtype, mode: str):
    """The value padding takes: ignored by max/min (−∞/+∞ or the integer extremes), 0 for avg."""
    if mode == "avg":
        return 0
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
    if mode == "max":
        return info.min if info else -np.inf
    return info.max if info else np.inf


def overhang(ax: AxisGeometry) -> int:
    """How far ceil mode's last window reaches past the padded input."""
    return max((ax.out - 1) * ax.stride + ax.span - ax.padded, 0)


def window_counts(ax: AxisGeometry) -> np.ndarray:
    """Per output position, how many window taps lie inside the padded input (avg's divisor)."""
    starts = np.arange(ax.out) * ax.stride
    return np.minimum(starts + ax.f, ax.padded) - starts


def padded_for_pool(x: np.ndarray, geo: Geometry2D, mode: str) -> np.ndarray:
    """Pad with the mode's neutral value, plus ceil mode's overhang after."""
    dtype = np.float64 if mode == "avg" and not np.issubdtype(x.dtype, np.floating) else x.dtype
    (t, b), (l, r) = geo.pads
    widths = [(0, 0)] * (x.ndim - 2) + [(t, b + overhang(geo.rows)), (l, r + overhang(geo.cols))]
    return np.pad(x.astype(dtype, copy=False), widths, constant_values=fill_value(dtype, mode))


def pool2d(x, size, stride=None, padding=0, mode: str = "max", ceil_mode: bool = False) -> np.ndarray:
    """Max, average or min pooling over the last two axes, each channel on its own.

    ``(H, W)`` → ``(Ho, Wo)``, ``(C, H, W)`` → ``(C, Ho, Wo)``, ``(N, C, H, W)`` → ``(N, C, Ho, Wo)``.
    ``stride`` defaults to ``size``; ``padding`` is an int, a pair or ``'valid'|'same'``.
    Average pooling counts padded zeros (PyTorch's default); max and min ignore padding.
    """
    x, geo = _check(x, size, stride, padding, mode, ceil_mode)
    rows, cols = geo.rows, geo.cols
    xp = padded_for_pool(x, geo, mode)
    windows = sliding_window_view(xp, (rows.f, cols.f), axis=(-2, -1))
    windows = windows[..., ::rows.stride, ::cols.stride, :, :][..., :rows.out, :cols.out, :, :]  # (..., Ho, Wo, fh, fw)
    if mode == "max":
        return windows.max(axis=(-2, -1))
    if mode == "min":
        return windows.min(axis=(-2, -1))
    return windows.sum(axis=(-2, -1)) / np.outer(window_counts(rows), window_counts(cols))
