r"""Transposed convolution ("deconvolution", fractionally strided convolution), PyTorch semantics.

Each input pixel stamps a copy of the kernel, scaled by its value, onto the output; stamps of
neighbouring pixels start ``s`` apart, taps sit ``d`` apart, and overlapping stamps add up. Then
``p`` rows/columns are cropped from every side and ``output_padding`` extra ones kept at the end:

.. math:: o = s(i-1) + d(k-1) + 1 - 2p + a

The same numbers come from an ordinary stride-1 convolution (:func:`as_direct_convolution`): stretch
the input with ``s−1`` zeros between pixels, pad it by ``d(k−1)−p`` on each side (plus ``a`` at the
end) and slide the kernel rotated by 180°.

Layout: ``(H, W)`` with kernel ``(fh, fw)``; ``(C_in, H, W)`` or ``(N, C_in, H, W)`` with kernel
``(C_in, C_out, fh, fw)`` — the PyTorch ``ConvTranspose2d.weight`` layout (input channels first).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .conv import ConvProblem, as_numeric
from .errors import CnnvizError
from .shapes import conv_transpose_output_size, effective_kernel_size, pair

# Roles of the cells of the stretched, padded input (see ``TransposeAxis.roles``); a 2-D cell takes
# the larger of its row's and column's role, so only a real pixel in a real row and column is INPUT.
INPUT, INSERTED_ZERO, IMPLICIT_PADDING, OUTPUT_PADDING = 0, 1, 2, 3


@dataclass(frozen=True)
class TransposeAxis:
    """One axis (rows or columns) of a transposed convolution, with its direct-convolution view."""

    n: int  # input size
    f: int  # kernel taps
    stride: int
    padding: int  # cropped from each side of the output
    output_padding: int  # extra positions kept at the end (bottom / right)
    dilation: int
    out: int  # output size

    @property
    def span(self) -> int:
        """Output positions one stamp covers: ``d(f−1)+1``."""
        return effective_kernel_size(self.f, self.dilation)

    @property
    def full(self) -> int:
        """Output size before cropping: ``s(n−1) + d(f−1) + 1 + a``."""
        return self.out + 2 * self.padding

    @property
    def stretched(self) -> int:
        """Input size after inserting ``s−1`` zeros between neighbours: ``s(n−1)+1``."""
        return self.stride * (self.n - 1) + 1

    @property
    def implicit_padding(self) -> int:
        """Zeros the direct convolution adds on each side: ``d(f−1) − p`` (negative: that many are cropped)."""
        return self.dilation * (self.f - 1) - self.padding

    @property
    def pad_before(self) -> int:
        return self.implicit_padding

    @property
    def pad_after(self) -> int:
        return self.implicit_padding + self.output_padding

    def stamp(self, i: int) -> np.ndarray:
        """Uncropped output coordinates (``0 … full−1``) that input position ``i`` writes to."""
        return i * self.stride + self.dilation * np.arange(self.f)

    def roles(self) -> np.ndarray:
        """Role of every position of the stretched, padded axis (length ``out + d(f−1)``).

        The stretched input is zero outside ``[0, s(n−1)]``; the padded axis is its window
        ``[−pad_before, stretched + pad_after)``. Positions before the input and up to
        ``implicit_padding`` after it are IMPLICIT_PADDING, later ones OUTPUT_PADDING.
        """
        q = np.arange(-self.pad_before, self.stretched + self.pad_after)
        inside = (q >= 0) & (q < self.stretched)
        roles = np.where(q < 0, IMPLICIT_PADDING, OUTPUT_PADDING)
        roles = np.where((q >= self.stretched) & (q < self.stretched + self.implicit_padding), IMPLICIT_PADDING, roles)
        return np.where(inside, np.where(q % self.stride == 0, INPUT, INSERTED_ZERO), roles)

    def formula(self) -> str:
        """``o = s(i−1) + d(k−1) + 1 − 2p + a`` with the numbers, e.g. ``2·(3 − 1) + 3 − 2·1 + 1 = 6``."""
        kernel = f"{self.f}" if self.dilation == 1 else f"{self.dilation}·({self.f} − 1) + 1"
        text = f"{self.stride}·({self.n} − 1) + {kernel}"
        if self.padding:
            text += f" − 2·{self.padding}"
        if self.output_padding:
            text += f" + {self.output_padding}"
        return f"{text} = {self.out}"


def transpose_axis(n: int, f: int, stride: int = 1, padding: int = 0, output_padding: int = 0,
                   dilation: int = 1) -> TransposeAxis:
    """Validate one axis; the output size comes from ``shapes.conv_transpose_output_size``."""
    out = conv_transpose_output_size(n, f, stride, padding, output_padding, dilation)
    return TransposeAxis(n, f, stride, padding, output_padding, dilation, out)


@dataclass(frozen=True)
class TransposeGeometry:
    rows: TransposeAxis
    cols: TransposeAxis

    @property
    def out_shape(self) -> tuple[int, int]:
        return self.rows.out, self.cols.out


def transpose_geometry(input_hw, kernel_hw, stride=1, padding=0, output_padding=0, dilation=1) -> TransposeGeometry:
    """Validate and describe a 2-D transposed convolution; every argument is an int or an (h, w) pair."""
    (h, w), (fh, fw) = pair("input size", input_hw), pair("kernel size", kernel_hw)
    (sh, sw), (dh, dw) = pair("stride", stride), pair("dilation", dilation)
    (ph, pw), (ah, aw) = pair("padding", padding, 0), pair("output padding", output_padding, 0)
    return TransposeGeometry(transpose_axis(h, fh, sh, ph, ah, dh), transpose_axis(w, fw, sw, pw, aw, dw))


@dataclass(frozen=True)
class _Problem(ConvProblem):
    """A transposed convolution's checked arguments: ``x`` ``(N, C_in, H, W)``, ``w`` ``(C_in, C_out, fh, fw)``,
    ``b`` ``(C_out,)``; dtype and output layout as for :class:`ConvProblem`."""

    geometry: TransposeGeometry


def _problem(x, w, b, stride, padding, output_padding, dilation) -> _Problem:
    x, w = as_numeric("input", x), as_numeric("kernel", w)
    if x.ndim == 2 and w.ndim == 2:
        x4, w4, out_ndim = x[None, None], w[None, None], 2
    elif x.ndim in (3, 4) and w.ndim == 4:
        x4, w4, out_ndim = (x[None] if x.ndim == 3 else x), w, x.ndim
    else:
        raise CnnvizError("transpose_kernel_shape_mismatch", input_shape=x.shape, kernel_shape=w.shape)
    if x4.shape[1] != w4.shape[0]:
        raise CnnvizError("transpose_channel_mismatch", channels=x4.shape[1], kernel_channels=w4.shape[0])
    if min(x4.shape) == 0 or min(w4.shape) == 0:
        raise CnnvizError("empty_arrays", input_shape=x.shape, kernel_shape=w.shape)
    geometry = transpose_geometry(x4.shape[2:], w4.shape[2:], stride, padding, output_padding, dilation)
    c_out = w4.shape[1]
    b = np.zeros(c_out, dtype=w4.dtype) if b is None else as_numeric("bias", b).reshape(-1)
    if b.shape != (c_out,):
        raise CnnvizError("bias_per_output_channel", channels=c_out, values=b.size)
    return _Problem(x4, w4, b, geometry, out_ndim)


def conv_transpose2d(x, w, b=None, stride=1, padding=0, output_padding=0, dilation=1) -> np.ndarray:
    """Transposed 2-D convolution, PyTorch ``conv_transpose2d`` semantics.

    Shapes: ``(H, W)`` with ``(fh, fw)`` → ``(Ho, Wo)``; ``(C_in, H, W)`` with ``(C_in, C_out, fh, fw)``
    → ``(C_out, Ho, Wo)``; ``(N, C_in, H, W)`` → ``(N, C_out, Ho, Wo)``. ``b`` has C_out entries.
    ``stride``, ``padding`` (cropped per side), ``output_padding`` (< stride or dilation) and
    ``dilation`` are ints or (h, w) pairs. ``Ho = s(H−1) + d(fh−1) + 1 − 2p + a``.

    Every kernel tap adds the whole input, times its weight, onto a strided slice of the uncropped
    output (the scatter form of the definition, one tap at a time).
    """
    pb = _problem(x, w, b, stride, padding, output_padding, dilation)
    rows, cols = pb.geometry.rows, pb.geometry.cols
    x4 = pb.x.astype(pb.dtype, copy=False)
    w4 = pb.w.astype(pb.dtype, copy=False)
    n, _, h, wd = x4.shape
    c_out, fh, fw = w4.shape[1:]
    full = np.zeros((n, c_out, rows.full, cols.full), dtype=pb.dtype)  # (N, C_out, Hfull, Wfull)
    for i in range(fh):
        r0 = i * rows.dilation
        for j in range(fw):
            c0 = j * cols.dilation
            full[:, :, r0: r0 + rows.stride * (h - 1) + 1: rows.stride,
                 c0: c0 + cols.stride * (wd - 1) + 1: cols.stride] += np.einsum("nchw,ck->nkhw", x4, w4[:, :, i, j])
    out = full[:, :, rows.padding: rows.padding + rows.out, cols.padding: cols.padding + cols.out]
    out = out + pb.b.astype(pb.dtype).reshape(1, c_out, 1, 1)
    return pb.shape_output(out)


@dataclass(frozen=True)
class DirectConvolution:
    """A transposed convolution rewritten as a stride-1 convolution (valid, dilation ``d``).

    ``conv2d(padded, kernel, dilation=geometry dilation)`` (plus the bias) equals ``conv_transpose2d``.
    """

    geometry: TransposeGeometry
    stretched: np.ndarray  # input with s−1 zeros between pixels: (..., s(H−1)+1, s(W−1)+1)
    padded: np.ndarray  # stretched, padded by d(k−1)−p per side and a at the end (cropped where negative)
    roles: np.ndarray  # (Hp, Wp) role code of every cell of ``padded``: INPUT, INSERTED_ZERO, …
    kernel: np.ndarray  # rotated by 180°: (fh, fw), or (C_out, C_in, fh, fw) as conv2d expects

    @property
    def pads(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """``((top, bottom), (left, right))`` added to ``stretched``; a negative number crops."""
        r, c = self.geometry.rows, self.geometry.cols
        return (r.pad_before, r.pad_after), (c.pad_before, c.pad_after)


def _pad_or_crop(a: np.ndarray, axis: int, before: int, after: int) -> np.ndarray:
    """Zero-pad (positive) or crop (negative) ``a`` along ``axis``."""
    size = a.shape[axis]
    a = np.take(a, np.arange(max(-before, 0), size - max(-after, 0)), axis=axis)
    widths = [(0, 0)] * a.ndim
    widths[axis] = (max(before, 0), max(after, 0))
    return np.pad(a, widths)


def as_direct_convolution(x, w, stride=1, padding=0, output_padding=0, dilation=1) -> DirectConvolution:
    """The equivalent direct convolution of ``conv_transpose2d(x, w, …)``, as data for a figure.

    Shapes as in :func:`conv_transpose2d`. For ``(C_in, H, W)`` / ``(N, C_in, H, W)`` inputs the
    kernel is returned as ``(C_out, C_in, fh, fw)``: channels swapped, each filter rotated by 180°.
    """
    pb = _problem(x, w, None, stride, padding, output_padding, dilation)
    rows, cols = pb.geometry.rows, pb.geometry.cols
    x_in = as_numeric("input", x)
    stretched = np.zeros(x_in.shape[:-2] + (rows.stretched, cols.stretched), dtype=x_in.dtype)
    stretched[..., ::rows.stride, ::cols.stride] = x_in
    padded = _pad_or_crop(stretched, -2, rows.pad_before, rows.pad_after)
    padded = _pad_or_crop(padded, -1, cols.pad_before, cols.pad_after)
    roles = np.maximum.outer(rows.roles(), cols.roles())
    w_in = as_numeric("kernel", w)
    kernel = w_in[::-1, ::-1] if w_in.ndim == 2 else np.ascontiguousarray(w_in.transpose(1, 0, 2, 3)[..., ::-1, ::-1])
    return DirectConvolution(pb.geometry, stretched, padded, roles, np.ascontiguousarray(kernel))


@dataclass(frozen=True)
class Stamp:
    """One input pixel's contribution: its value times the kernel, added onto the uncropped output."""

    index: tuple[int, int]  # input position (i, j)
    value: float
    rows: tuple[int, ...]  # uncropped output rows of the kernel taps
    cols: tuple[int, ...]  # uncropped output columns of the kernel taps
    contribution: np.ndarray  # value · kernel, (fh, fw)
    canvas: np.ndarray  # uncropped output after this stamp, (Hfull, Wfull); crop p per side for the output


def conv_transpose2d_stamps(x, w, stride=1, padding=0, output_padding=0, dilation=1) -> tuple[Stamp, ...]:
    """The scatter view of a single-channel ``conv_transpose2d`` (``(H, W)`` with ``(fh, fw)``, no bias):
    one record per input pixel, row by row, each holding the running uncropped output."""
    pb = _problem(x, w, None, stride, padding, output_padding, dilation)
    if pb.out_ndim != 2:
        raise CnnvizError("scatter_needs_one_channel")
    rows, cols = pb.geometry.rows, pb.geometry.cols
    x2, k2 = pb.x[0, 0].astype(np.float64), pb.w[0, 0].astype(np.float64)
    canvas = np.zeros((rows.full, cols.full))
    stamps = []
    for i in range(x2.shape[0]):
        r = rows.stamp(i)
        for j in range(x2.shape[1]):
            c = cols.stamp(j)
            contribution = x2[i, j] * k2
            canvas = canvas.copy()
            canvas[np.ix_(r, c)] += contribution
            stamps.append(Stamp((i, j), float(x2[i, j]), tuple(int(v) for v in r), tuple(int(v) for v in c),
                                contribution, canvas))
    return tuple(stamps)
