"""2-D convolution: the readable loop version (the spec) and the fast shift-and-add version.

Both compute cross-correlation, as deep-learning libraries do; ``flip=True`` rotates the kernel
by 180° first, which gives the mathematical convolution.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import CnnvizError, Term
from .padding import pad2d
from .shapes import Geometry2D, conv_geometry


def as_numeric(name: str, a) -> np.ndarray:
    """``a`` as a numeric numpy array, or a CnnvizError that says what was wrong (``name`` has a ``term.*`` entry)."""
    try:
        arr = np.asarray(a)
    except ValueError:  # ragged nested lists; numpy's own words never reach a student
        raise CnnvizError("not_rectangular", name=Term(name)) from None
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise CnnvizError("not_numbers", name=Term(name), dtype=str(arr.dtype))
    return arr


@dataclass(frozen=True)
class ConvProblem:
    """A convolution's arguments, checked and brought to the batch layout."""

    x: np.ndarray  # (N, C, H, W)
    w: np.ndarray  # (K, C, fh, fw), already flipped when flip=True
    b: np.ndarray  # (K,)
    geometry: Geometry2D
    out_ndim: int  # 2 → (Ho, Wo), 3 → (K, Ho, Wo), 4 → (N, K, Ho, Wo)

    @property
    def dtype(self):
        return np.result_type(self.x.dtype, self.w.dtype, self.b.dtype, np.float32)

    def shape_output(self, out: np.ndarray) -> np.ndarray:
        """(N, K, Ho, Wo) → the layout that matches the caller's input."""
        if self.out_ndim == 2:
            return out[0, 0]
        return out[0] if self.out_ndim == 3 else out


def conv_problem(x, w, b=None, stride=1, padding=0, dilation=1, flip=False) -> ConvProblem:
    """Check the arguments of ``conv2d`` and bring them to ``(N, C, H, W)`` / ``(K, C, fh, fw)``."""
    x, w = as_numeric("input", x), as_numeric("kernel", w)
    if x.ndim not in (2, 3, 4):
        raise CnnvizError("not_an_image", shape=x.shape)
    if x.ndim == 2 and w.ndim == 2:
        x4, w4, out_ndim = x[None, None], w[None, None], 2
    elif x.ndim in (2, 3, 4) and w.ndim == 4:
        x4 = x[None, None] if x.ndim == 2 else (x[None] if x.ndim == 3 else x)
        w4, out_ndim = w, (3 if x.ndim < 4 else 4)
    else:
        raise CnnvizError("kernel_shape_mismatch", input_shape=x.shape, kernel_shape=w.shape)
    if x4.shape[1] != w4.shape[1]:
        raise CnnvizError("channel_mismatch", channels=x4.shape[1], filter_channels=w4.shape[1])
    if min(x4.shape) == 0 or min(w4.shape) == 0:
        raise CnnvizError("empty_arrays", input_shape=x.shape, kernel_shape=w.shape)
    geometry = conv_geometry(x4.shape[2:], w4.shape[2:], stride, padding, dilation)
    k = w4.shape[0]
    if b is None:
        b = np.zeros(k, dtype=w4.dtype)
    b = as_numeric("bias", b).reshape(-1)
    if b.shape != (k,):
        raise CnnvizError("bias_per_filter", filters=k, values=b.size)
    if flip:
        w4 = w4[..., ::-1, ::-1]
    return ConvProblem(x4, w4, b, geometry, out_ndim)


def conv2d_loop(x, w, b=None, stride=1, padding=0, dilation=1, flip=False) -> np.ndarray:
    """The specification: one explicit sum per output value. Slow; used by tests and traces."""
    pb = conv_problem(x, w, b, stride, padding, dilation, flip)
    rows, cols = pb.geometry.rows, pb.geometry.cols
    xp = pad2d(pb.x.astype(pb.dtype, copy=False), pb.geometry.pads)  # (N, C, Hp, Wp); uint8 products would wrap
    n, k = pb.x.shape[0], pb.w.shape[0]
    out = np.zeros((n, k, rows.out, cols.out), dtype=pb.dtype)
    for img in range(n):
        for f in range(k):
            for i in range(rows.out):
                for j in range(cols.out):
                    window = xp[img][:, rows.window(i)][:, :, cols.window(j)]  # (C, fh, fw)
                    out[img, f, i, j] = np.sum(window * pb.w[f]) + pb.b[f]
    return pb.shape_output(out)


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, flip=False) -> np.ndarray:
    """2-D cross-correlation (``flip=True``: convolution) with stride, padding and dilation.

    Shapes: ``(H, W)`` with ``(fh, fw)`` → ``(Ho, Wo)``; ``(C, H, W)`` with ``(K, C, fh, fw)`` →
    ``(K, Ho, Wo)``; ``(N, C, H, W)`` → ``(N, K, Ho, Wo)``. ``b`` has K entries. ``padding`` is an
    int, ``(ph, pw)``, ``((top, bottom), (left, right))`` or ``'valid'|'same'|'full'`` (zeros).

    The kernel taps are visited one by one and each adds a strided slice of the padded input
    times its weight (shift-and-add): for small kernels this beats building every window.
    """
    pb = conv_problem(x, w, b, stride, padding, dilation, flip)
    rows, cols = pb.geometry.rows, pb.geometry.cols
    w4 = pb.w.astype(pb.dtype, copy=False)
    n, c = pb.x.shape[:2]
    k, _, fh, fw = w4.shape
    if c == k == 1:
        out = np.empty((n, 1, rows.out, cols.out), dtype=pb.dtype)
        for img in range(n):
            _shift_add_single(pb.x[img, 0].astype(pb.dtype, copy=False), w4[0, 0], rows, cols, out[img, 0])
    else:
        xp = pad2d(pb.x.astype(pb.dtype, copy=False), pb.geometry.pads)  # (N, C, Hp, Wp)
        out = np.zeros((n, k, rows.out, cols.out), dtype=pb.dtype)
        for i in range(fh):
            r0 = i * rows.dilation
            for j in range(fw):
                c0 = j * cols.dilation
                tap = xp[:, :, r0: r0 + rows.stride * (rows.out - 1) + 1: rows.stride,
                         c0: c0 + cols.stride * (cols.out - 1) + 1: cols.stride]  # (N, C, Ho, Wo)
                out += np.einsum("nchw,kc->nkhw", tap, w4[:, :, i, j])
    out += pb.b.astype(pb.dtype).reshape(1, k, 1, 1)
    return pb.shape_output(out)


def _reach(axis, tap: int) -> tuple[int, int]:
    """Output positions ``[lo, hi)`` whose window puts kernel tap ``tap`` on a real (unpadded) pixel."""
    offset = tap * axis.dilation - axis.before  # input index seen by output 0 through this tap
    lo = max(0, -(offset // axis.stride))  # first o with o·s + offset ≥ 0
    hi = min(axis.out, (axis.n - 1 - offset) // axis.stride + 1) if axis.n - 1 - offset >= 0 else 0
    return lo, max(lo, hi)


def _shift_add_single(x, w, rows, cols, out) -> None:
    """One image, one filter, zero padding: ``out (Ho, Wo) = Σ_taps w[i, j] · shifted x``, written in place.

    No padded copy: each tap adds the input slice it sees to the output slice it reaches (padding
    contributes zeros, so it is skipped). Output rows go in blocks of ~256 KB so the running sum stays
    in the CPU cache across the taps. Taps are summed in row-major order, like ``conv2d_loop``.
    """
    (ho, wo), (fh, fw) = out.shape, w.shape
    taps = []  # (weight, out rows [r0, r1), out cols [c0, c1), first input row, first input col)
    for i in range(fh):
        r0, r1 = _reach(rows, i)
        for j in range(fw):
            c0, c1 = _reach(cols, j)
            if r1 > r0 and c1 > c0:
                taps.append((w[i, j], r0, r1, c0, c1, r0 * rows.stride + i * rows.dilation - rows.before,
                             c0 * cols.stride + j * cols.dilation - cols.before))
    block = max(8, 65536 // max(wo, 1))
    scratch = np.empty((block, wo), dtype=out.dtype)
    for b0 in range(0, ho, block):
        b1 = min(ho, b0 + block)
        out[b0:b1] = 0
        for weight, r0, r1, c0, c1, xr, xc in taps:
            lo, hi = max(r0, b0), min(r1, b1)
            if hi <= lo:
                continue
            xr_lo = xr + (lo - r0) * rows.stride
            src = x[xr_lo: xr_lo + rows.stride * (hi - lo - 1) + 1: rows.stride,
                    xc: xc + cols.stride * (c1 - c0 - 1) + 1: cols.stride]  # (hi−lo, c1−c0)
            tmp = scratch[: hi - lo, : c1 - c0]
            np.multiply(src, weight, out=tmp)
            dst = out[lo:hi, c0:c1]
            np.add(dst, tmp, out=dst)
