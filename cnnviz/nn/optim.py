r"""Optimizers that update a flat parameter vector in place, from the flat gradient vector.

* SGD with momentum: ``v ← μ·v − η·g``, ``θ ← θ + v``   (``μ = 0``: plain SGD)
* Adam (Kingma & Ba 2015): ``m ← β₁m + (1−β₁)g``, ``v ← β₂v + (1−β₂)g²``,
  ``θ ← θ − η·m̂ / (√v̂ + ε)`` with ``m̂ = m/(1−β₁ᵗ)``, ``v̂ = v/(1−β₂ᵗ)``.

A :class:`cnnviz.nn.Model` keeps all parameters in one vector (each layer's arrays are views into
it), so one step is a handful of numpy calls whatever the number of layers.
"""
from __future__ import annotations

import numpy as np

OPTIMIZERS = ("adam", "sgd")


class SGD:
    def __init__(self, size: int, lr: float = 0.01, momentum: float = 0.9, dtype=np.float32):
        self.lr, self.momentum = lr, momentum
        self.velocity = np.zeros(size, dtype=dtype)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.velocity *= self.momentum
        self.velocity -= self.lr * grads
        params += self.velocity


class Adam:
    def __init__(self, size: int, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, dtype=np.float32):
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.m = np.zeros(size, dtype=dtype)
        self.v = np.zeros(size, dtype=dtype)
        self.t = 0
        self._scratch = np.zeros(size, dtype=dtype)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.t += 1
        b1, b2, s = self.beta1, self.beta2, self._scratch
        self.m *= b1
        self.m += (1 - b1) * grads
        np.multiply(grads, grads, out=s)
        s *= 1 - b2
        self.v *= b2
        self.v += s
        step_size = self.lr * np.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)  # both bias corrections
        np.sqrt(self.v, out=s)
        s += self.eps * np.sqrt(1 - b2 ** self.t)  # ε added to √v̂, expressed on the uncorrected √v
        np.divide(self.m, s, out=s)
        s *= step_size
        params -= s


def make_optimizer(name: str, size: int, lr: float, momentum: float = 0.9, dtype=np.float32):
    """``"adam"`` or ``"sgd"`` (with ``momentum``) for a parameter vector of ``size`` numbers."""
    if name == "adam":
        return Adam(size, lr, dtype=dtype)
    if name == "sgd":
        return SGD(size, lr, momentum, dtype=dtype)
    raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {name!r}")
