r"""Dropout (Srivastava et al. 2014), "inverted": zero each input with probability ``p`` while training.

Training: ``out = x · mask / (1 − p)`` with ``mask`` 0 or 1 per number (1 with probability ``1 − p``);
dividing by ``1 − p`` keeps the expected value of every output equal to its input, so evaluation is the
identity — nothing to rescale at test time. Backward: ``dx = dout · mask / (1 − p)``.
The masks come from the layer's own ``np.random.Generator`` (seeded by whoever builds the network).
"""
from __future__ import annotations

import numbers

import numpy as np

from ..errors import CnnvizError
from .layers import Layer


class Dropout(Layer):
    """Zero each number with probability ``p`` (0 ≤ p < 1) in training; pass everything through in evaluation."""

    kind = "dropout"
    has_modes = True

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator | None = None, name: str | None = None):
        super().__init__(name)
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p < 1:
            raise CnnvizError("dropout_rate", value=repr(p))
        self.p = float(p)
        self.rng = np.random.default_rng(0) if rng is None else rng

    def forward(self, x, training: bool = False):
        if not training or self.p == 0:
            return x, None
        scaled_mask = (self.rng.random(x.shape, dtype=np.float32) >= self.p).astype(x.dtype) / x.dtype.type(1 - self.p)
        return x * scaled_mask, scaled_mask

    def backward(self, dout, cache, need_dx=True):
        if not need_dx:
            return None
        return dout if cache is None else dout * cache
