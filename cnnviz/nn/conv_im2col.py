r"""The readable convolution layer to teach from: im2col, one matrix product, col2im.

Same layer as the fast :class:`cnnviz.nn.Conv2d` (same weights ``w (KH, KW, C, K)``, channels-last input
``x (N, H, W, C)``, stride, padding, dilation; tests check both agree), written for reading.

* forward: copy every window of the padded input into one row of ``cols (N·OH·OW, KH·KW·C)`` — one
  slice per tap ``(a, b)``: the pixels at ``(i·s + a·d, j·s + b·d)`` for every output ``(i, j)`` — then
  ``out = cols · W + b`` with the weights as a matrix ``W (KH·KW·C, K)``.
* backward: ``dW = colsᵀ · dout``, ``db = Σ dout``; ``dcols = dout · Wᵀ`` goes back to the pixels each
  window read (col2im); a pixel read by overlapping windows adds up their gradients.
"""
from __future__ import annotations

import numpy as np

from .conv import Conv2d


class Im2colConv2d(Conv2d):
    """:class:`Conv2d` computed by im2col (see the module docstring): slower, short, easy to follow."""

    def taps(self, geo):
        """For each tap ``(a, b)``: the padded-input slices ``(rows, cols)`` it reads for all outputs."""
        (oh, ow), (sh, sw) = geo.out_shape, (geo.rows.stride, geo.cols.stride)
        (kh, kw), (dh, dw) = self.kernel_size, (geo.rows.dilation, geo.cols.dilation)
        return [(a, b, slice(a * dh, a * dh + sh * (oh - 1) + 1, sh), slice(b * dw, b * dw + sw * (ow - 1) + 1, sw))
                for a in range(kh) for b in range(kw)]

    def forward(self, x):
        n, h, w, c = x.shape
        geo = self.geometry(h, w)
        (oh, ow), (kh, kw), k = geo.out_shape, self.kernel_size, self.out_channels
        xp = np.pad(x, ((0, 0), *geo.pads, (0, 0)))  # (N, Hp, Wp, C)
        cols = np.empty((n, oh, ow, kh, kw, c), dtype=x.dtype)
        for a, b, rows, columns in self.taps(geo):
            cols[:, :, :, a, b] = xp[:, rows, columns]  # tap (a, b) of every window: (N, OH, OW, C)
        cols = cols.reshape(n * oh * ow, kh * kw * c)  # (N·OH·OW, KH·KW·C)
        out = cols @ self.params["w"].reshape(-1, k) + self.params["b"]  # (N·OH·OW, K)
        return out.reshape(n, oh, ow, k), (cols, xp.shape, geo)

    def backward(self, dout, cache, need_dx=True):
        cols, xp_shape, geo = cache
        (oh, ow), (kh, kw), k = geo.out_shape, self.kernel_size, self.out_channels
        dz = dout.reshape(-1, k)  # (N·OH·OW, K)
        self.grads["w"][...] = (cols.T @ dz).reshape(self.params["w"].shape)
        self.grads["b"][...] = dz.sum(axis=0)
        if not need_dx:
            return None
        n, c = xp_shape[0], xp_shape[3]
        dcols = (dz @ self.params["w"].reshape(-1, k).T).reshape(n, oh, ow, kh, kw, c)
        dxp = np.zeros(xp_shape, dtype=dout.dtype)
        for a, b, rows, columns in self.taps(geo):
            dxp[:, rows, columns] += dcols[:, :, :, a, b]  # col2im: overlapping windows add up
        (top, _), (left, _) = geo.pads
        return dxp[:, top: top + geo.rows.n, left: left + geo.cols.n]
