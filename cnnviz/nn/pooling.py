r"""MaxPool2d and AvgPool2d, channels-last: ``(N, H, W, C) → (N, OH, OW, C)``.

Output sizes come from :func:`cnnviz.shapes.pool_geometry` (``stride`` defaults to the window).
Average pooling divides by the whole window, padding zeros included (PyTorch's default);
max pooling ignores padding. Ties in a max window go to the **first** position in reading order
(top row first, then left to right): that one input gets the whole gradient.

Backward scatters each output's gradient onto the input positions of its window; windows may
overlap (stride < window), so the scatter *adds* — done in one ``np.bincount`` over flat input
positions. When windows tile the input exactly (stride = window, no padding — LeNet's 2×2), both
directions are plain reshapes instead.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..shapes import Geometry2D, pair, pool_geometry
from .layers import Layer


class _Pool2d(Layer):
    def __init__(self, size=2, stride=None, padding=0, *, name: str | None = None):
        super().__init__(name)
        self.size = pair("pool size", size)
        self.stride = self.size if stride is None else pair("stride", stride)
        self.padding = padding

    def geometry(self, height: int, width: int) -> Geometry2D:
        return pool_geometry((height, width), self.size, self.stride, self.padding)

    def output_shape(self, shape):
        h, w, c = shape
        return (*self.geometry(h, w).out_shape, c)

    def tiles(self, geo: Geometry2D) -> bool:
        """Do the windows tile the input without gaps, overlaps or padding?"""
        return geo.pads == ((0, 0), (0, 0)) and self.stride == self.size

    def padded(self, x: np.ndarray, geo: Geometry2D, fill) -> np.ndarray:
        (t, b), (l, r) = geo.pads
        if t == b == l == r == 0:
            return x
        return np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)

    def windows(self, xp: np.ndarray, geo: Geometry2D) -> np.ndarray:
        """``(N, OH, OW, C, KH·KW)`` copy of every window of the padded input, taps in reading order."""
        (sh, sw), (oh, ow) = self.stride, geo.out_shape
        win = sliding_window_view(xp, self.size, axis=(1, 2))[:, : sh * (oh - 1) + 1: sh, : sw * (ow - 1) + 1: sw]
        return win.reshape(*win.shape[:4], -1)

    def tap_positions(self, x_shape, geo: Geometry2D) -> np.ndarray:
        """Flat index into the padded input of every window tap, shaped like :meth:`windows`."""
        n, _, _, c = x_shape
        hp, wp = geo.rows.padded, geo.cols.padded
        (kh, kw), (sh, sw), (oh, ow) = self.size, self.stride, geo.out_shape
        y = (np.arange(oh) * sh)[:, None, None, None] + np.arange(kh)[None, None, :, None]  # (OH, 1, KH, 1)
        x = (np.arange(ow) * sw)[None, :, None, None] + np.arange(kw)[None, None, None, :]  # (1, OW, 1, KW)
        plane = (y * wp + x).reshape(oh, ow, 1, kh * kw)  # (OH, OW, 1, KH·KW)
        return (np.arange(n)[:, None, None, None, None] * (hp * wp) + plane[None]) * c \
            + np.arange(c)[None, None, None, :, None]  # (N, OH, OW, C, KH·KW)

    def scatter(self, values: np.ndarray, positions: np.ndarray, x_shape, geo: Geometry2D, dtype) -> np.ndarray:
        """Add ``values`` into a zero padded input at flat ``positions``, then crop the padding."""
        n, h, w, c = x_shape
        hp, wp = geo.rows.padded, geo.cols.padded
        dxp = np.bincount(positions.ravel(), weights=values.ravel(), minlength=n * hp * wp * c)
        dxp = dxp.astype(dtype, copy=False).reshape(n, hp, wp, c)
        return dxp[:, geo.rows.before: geo.rows.before + h, geo.cols.before: geo.cols.before + w]


class AvgPool2d(_Pool2d):
    """Average of each window (padding zeros count in the divisor)."""

    kind = "avgpool"

    def forward(self, x):
        n, h, w, c = x.shape
        geo = self.geometry(h, w)
        (kh, kw), (oh, ow) = self.size, geo.out_shape
        area = kh * kw
        if self.tiles(geo):
            rows = x[:, : oh * kh].reshape(n * oh, kh, w * c)  # each window's rows, side by side
            out = rows[:, 0].copy()
            for a in range(1, kh):  # add the window's rows: contiguous vectors, fast
                out += rows[:, a]
            cols = out.reshape(n * oh, w, c)[:, : ow * kw].reshape(n * oh, ow, kw * c)
            out = cols[:, :, :c].copy()
            for b in range(1, kw):  # then its columns
                out += cols[:, :, b * c: (b + 1) * c]
            out = out.reshape(n, oh, ow, c)
        else:
            out = self.windows(self.padded(x, geo, 0), geo).sum(axis=-1)
        out *= 1.0 / area
        return out.astype(x.dtype, copy=False), (x.shape, geo)

    def backward(self, dout, cache, need_dx=True):
        if not need_dx:
            return None
        x_shape, geo = cache
        n, h, w, c = x_shape
        (kh, kw), (oh, ow) = self.size, geo.out_shape
        share = dout * (1.0 / (kh * kw))  # every tap of a window gets an equal share
        if self.tiles(geo):
            spread = np.repeat(np.repeat(share, kh, axis=1), kw, axis=2)  # (N, OH·KH, OW·KW, C)
            if spread.shape[1:3] == (h, w):
                return spread
            dx = np.zeros(x_shape, dtype=dout.dtype)  # rows/columns no window reaches get 0
            dx[:, : oh * kh, : ow * kw] = spread
            return dx
        positions = self.tap_positions(x_shape, geo)
        values = np.broadcast_to(share[..., None], positions.shape)
        return self.scatter(values, positions, x_shape, geo, dout.dtype)


class MaxPool2d(_Pool2d):
    """Largest value of each window; ties → the first position in reading order."""

    kind = "maxpool"

    def forward(self, x):
        geo = self.geometry(*x.shape[1:3])
        fill = -np.inf if np.issubdtype(x.dtype, np.floating) else np.iinfo(x.dtype).min
        windows = self.windows(self.padded(x, geo, fill), geo)  # (N, OH, OW, C, KH·KW)
        first_max = windows.argmax(axis=-1)[..., None]  # argmax returns the first of equal maxima
        out = np.take_along_axis(windows, first_max, axis=-1)[..., 0]
        return out, (first_max, x.shape, geo)

    def backward(self, dout, cache, need_dx=True):
        if not need_dx:
            return None
        first_max, x_shape, geo = cache
        positions = np.take_along_axis(self.tap_positions(x_shape, geo), first_max, axis=-1)[..., 0]
        return self.scatter(dout, positions, x_shape, geo, dout.dtype)
