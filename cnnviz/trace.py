"""Step-by-step traces: one record per output cell, in the order the window slides.

Every animation frame and every caption of the app is drawn from these records.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .conv import conv2d, conv_problem
from .errors import CnnvizError
from .padding import pad2d
from .pool import _check, padded_for_pool, pool2d, window_counts
from .shapes import Geometry2D

MINUS = "−"


def format_number(v, digits: int = 4) -> str:
    """A number as a person writes it: ``3``, ``2.5``, ``−0.125`` (integers without ``.0``)."""
    v = float(v)
    if math.isnan(v):  # math, not numpy: this runs once per number of every caption
        return "NaN"
    return _written(v, digits)


@functools.lru_cache(maxsize=8192)
def _written(v: float, digits: int) -> str:
    """:func:`format_number` of a number that is not NaN, remembered: a trace writes the same few numbers
    hundreds of times (a 6×6 convolution's equations hold 320), and this was most of its time."""
    if math.isinf(v):
        return f"{MINUS}∞" if v < 0 else "∞"
    r = round(v, digits)
    if r == int(r) and abs(r) < 1e15:
        text = str(int(r))
    else:
        text = f"{r:.{digits}f}".rstrip("0").rstrip(".")
    if text in ("-0", "0"):
        return "0"
    return text.replace("-", MINUS)


def _operand(v) -> str:
    text = format_number(v)
    return f"({text})" if text.startswith(MINUS) else text


@dataclass(frozen=True)
class ConvStep:
    """The arithmetic behind one output value of a convolution."""

    index: tuple[int, ...]  # output index: (i, j) for a 2-D image, (k, i, j) with filters
    rows: tuple[int, ...]  # padded row coordinates of the kernel taps
    cols: tuple[int, ...]  # padded column coordinates of the kernel taps
    patch: np.ndarray  # input under the window, padding included: (fh, fw) or (C, fh, fw)
    kernel: np.ndarray  # the (possibly flipped) kernel, same shape as patch
    products: np.ndarray  # patch · kernel, elementwise
    channel_sums: tuple[float, ...]  # sum of the products of each input channel
    total: float  # sum of all products
    bias: float
    value: float  # total + bias: the number written into the output
    equation: str  # e.g. "2·1 + 3·2 + 0·4 + 1·5 = 13"


def conv2d_steps(x, w, b=None, stride=1, padding=0, dilation=1, flip=False) -> tuple[ConvStep, ...]:
    """Trace ``conv2d`` on one image: ``(H, W)`` with ``(fh, fw)``, or ``(C, H, W)`` with ``(K, C, fh, fw)``.

    Records come filter by filter, and within a filter row by row, left to right.
    """
    pb = conv_problem(x, w, b, stride, padding, dilation, flip)
    if pb.out_ndim == 4:
        raise CnnvizError("trace_needs_one_image", shape=pb.x.shape)
    rows, cols = pb.geometry.rows, pb.geometry.cols
    xp = pad2d(pb.x[0].astype(np.float64), pb.geometry.pads)  # (C, Hp, Wp)
    squeeze = pb.out_ndim == 2
    steps = []
    for k in range(pb.w.shape[0]):
        kernel = pb.w[k].astype(np.float64)  # (C, fh, fw)
        bias = float(pb.b[k])
        for i in range(rows.out):
            r = rows.window(i)
            for j in range(cols.out):
                c = cols.window(j)
                patch = xp[:, r][:, :, c]
                products = patch * kernel
                sums = tuple(float(s) for s in products.sum(axis=(1, 2)))
                total = float(products.sum())
                value = total + bias
                terms = " + ".join(f"{_operand(p)}·{_operand(q)}" for p, q in zip(patch.ravel(), kernel.ravel()))
                if bias:
                    terms += f" + {_operand(bias)}"
                steps.append(ConvStep(
                    index=(i, j) if squeeze else (k, i, j), rows=tuple(int(v) for v in r),
                    cols=tuple(int(v) for v in c), patch=patch[0] if squeeze else patch,
                    kernel=kernel[0] if squeeze else kernel, products=products[0] if squeeze else products,
                    channel_sums=sums, total=total, bias=bias, value=value,
                    equation=f"{terms} = {format_number(value)}"))
    return tuple(steps)


@dataclass(frozen=True)
class PoolStep:
    """The arithmetic behind one output value of pooling."""

    index: tuple[int, ...]  # (i, j) for a 2-D image, (c, i, j) with channels
    rows: tuple[int, ...]  # padded row coordinates of the window (may pass the padded edge in ceil mode)
    cols: tuple[int, ...]
    patch: np.ndarray  # (fh, fw): window values; padding shows as 0 (avg) or ±∞ (max / min)
    inside: np.ndarray  # (fh, fw) bool: True where the window sees a real input pixel
    mode: str
    value: float
    winner: tuple[int, int] | None  # padded (row, col) picked by max/min (first one on ties); None for avg
    equation: str  # e.g. "max(4, 3, 2, 1) = 4" or "(4 + 3 + 2 + 1)/4 = 2.5"


def pool2d_steps(x, size, stride=None, padding=0, mode: str = "max", ceil_mode: bool = False) -> tuple[PoolStep, ...]:
    """Trace ``pool2d`` on ``(H, W)`` or ``(C, H, W)``: channel by channel, row by row."""
    x, geo = _check(x, size, stride, padding, mode, ceil_mode)
    if x.ndim == 4:
        raise CnnvizError("trace_needs_one_image", shape=x.shape)
    squeeze = x.ndim == 2
    x3 = x[None] if squeeze else x
    xp = padded_for_pool(x3.astype(np.float64), geo, mode)  # (C, Hp', Wp')
    real = _real_mask(geo, xp.shape[-2:])
    counts = np.outer(window_counts(geo.rows), window_counts(geo.cols))
    steps = []
    for ch in range(x3.shape[0]):
        for i in range(geo.rows.out):
            r = geo.rows.window(i)
            for j in range(geo.cols.out):
                c = geo.cols.window(j)
                patch, inside = xp[ch][r[:, None], c], real[r[:, None], c]  # the window's cells (np.ix_, faster)
                seen = patch[inside]
                winner = None
                if mode == "avg":
                    value = float(patch.sum() / counts[i, j])
                    counted = patch[np.ix_(r < geo.rows.padded, c < geo.cols.padded)]  # not ceil's overhang
                    terms = " + ".join(_operand(v) for v in counted.ravel())
                    equation = f"({terms})/{counts[i, j]} = {format_number(value)}"
                else:
                    best = np.argmax(seen) if mode == "max" else np.argmin(seen)  # first real pixel on ties
                    flat = int(np.flatnonzero(inside)[best])  # padding never wins, even against −∞
                    winner = (int(r[flat // len(c)]), int(c[flat % len(c)]))
                    value = float(patch.ravel()[flat])
                    equation = f"{mode}({', '.join(format_number(v) for v in seen)}) = {format_number(value)}"
                steps.append(PoolStep((i, j) if squeeze else (ch, i, j), tuple(int(v) for v in r),
                                      tuple(int(v) for v in c), patch, inside, mode, value, winner, equation))
    return tuple(steps)


def _real_mask(geo: Geometry2D, padded_hw) -> np.ndarray:
    """True on the real input pixels of the (over-)padded grid."""
    mask = np.zeros(padded_hw, dtype=bool)
    mask[geo.rows.before: geo.rows.before + geo.rows.n, geo.cols.before: geo.cols.before + geo.cols.n] = True
    return mask



@dataclass(frozen=True)
class Trace:
    """Everything a picture of a sliding window needs, computed once."""

    geometry: Geometry2D
    padded: np.ndarray  # (Hp, Wp) or (C, Hp, Wp): the input with its padding (ceil-mode overhang included)
    real: np.ndarray  # (Hp, Wp) bool: True on real input pixels
    output: np.ndarray  # what conv2d / pool2d returns
    steps: tuple  # ConvStep or PoolStep records, in sliding order


def conv2d_trace(x, w, b=None, stride=1, padding=0, dilation=1, flip=False) -> Trace:
    """``conv2d`` on one image together with its padded input and its step records."""
    steps = conv2d_steps(x, w, b, stride, padding, dilation, flip)
    pb = conv_problem(x, w, b, stride, padding, dilation, flip)
    padded = pad2d(pb.x[0].astype(np.float64), pb.geometry.pads)
    real = _real_mask(pb.geometry, padded.shape[-2:])
    return Trace(pb.geometry, padded[0] if pb.out_ndim == 2 else padded, real,
                 conv2d(x, w, b, stride, padding, dilation, flip), steps)


def pool2d_trace(x, size, stride=None, padding=0, mode: str = "max", ceil_mode: bool = False) -> Trace:
    """``pool2d`` on one image together with its padded input and its step records."""
    steps = pool2d_steps(x, size, stride, padding, mode, ceil_mode)
    x, geo = _check(x, size, stride, padding, mode, ceil_mode)
    padded = padded_for_pool(x.astype(np.float64), geo, mode)
    return Trace(geo, padded, _real_mask(geo, padded.shape[-2:]), pool2d(x, size, stride, padding, mode, ceil_mode),
                 steps)
