r"""Output-size arithmetic and padding modes: the ONE place these formulas live.

Every other module (operations, traces, networks, figures, pages) asks this module for sizes.
Per axis, a window of ``f`` taps with dilation ``d`` spans ``d(f−1)+1`` input pixels, and

.. math:: n_{out} = \left\lfloor \frac{n + p_{before} + p_{after} - d(f-1) - 1}{s} \right\rfloor + 1
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from numbers import Integral

import numpy as np

from .errors import CnnvizError, Term

PADDING_MODES = ("valid", "same", "full")


def check_int(name: str, value, minimum: int | None) -> int:
    """Return ``value`` as an int (at least ``minimum`` unless None), or raise a CnnvizError a student can read.

    ``name`` is the English word of a ``term.*`` entry, e.g. ``"kernel size"`` → ``term.kernel_size``.
    """
    # a plain int skips the slow abstract-class check (a network summary asks ~100 times)
    if type(value) is not int and (isinstance(value, bool) or not isinstance(value, Integral)):
        raise CnnvizError("not_whole_number", name=Term(name), value=repr(value))
    if minimum is not None and value < minimum:
        raise CnnvizError("too_small", name=Term(name), minimum=minimum, value=value)
    return int(value)


def pair(name: str, value, minimum: int = 1) -> tuple[int, int]:
    """An int or a pair of ints → ``(height_value, width_value)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise CnnvizError("not_a_pair", name=Term(name), value=repr(value))
        return check_int(name, value[0], minimum), check_int(name, value[1], minimum)
    v = check_int(name, value, minimum)
    return v, v


def effective_kernel_size(f: int, dilation: int = 1) -> int:
    """Input pixels spanned by a dilated kernel: ``d(f−1)+1``."""
    return dilation * (f - 1) + 1


def resolve_padding(padding, n: int, f: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    r"""Padding of one axis as ``(before, after)``.

    ``padding`` is an int (each side), a ``(before, after)`` pair, or a mode:
    ``'valid'`` → (0, 0); ``'full'`` → ``d(f−1)`` each side; ``'same'`` → the TensorFlow/Keras rule:
    output ``⌈n/s⌉``, total padding ``max((⌈n/s⌉−1)s + d(f−1)+1 − n, 0)``, the odd pixel **after**.
    """
    n = check_int("input size", n, 1)
    f = check_int("kernel size", f, 1)
    stride = check_int("stride", stride, 1)
    dilation = check_int("dilation", dilation, 1)
    span = effective_kernel_size(f, dilation)
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return 0, 0
        if mode == "full":
            return span - 1, span - 1
        if mode == "same":
            total = max((math.ceil(n / stride) - 1) * stride + span - n, 0)
            return total // 2, total - total // 2
        raise CnnvizError("not_one_of", name=Term("padding mode"), options=", ".join(PADDING_MODES),
                          value=repr(padding))
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise CnnvizError("not_a_side_pair", name=Term("padding"), value=repr(padding))
        return check_int("padding", padding[0], 0), check_int("padding", padding[1], 0)
    p = check_int("padding", padding, 0)
    return p, p


def torch_same_padding(n: int, f: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    """PyTorch's ``padding='same'`` for one axis as ``(before, after)``.

    Total ``d(f−1)``, ``⌊total/2⌋`` before and the odd pixel **after** — for stride 1 the same numbers
    as the TensorFlow rule of :func:`resolve_padding`. PyTorch refuses ``'same'`` with stride > 1.
    """
    # Checked in PyTorch's source: aten/src/ATen/native/Convolution.cpp `convolution_same` raises
    # "padding='same' is not supported for strided convolutions" for any stride ≠ 1, takes
    # (left, right) from aten/src/ATen/native/Pool.h `_pooling_same_mode_padding_lr`: total = d·(k−1),
    # left = total / 2, right = total − left (its stride > 2 branch is unreachable from conv), and for
    # left ≠ right pads the difference at the end with constant_pad_nd before a symmetric convolution.
    # torch/nn/modules/conv.py (`_reversed_padding_repeated_twice`) uses the same split for F.pad.
    # Confirmed with torch 2.13 (F.conv2d(padding='same') == F.conv2d(F.pad(x, (l, r, l, r)))).
    n = check_int("input size", n, 1)
    f = check_int("kernel size", f, 1)
    stride = check_int("stride", stride, 1)
    dilation = check_int("dilation", dilation, 1)
    if stride != 1:
        raise CnnvizError("torch_same_needs_stride_1", stride=stride)
    total = dilation * (f - 1)
    return total // 2, total - total // 2


@dataclass(frozen=True)
class AxisGeometry:
    """How a window slides along one axis (rows or columns)."""

    n: int  # input size
    f: int  # kernel taps
    stride: int
    dilation: int
    before: int  # padding before (top / left)
    after: int  # padding after (bottom / right)
    out: int  # output size
    ceil_mode: bool = False  # pooling's ceil mode: the division rounds up

    @property
    def span(self) -> int:
        """Input pixels one window spans: ``d(f−1)+1``."""
        return effective_kernel_size(self.f, self.dilation)

    @property
    def padded(self) -> int:
        return self.n + self.before + self.after

    @property
    def remainder(self) -> int:
        """How far the floor cuts: ``(n + p_b + p_a − span) mod s``; 0 means the division is exact."""
        return (self.padded - self.span) % self.stride

    def window(self, i: int) -> np.ndarray:
        """Padded coordinates of the taps of output position ``i``."""
        return i * self.stride + self.dilation * np.arange(self.f)

    def unreached(self) -> tuple[int, ...]:
        """Padded positions after the last window that no window reaches (the floor's leftovers)."""
        last = (self.out - 1) * self.stride + self.span  # one past the last reached position
        return tuple(range(last, self.padded))

    def formula(self) -> str:
        """The output-size formula with these numbers substituted, e.g. ``⌊(7 + 2·1 − 3)/2⌋ + 1 = 4``."""
        if self.before == self.after:
            pad = f" + 2·{self.before}" if self.before else ""
        else:
            pad = f" + {self.before} + {self.after}"
        kernel = f"{self.f}" if self.dilation == 1 else f"({self.dilation}·({self.f}−1) + 1)"
        numerator = f"{self.n}{pad} − {kernel}"
        if self.stride == 1:
            return f"({numerator}) + 1 = {self.out}"
        if not self.ceil_mode:
            return f"⌊({numerator})/{self.stride}⌋ + 1 = {self.out}"
        rounded_up = -(-(self.padded - self.span) // self.stride) + 1
        dropped = " − 1" if rounded_up > self.out else ""  # last window would start in the right padding
        return f"⌈({numerator})/{self.stride}⌉ + 1{dropped} = {self.out}"

    def worked(self) -> str:
        """:meth:`formula` evaluated step by step, so the floor's cut shows:
        ``⌊(8 − 3)/2⌋ + 1 = ⌊5/2⌋ + 1 = 2 + 1 = 3``."""
        substituted = self.formula().rsplit(" = ", 1)[0]
        numerator = self.padded - self.span
        if self.stride == 1:
            return f"{substituted} = {numerator} + 1 = {self.out}"
        if not self.ceil_mode:
            return f"{substituted} = ⌊{numerator}/{self.stride}⌋ + 1 = {numerator // self.stride} + 1 = {self.out}"
        rounded_up = -(-numerator // self.stride)
        dropped = " − 1" if rounded_up + 1 > self.out else ""
        return (f"{substituted} = ⌈{numerator}/{self.stride}⌉ + 1{dropped} = {rounded_up} + 1{dropped} "
                f"= {self.out}")


def axis_geometry(n: int, f: int, stride: int = 1, padding=0, dilation: int = 1, *,
                  window: str = "kernel") -> AxisGeometry:
    """Validate one axis and compute its output size (floor semantics); ``window`` names it in messages."""
    before, after = resolve_padding(padding, n, f, stride, dilation)
    span = effective_kernel_size(f, dilation)
    padded = n + before + after
    if span > padded:
        pads = f"2·{before}" if before == after else f"{before} + {after}"
        if dilation == 1:
            raise CnnvizError("window_too_large", window=Term(window), f=f, n=n, pads=pads, padded=padded)
        raise CnnvizError("dilated_window_too_large", window=Term(window), f=f, span=span, dilation=dilation,
                          n=n, pads=pads, padded=padded)
    return AxisGeometry(n, f, stride, dilation, before, after, (padded - span) // stride + 1)


def conv_output_size(n: int, f: int, stride: int = 1, padding=0, dilation: int = 1) -> int:
    r"""Output size of a convolution along one axis: ``⌊(n + p_b + p_a − d(f−1) − 1)/s⌋ + 1``."""
    return axis_geometry(n, f, stride, padding, dilation).out


def pool_output_size(n: int, f: int, stride: int | None = None, padding=0, ceil_mode: bool = False) -> int:
    """Output size of pooling along one axis, with PyTorch semantics.

    ``stride`` defaults to ``f``. With ``ceil_mode`` the division rounds up, but a last window that
    would start inside the right padding (or beyond) is dropped.
    """
    geo = axis_geometry(n, f, f if stride is None else stride, padding, window="pooling window")
    if max(geo.before, geo.after) > f // 2:
        raise CnnvizError("pool_padding_too_large", before=geo.before, after=geo.after, f=f, half=f // 2)
    if not ceil_mode:
        return geo.out
    out = -(-(geo.padded - geo.span) // geo.stride) + 1
    if (out - 1) * geo.stride >= n + geo.before:
        out -= 1
    return out


def conv_transpose_output_size(n: int, f: int, stride: int = 1, padding: int = 0,
                               output_padding: int = 0, dilation: int = 1) -> int:
    """Output size of a transposed convolution: ``s(n−1) + d(f−1) + 1 − 2p + output_padding``."""
    n = check_int("input size", n, 1)
    f = check_int("kernel size", f, 1)
    stride = check_int("stride", stride, 1)
    padding = check_int("padding", padding, 0)
    output_padding = check_int("output padding", output_padding, 0)
    dilation = check_int("dilation", dilation, 1)
    if output_padding >= max(stride, dilation):
        raise CnnvizError("output_padding_too_large", output_padding=output_padding, stride=stride,
                          dilation=dilation)
    out = stride * (n - 1) + effective_kernel_size(f, dilation) - 2 * padding + output_padding
    if out < 1:
        raise CnnvizError("padding_crops_output", padding=padding, full=out + 2 * padding, out=out)
    return out


def split_padding_2d(padding) -> tuple:
    """Split a 2-D padding argument into (rows, cols) parts that ``resolve_padding`` understands.

    Accepts an int, ``(ph, pw)``, ``((top, bottom), (left, right))`` or a mode string.
    """
    if isinstance(padding, str) or not isinstance(padding, (tuple, list)):
        return padding, padding
    if len(padding) != 2:
        raise CnnvizError("not_a_padding_2d", value=repr(padding))
    return padding[0], padding[1]


@dataclass(frozen=True)
class Geometry2D:
    """Rows and columns of a 2-D sliding window."""

    rows: AxisGeometry
    cols: AxisGeometry

    @property
    def out_shape(self) -> tuple[int, int]:
        return self.rows.out, self.cols.out

    @property
    def pads(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return (self.rows.before, self.rows.after), (self.cols.before, self.cols.after)


def conv_geometry(input_hw, kernel_hw, stride=1, padding=0, dilation=1) -> Geometry2D:
    """Validate and describe a 2-D window: input ``(H, W)``, kernel ``(fh, fw)``."""
    (h, w), (fh, fw) = pair("input size", input_hw), pair("kernel size", kernel_hw)
    (sh, sw), (dh, dw) = pair("stride", stride), pair("dilation", dilation)
    ph, pw = split_padding_2d(padding)
    return Geometry2D(axis_geometry(h, fh, sh, ph, dh), axis_geometry(w, fw, sw, pw, dw))


def coverage(n, f, stride=1, padding=0, dilation=1) -> np.ndarray:
    """How many windows use each input pixel, shape ``(H, W)`` (padding pixels are not counted).

    ``n`` and ``f`` are an int (square) or an ``(H, W)`` / ``(fh, fw)`` pair.
    """
    geo = conv_geometry(n, f, stride, padding, dilation)
    per_axis = []
    for ax in (geo.rows, geo.cols):
        counts = np.zeros(ax.padded, dtype=np.int64)
        for i in range(ax.out):
            counts[ax.window(i)] += 1
        per_axis.append(counts[ax.before: ax.before + ax.n])
    return np.outer(per_axis[0], per_axis[1])


def pool_geometry(input_hw, size, stride=None, padding=0, ceil_mode: bool = False) -> Geometry2D:
    """Validate and describe a 2-D pooling window (PyTorch rules, ``stride`` defaults to ``size``).

    Explicit padding may be at most half the window on each side, so that every window holds at
    least one real pixel. With ``ceil_mode`` the last window may hang over the padded input.
    """
    (h, w), (fh, fw) = pair("input size", input_hw), pair("pool size", size)
    sh, sw = pair("stride", (fh, fw) if stride is None else stride)
    ph, pw = split_padding_2d(padding)
    axes = []
    for n, f, s, p in ((h, fh, sh, ph), (w, fw, sw, pw)):
        ax = axis_geometry(n, f, s, p, window="pooling window")
        out = pool_output_size(n, f, s, (ax.before, ax.after), ceil_mode)  # also checks the padding
        axes.append(replace(ax, out=out, ceil_mode=ceil_mode))
    return Geometry2D(*axes)
