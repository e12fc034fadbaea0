r"""Conv2d with forward and backward as three matrix products ("row-Toeplitz" im2col).

Channels-last: input ``x (N, H, W, C)``, weights ``w (KH, KW, C, K)`` (Keras' layout),
bias ``b (K,)``, output ``(N, OH, OW, K)``. Stride, dilation and zero padding (numbers or
``'valid'``/``'same'``/``'full'``) as in :func:`cnnviz.shapes.conv_geometry`, which also gives the
output size.

**The idea.** Write each input row as one vector of ``W·C`` numbers. Output row ``i`` depends on
the ``KH`` (padded) input rows ``r = i·s + a·d``; stacking them gives one *row window* of
``KH·W·C`` numbers. Everything a column position and a channel do — sliding across, striding,
dilating, padding left/right, mixing channels — is linear, so it fits in one matrix ``T`` of shape
``(KH·W·C, OW·K)`` whose entries are copies of the weights (a banded, Toeplitz-like matrix):

.. math:: T[a, x', c;\ x, k] = w[a, b, c, k] \quad\text{where}\quad x' = x·s_w + b·d_w − p_{left}

Then, with ``cols`` the row windows ``(N·OH, KH·W·C)``:

* forward: ``z = cols · T + b``                                  ``(N·OH, OW·K)``
* weights: ``∂L/∂T = colsᵀ · dz``, and each weight collects its copies in ``T``
* input: a correlation's gradient is the *full* correlation of ``dz`` with the kernel flipped
  along its rows — again row windows (over ``dz``, spread out by the stride) times ``Tᵀ``.

``T`` holds each weight ``OW`` times, so this does a few times more multiply-adds than a plain
im2col, but row windows are ``KW`` times smaller than im2col's patch matrix and every step is one
large BLAS call or one contiguous copy — the fastest form in numpy for MNIST-sized images.
The cost grows with ``W²``: meant for small images like MNIST's 28×28.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..shapes import Geometry2D, check_int, conv_geometry, pair
from .initializers import initial_weights
from .layers import Layer


@dataclass(frozen=True)
class ToeplitzPlan:
    """Where each weight sits in ``T`` for one input size (computed once per size, then reused)."""

    geometry: Geometry2D
    width: int  # W, real input columns
    t_index: np.ndarray  # flat positions in T (KH·W·C, OW·K) ...
    w_index: np.ndarray  # ... and the flat position in w (KH, KW, C, K) each one copies


def toeplitz_plan(geometry: Geometry2D, width: int, channels: int, filters: int) -> ToeplitzPlan:
    """Index pairs ``(t_index, w_index)`` with ``T.flat[t_index] = w.flat[w_index]``."""
    rows, cols = geometry.rows, geometry.cols
    kh, kw, c, k, ow = rows.f, cols.f, channels, filters, cols.out
    a, b, ch, x, f = np.meshgrid(np.arange(kh), np.arange(kw), np.arange(c), np.arange(ow), np.arange(k),
                                 indexing="ij", sparse=True)
    x_in = x * cols.stride + b * cols.dilation - cols.before  # input column read by tap b at output x
    inside = (x_in >= 0) & (x_in < width)  # taps on the left/right padding multiply zeros: no entry
    t_index = ((a * width + x_in) * c + ch) * (ow * k) + x * k + f
    w_index = ((a * kw + b) * c + ch) * k + f
    shape = np.broadcast_shapes(t_index.shape, inside.shape)
    keep = np.broadcast_to(inside, shape)
    return ToeplitzPlan(geometry, width, np.broadcast_to(t_index, shape)[keep],
                        np.broadcast_to(w_index, shape)[keep])


def row_windows(x_rows: np.ndarray, out: int, stride: int, taps: int, dilation: int) -> np.ndarray:
    """Row windows ``(N·out, taps·L)`` of ``x_rows (N, R, L)``: window ``i`` = rows ``i·stride + a·dilation``."""
    n, _, length = x_rows.shape
    span = dilation * (taps - 1) + 1
    win = sliding_window_view(x_rows, span, axis=1)[:, : stride * (out - 1) + 1: stride, :, ::dilation]
    return np.ascontiguousarray(win.transpose(0, 1, 3, 2)).reshape(n * out, taps * length)  # (N·out, taps·L)


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
        self._plans: dict[tuple[int, int], ToeplitzPlan] = {}

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

    def plan(self, height: int, width: int) -> ToeplitzPlan:
        if (height, width) not in self._plans:
            self._plans[height, width] = toeplitz_plan(self.geometry(height, width), width,
                                                       self.in_channels, self.out_channels)
        return self._plans[height, width]

    def output_shape(self, shape):
        h, w, c = shape
        if c != self.in_channels:
            raise ValueError(f"{self.name} expects {self.in_channels} input channel(s), got {c}")
        return (*self.geometry(h, w).out_shape, self.out_channels)

    def toeplitz(self, plan: ToeplitzPlan) -> np.ndarray:
        """``T (KH·W·C, OW·K)``: every weight copied to the places the plan lists, zeros elsewhere."""
        kh, c, k = self.kernel_size[0], self.in_channels, self.out_channels
        t = np.zeros((kh * plan.width * c, plan.geometry.cols.out * k), dtype=self.params["w"].dtype)
        t.ravel()[plan.t_index] = self.params["w"].ravel()[plan.w_index]
        return t

    def forward(self, x):
        n, h, w, c = x.shape
        plan = self.plan(h, w)
        rows = plan.geometry.rows
        x_rows = x.reshape(n, h, w * c)  # one vector per input row
        if rows.before or rows.after:
            x_rows = np.pad(x_rows, ((0, 0), (rows.before, rows.after), (0, 0)))
        cols = row_windows(x_rows, rows.out, rows.stride, rows.f, rows.dilation)  # (N·OH, KH·W·C)
        t = self.toeplitz(plan)  # (KH·W·C, OW·K)
        z = cols @ t  # (N·OH, OW·K)
        ow, k = plan.geometry.cols.out, self.out_channels
        z.reshape(-1, ow, k)[...] += self.params["b"]
        return z.reshape(n, rows.out, ow, k), (cols, t, plan, x.shape)

    def backward(self, dout, cache, need_dx=True):
        cols, t, plan, x_shape = cache
        n, h, w, c = x_shape
        rows = plan.geometry.rows
        kh, k = rows.f, self.out_channels
        dz = dout.reshape(n * rows.out, -1)  # (N·OH, OW·K)
        dt = cols.T @ dz  # (KH·W·C, OW·K): ∂L/∂T
        self.grads["w"].ravel()[...] = np.bincount(plan.w_index, weights=dt.ravel()[plan.t_index],
                                                   minlength=self.grads["w"].size)  # add up each weight's copies
        self.grads["b"][...] = dout.reshape(-1, k).sum(axis=0)
        if not need_dx:
            return None
        # ∂L/∂x: spread dz's rows out by the stride (zeros between), pad (KH−1)·d zero rows on top,
        # and correlate with the row-flipped kernel: padded input row y receives Σ_a dz[i] · T_aᵀ
        # over the (i, a) with i·s + a·d = y.
        top, padded_h = (kh - 1) * rows.dilation, rows.padded
        spread = np.zeros((n, top + padded_h, dz.shape[1]), dtype=dz.dtype)
        spread[:, top: top + rows.stride * (rows.out - 1) + 1: rows.stride] = dz.reshape(n, rows.out, -1)
        dcols = row_windows(spread, padded_h, 1, kh, rows.dilation)  # (N·Hp, KH·OW·K)
        t_flipped = t.reshape(kh, w * c, -1)[::-1].transpose(0, 2, 1).reshape(-1, w * c)  # (KH·OW·K, W·C)
        dx_rows = (dcols @ t_flipped).reshape(n, padded_h, w * c)  # gradient of every padded row
        return dx_rows[:, rows.before: rows.before + h].reshape(x_shape)
