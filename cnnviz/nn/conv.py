r"""Conv2d with forward and backward as matrix products over *row windows* (a Toeplitz im2col).

Channels-last: input ``x (N, H, W, C)``, weights ``w (KH, KW, C, K)`` (Keras' layout),
bias ``b (K,)``, output ``(N, OH, OW, K)``. Stride, dilation and zero padding (numbers or
``'valid'``/``'same'``/``'full'``) as in :func:`cnnviz.shapes.conv_geometry`, which also gives the
output size.

**The idea.** Write each (padded) input row as one vector of ``Wp·C`` numbers. Output row ``i``
depends on the ``KH`` input rows ``r = i·s + a·d``. Take ``G`` neighbouring outputs of that row:
they read a block of ``Wg`` input columns of those rows — a *row window* of ``KH·Wg·C`` numbers.
Sliding along the row, striding, dilating and mixing channels are all linear, so one matrix ``T``
of shape ``(KH·Wg·C, G·K)``, whose entries are copies of the weights (banded, Toeplitz-like),
maps a row window to its ``G·K`` outputs:

.. math:: T[a, x', c;\ j, k] = w[a, b, c, k] \quad\text{where}\quad x' = j·s_w + b·d_w

and the same ``T`` serves every block, because a convolution is the same everywhere. With
``cols`` all row windows ``(N·OH·OW/G, KH·Wg·C)``:

* forward: ``z = cols · T + b``                                   ``(N·OH·OW/G, G·K)`` = ``(N, OH, OW, K)``
* weights: ``∂L/∂T = colsᵀ · dz``, and each weight adds up its copies in ``∂L/∂T``
* input: ``dz · Tᵀ`` (one block as wide as the row, ``G = OW``) hands each output row's gradient
  back to the ``KH`` input rows it read; rows shared by overlapping windows add up (an overlap-add
  done with a shifted view, no loop).

``T`` holds each weight ``G`` times, so this does more multiply-adds than a plain im2col, but
its row windows are much smaller than im2col's patch matrix and every step is one large BLAS
call or one contiguous copy — the fastest form in numpy for MNIST-sized images. Cost grows with
the image width: meant for small images like MNIST's 28×28.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from ..shapes import AxisGeometry, Geometry2D, check_int, conv_geometry, pair
from .initializers import initial_weights
from .layers import Layer

MIN_BLOCK_OUTPUTS = 32  # G·K: fewer output columns per block leave BLAS underused


@dataclass(frozen=True)
class ToeplitzPlan:
    """Where each weight sits in a block ``T (KH·Wg·C, G·K)``: ``T.flat[t_index] = w.flat[w_index]``."""

    group: int  # G, outputs per block
    width: int  # Wg, input columns one block reads
    t_index: np.ndarray
    w_index: np.ndarray


@lru_cache(maxsize=128)
def toeplitz_plan(kh: int, cols: AxisGeometry, channels: int, filters: int, group: int) -> ToeplitzPlan:
    """The plan of a block of ``group`` outputs along the columns described by ``cols`` (unpadded)."""
    width = int(cols.window(group - 1)[-1]) + 1  # one past the last column the block's last output reads
    a, b, ch, j, f = np.meshgrid(np.arange(kh), np.arange(cols.f), np.arange(channels), np.arange(group),
                                 np.arange(filters), indexing="ij", sparse=True)
    x_in = j * cols.stride + b * cols.dilation  # column of the block read by tap b of output j
    t_index = ((a * width + x_in) * channels + ch) * (group * filters) + j * filters + f
    w_index = ((a * cols.f + b) * channels + ch) * filters + f
    shape = np.broadcast_shapes(t_index.shape, w_index.shape)
    t_index, w_index = np.broadcast_to(t_index, shape).ravel(), np.broadcast_to(w_index, shape).ravel()
    t_index.flags.writeable = w_index.flags.writeable = False  # cached and shared between threads
    return ToeplitzPlan(group, width, t_index, w_index)


def block_size(out: int, filters: int) -> int:
    """Outputs per block: the smallest divisor ``G`` of ``out`` with ``G·K ≥ 32``, else the whole row."""
    return next((g for g in range(1, out + 1) if out % g == 0 and g * filters >= MIN_BLOCK_OUTPUTS), out)


def toeplitz(w: np.ndarray, plan: ToeplitzPlan) -> np.ndarray:
    """``T (KH·Wg·C, G·K)``: every weight copied to the places the plan lists, zeros elsewhere."""
    kh, _, c, k = w.shape
    t = np.zeros((kh * plan.width * c, plan.group * k), dtype=w.dtype)
    t.ravel()[plan.t_index] = w.ravel()[plan.w_index]
    return t


def row_windows(x_rows: np.ndarray, rows: AxisGeometry, blocks: int, step: int, width: int) -> np.ndarray:
    """Row windows ``(N·OH·blocks, KH·width)`` of padded rows ``x_rows (N, Hp, L)``.

    Window ``(i, g)``: rows ``i·s + a·d`` (``a < KH``), entries ``g·step … g·step + width − 1``.
    """
    n = len(x_rows)
    win = sliding_window_view(x_rows, (rows.span, width), axis=(1, 2))  # (N, ·, ·, span, width), a view
    win = win[:, : rows.stride * (rows.out - 1) + 1: rows.stride, : step * (blocks - 1) + 1: step, :: rows.dilation]
    return np.ascontiguousarray(win).reshape(n * rows.out * blocks, -1)  # (N·OH·blocks, KH·width)


class Conv2d(Layer):
    r"""2-D cross-correlation layer, channels-last (see the module docstring for the method).

    ``w`` is ``(KH, KW, C, K)``; :attr:`kernels` shows the same numbers as ``(K, C, KH, KW)``.
    """

    kind = "conv"

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1, *,
                 init: str = "he", rng: np.random.Generator | None = None, dtype=np.float32,
                 name: str | None = None):
        super().__init__(name)
        self.in_channels = check_int("input channels", in_channels, 1)
        self.out_channels = check_int("output channels", out_channels, 1)
        self.kernel_size = pair("kernel size", kernel_size)
        self.stride, self.padding, self.dilation = stride, padding, dilation
        kh, kw = self.kernel_size
        fan_in, fan_out = kh * kw * self.in_channels, kh * kw * self.out_channels
        w = initial_weights(init, (kh, kw, self.in_channels, self.out_channels), fan_in, fan_out, rng, dtype)
        self._set_params(w=w, b=np.zeros(self.out_channels, dtype=dtype))

    @property
    def w(self) -> np.ndarray:
        """Weights ``(KH, KW, C, K)`` (the array the optimizer updates)."""
        return self.params["w"]

    @property
    def b(self) -> np.ndarray:
        return self.params["b"]

    @property
    def kernels(self) -> np.ndarray:
        """The filters as ``(K, C, KH, KW)`` — a read-only view of :attr:`w`, e.g. to draw them."""
        view = self.params["w"].transpose(3, 2, 0, 1)
        view.flags.writeable = False
        return view

    def geometry(self, height: int, width: int) -> Geometry2D:
        """How the window slides over an ``height × width`` input (sizes from :mod:`cnnviz.shapes`)."""
        return conv_geometry((height, width), self.kernel_size, self.stride, self.padding, self.dilation)

    def output_shape(self, shape):
        h, w, c = shape
        if c != self.in_channels:
            raise ValueError(f"{self.name} expects {self.in_channels} input channel(s), got {c}")
        return (*self.geometry(h, w).out_shape, self.out_channels)

    def forward(self, x):
        n, h, w, c = x.shape
        geo = self.geometry(h, w)
        rows, cols = geo.rows, geo.cols
        k = self.out_channels
        if geo.pads != ((0, 0), (0, 0)):
            x = np.pad(x, ((0, 0), *geo.pads, (0, 0)))
        plan = toeplitz_plan(rows.f, _unpadded(cols), c, k, block_size(cols.out, k))
        windows = row_windows(x.reshape(n, rows.padded, -1), rows, cols.out // plan.group,
                              plan.group * cols.stride * c, plan.width * c)  # (N·OH·OW/G, KH·Wg·C)
        z = windows @ toeplitz(self.params["w"], plan)  # (N·OH·OW/G, G·K)
        z += np.tile(self.params["b"], plan.group)  # bias of every (column, filter): one row, broadcast down
        return z.reshape(n, rows.out, cols.out, k), (windows, plan, geo, (n, h, w, c))

    def backward(self, dout, cache, need_dx=True):
        windows, plan, geo, x_shape = cache
        n, h, w, c = x_shape
        rows, cols = geo.rows, geo.cols
        k = self.out_channels
        dz = dout.reshape(len(windows), -1)  # (N·OH·OW/G, G·K)
        dt = windows.T @ dz  # ∂L/∂T
        self.grads["w"].ravel()[...] = np.bincount(plan.w_index, weights=dt.ravel()[plan.t_index],
                                                   minlength=self.grads["w"].size)  # add up each weight's copies
        self.grads["b"][...] = dz.sum(axis=0).reshape(-1, k).sum(axis=0)  # rows first: long contiguous sums
        if not need_dx:
            return None
        # ∂L/∂x. With one block as wide as the row, dz · Tᵀ gives each output row's gradient for the
        # KH padded input rows it read: row i·s + a·d gets dcols[i, a]. Rows read by several outputs
        # (overlapping windows) add these up — a loop-free overlap-add: write output i's KH rows into
        # slot i of a zero buffer, view the slots shifted by s rows each, and sum over i.
        full = toeplitz_plan(rows.f, _unpadded(cols), c, k, cols.out)
        length = full.width * c  # columns right of the block are never read: their gradient stays 0
        dcols = dout.reshape(n * rows.out, -1) @ toeplitz(self.params["w"], full).T  # (N·OH, KH·Wf·C)
        slot = rows.padded + rows.stride  # rows per slot: tall enough that no slot reaches the next one's rows
        slots = np.zeros((n, rows.out, slot, length), dtype=dcols.dtype)
        slots[:, :, : rows.span: rows.dilation] = dcols.reshape(n, rows.out, rows.f, length)
        item = slots.itemsize
        shifted = as_strided(slots, (n, rows.out, rows.padded, length),  # [n, i, y] = slot i, row y − i·s
                             (slots.strides[0], rows.padded * length * item, length * item, item), writeable=False)
        dx = np.zeros((n, rows.padded, cols.padded, c), dtype=dcols.dtype)
        dx[:, :, : full.width] = shifted.sum(axis=1).reshape(n, rows.padded, full.width, c)
        return dx[:, rows.before: rows.before + h, cols.before: cols.before + w]


def _unpadded(cols: AxisGeometry) -> AxisGeometry:
    """The same columns with their padding made explicit (the input is padded before the windows)."""
    return AxisGeometry(cols.padded, cols.f, cols.stride, cols.dilation, 0, 0, cols.out)
