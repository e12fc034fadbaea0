r"""The simple layers — Dense, ReLU, Tanh, Flatten — and the contract every layer follows.

Inside :mod:`cnnviz.nn` feature maps are **channels-last**, ``(N, H, W, C)``, as in the course's
Keras models: every im2col row and every matrix product then reads and writes contiguous memory,
with no transposes in the training loop. (The public surface — :meth:`Model.activations`,
``Conv2d.kernels`` — speaks the house layout, channels-first.)

A layer is an object with

* ``params`` / ``grads``: dicts of arrays with the same keys (empty for parameter-free layers);
* ``forward(x) -> (out, cache)``: the output and whatever backward needs — nothing is stored on
  the layer, so one layer can run several forward passes before their backward passes;
* ``backward(dout, cache, need_dx=True) -> dx``: writes ``∂L/∂param`` into ``grads`` (overwrite,
  not accumulate) and returns ``∂L/∂x`` (``None`` when ``need_dx`` is false — the first layer);
* ``output_shape(shape)``: the per-sample output shape for a per-sample input shape.

Layers that behave differently in training and in evaluation (``has_modes = True``: BatchNorm,
Dropout) take ``forward(x, training=False)``; the model passes ``training=True`` only while it
learns. ``buffers`` holds numbers that are saved with the weights but never trained (BatchNorm's
running statistics).
"""
from __future__ import annotations

import numpy as np

from ..shapes import check_int
from .initializers import initial_weights


class Layer:
    """Base class: a parameter-free, shape-preserving layer."""

    kind = "layer"
    has_modes = False  # True: forward(x, training) differs between training and evaluation

    def __init__(self, name: str | None = None):
        self.name = name or self.kind
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(shape)

    def forward(self, x: np.ndarray):
        raise NotImplementedError

    def backward(self, dout: np.ndarray, cache, need_dx: bool = True):
        raise NotImplementedError

    def _set_params(self, **arrays: np.ndarray) -> None:
        self.params = dict(arrays)
        self.grads = {k: np.zeros_like(v) for k, v in arrays.items()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class ReLU(Layer):
    r"""``max(x, 0)``; the derivative at exactly 0 is taken as **0** (as PyTorch and TensorFlow do)."""

    kind = "relu"

    def forward(self, x):
        out = np.maximum(x, 0)
        return out, out > 0  # the mask: x > 0 ⇔ out > 0

    def backward(self, dout, cache, need_dx=True):
        return dout * cache if need_dx else None


class Tanh(Layer):
    r"""``tanh(x)``, with ``tanh′(x) = 1 − tanh²(x)`` computed from the output."""

    kind = "tanh"

    def forward(self, x):
        out = np.tanh(x)
        return out, out

    def backward(self, dout, cache, need_dx=True):
        return dout * (1 - cache * cache) if need_dx else None


class Flatten(Layer):
    """``(N, H, W, C) → (N, H·W·C)``, in (row, column, channel) order — Keras' ``Flatten``."""

    kind = "flatten"

    def output_shape(self, shape):
        return (int(np.prod(shape)),)

    def forward(self, x):
        return x.reshape(len(x), -1), x.shape

    def backward(self, dout, cache, need_dx=True):
        return dout.reshape(cache) if need_dx else None


class Dense(Layer):
    r"""Fully connected: ``out = x @ w + b`` with ``x (N, in)``, ``w (in, out)``, ``b (out,)``.

    Backward: ``dw = xᵀ · dout``, ``db = Σₙ dout``, ``dx = dout · wᵀ``.
    """

    kind = "dense"

    def __init__(self, in_features: int, out_features: int, *, init: str = "he",
                 rng: np.random.Generator | None = None, dtype=np.float32, name: str | None = None):
        super().__init__(name)
        self.in_features = check_int("input features", in_features, 1)
        self.out_features = check_int("output features", out_features, 1)
        w = initial_weights(init, (self.in_features, self.out_features), self.in_features,
                            self.out_features, rng, dtype)
        self._set_params(w=w, b=np.zeros(self.out_features, dtype=dtype))

    @property
    def w(self) -> np.ndarray:
        """Weights ``(in_features, out_features)``."""
        return self.params["w"]

    @property
    def b(self) -> np.ndarray:
        return self.params["b"]

    def output_shape(self, shape):
        if tuple(shape) != (self.in_features,):
            raise ValueError(f"{self.name} expects {self.in_features} input features, got shape {tuple(shape)}")
        return (self.out_features,)

    def forward(self, x):
        out = x @ self.params["w"]
        out += self.params["b"]
        return out, x

    def backward(self, dout, cache, need_dx=True):
        x = cache
        self.grads["w"][...] = x.T @ dout
        self.grads["b"][...] = dout.sum(axis=0)
        return dout @ self.params["w"].T if need_dx else None
