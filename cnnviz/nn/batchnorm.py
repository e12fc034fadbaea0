r"""Batch normalisation (Ioffe & Szegedy 2015), for feature maps ``(N, H, W, C)`` and vectors ``(N, F)``.

Each channel (the last axis) is normalised over every other axis — over ``N·H·W`` numbers for a
conv layer's map, over ``N`` for a dense layer's features:

.. math:: \hat x = \frac{x - \mu}{\sqrt{\sigma^2 + \varepsilon}},\qquad out = \gamma \hat x + \beta

**Training**: ``μ, σ²`` are the batch's mean and (biased) variance, and running averages
``running ← (1 − m)·running + m·batch`` (``m`` = ``momentum``, 0.1; the variance averaged unbiased, as
PyTorch does) are kept for later. **Evaluation**: the running averages replace the batch's, so one
image gets the same answer alone or in a batch. The running averages are *buffers*: saved with the
weights, never trained.

Backward in training mode, with ``g = ∂L/∂x̂ = dout·γ`` and means over the normalised axes:
``dx = (g − mean(g) − x̂·mean(g·x̂)) / √(σ² + ε)``; ``dγ = Σ dout·x̂``, ``dβ = Σ dout``.
"""
from __future__ import annotations

import numpy as np

from ..errors import CnnvizError
from ..shapes import check_int
from .layers import Layer

EPS = 1e-5
MOMENTUM = 0.1


class BatchNorm(Layer):
    """Normalise each of ``features`` channels (the last axis), then scale by ``gamma`` and shift by ``beta``."""

    kind = "batchnorm"
    has_modes = True

    def __init__(self, features: int, *, momentum: float = MOMENTUM, dtype=np.float32, name: str | None = None):
        super().__init__(name)
        self.features = check_int("channels", features, 1)
        self.momentum = momentum
        self._set_params(gamma=np.ones(self.features, dtype=dtype), beta=np.zeros(self.features, dtype=dtype))
        self.buffers = {"running_mean": np.zeros(self.features, dtype=dtype),
                        "running_var": np.ones(self.features, dtype=dtype)}

    def output_shape(self, shape):
        if shape[-1] != self.features:
            raise CnnvizError("batchnorm_channels", layer=self.name, expected=self.features, got=shape[-1])
        return tuple(shape)

    def forward(self, x, training: bool = False):
        c = self.features
        width = x.shape[-2] * c if x.ndim == 4 else c  # a map's rows (W·C numbers) keep numpy's loops long
        rows, reps = x.reshape(-1, width), width // c  # (M', W·C): every channel appears W times per row
        count = len(rows) * reps  # numbers per channel, N·H·W
        if training:
            ones = np.ones(len(rows), dtype=x.dtype)  # sums down the rows as one BLAS call
            mean = (ones @ rows).reshape(reps, c).sum(axis=0) / count
            centred = rows - np.tile(mean, reps)
            var = (ones @ (centred * centred)).reshape(reps, c).sum(axis=0) / count
            m = self.momentum
            self.buffers["running_mean"][...] = (1 - m) * self.buffers["running_mean"] + m * mean
            self.buffers["running_var"][...] = ((1 - m) * self.buffers["running_var"]
                                                + m * var * count / max(count - 1, 1))  # unbiased, as PyTorch
        else:
            mean, var = self.buffers["running_mean"], self.buffers["running_var"]
            centred = rows - np.tile(mean.astype(x.dtype), reps)
        inv_std = (1 / np.sqrt(var + EPS)).astype(x.dtype)  # (C,)
        x_hat = centred
        x_hat *= np.tile(inv_std, reps)
        out = x_hat * np.tile(self.params["gamma"], reps) + np.tile(self.params["beta"], reps)
        return out.reshape(x.shape), (x_hat, inv_std, training)

    def backward(self, dout, cache, need_dx=True):
        x_hat, inv_std, training = cache
        c = self.features
        d = dout.reshape(x_hat.shape)  # (M', W·C), as in forward
        reps = d.shape[1] // c
        count = len(d) * reps
        ones = np.ones(len(d), dtype=d.dtype)
        self.grads["gamma"][...] = dgamma = (ones @ (d * x_hat)).reshape(reps, c).sum(axis=0)
        self.grads["beta"][...] = dbeta = (ones @ d).reshape(reps, c).sum(axis=0)
        if not need_dx:
            return None
        scale = np.tile(self.params["gamma"] * inv_std, reps)  # ∂out/∂x with the statistics held fixed
        if not training:  # the statistics are constants: normalising is just an affine map
            return (d * scale).reshape(dout.shape)
        # (g − mean(g) − x̂·mean(g·x̂)) / √(σ² + ε) with g = dout·γ; the means are γ·dβ/count, γ·dγ/count
        dx = d - np.tile(dbeta / count, reps)
        dx -= x_hat * np.tile(dgamma / count, reps)
        dx *= scale
        return dx.reshape(dout.shape)
