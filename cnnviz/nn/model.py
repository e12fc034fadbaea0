r"""A sequential model: layers run in order, one flat parameter vector, ``.npz`` weights.

All learnable numbers live in one vector :attr:`Model.flat_params` (and their gradients in
:attr:`Model.flat_grads`); each layer's ``params``/``grads`` entries are views into them, so an
optimizer updates the whole network in a few vector operations. Numbers that are saved but not
trained (BatchNorm's running statistics, a layer's ``buffers``) stay outside that vector; the weights
file holds both, by name (``"bn1.running_mean"``).
"""
from __future__ import annotations

import copy
import io
import os
from typing import BinaryIO

import numpy as np

from ..errors import CnnvizError
from ..shapes import check_int
from .layers import Layer
from .loss import softmax, softmax_cross_entropy

FORMAT_VERSION = 1
IMAGE_SIZE = 28
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # pixel statistics of the MNIST training set (pixels scaled to 0–1)


def as_images(images, name: str = "images") -> np.ndarray:
    """Digit images → float32 ``(N, 28, 28)`` in ``[0, 1]``.

    Accepts uint8 ``(N, 28, 28)`` or one ``(28, 28)`` image (0–255, MNIST's white ink on black),
    or floats already scaled to ``[0, 1]``.
    """
    arr = np.asarray(images)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE) or len(arr) == 0:
        raise ValueError(f"{name} must be 28×28 pixel images, shape (N, 28, 28) or (28, 28); got shape {arr.shape}")
    if arr.dtype == np.uint8:
        return arr.astype(np.float32) * np.float32(1 / 255)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{name} must hold numbers (uint8 0–255, or floats 0–1), got {arr.dtype}")
    if not np.isfinite(arr).all() or arr.min() < 0 or arr.max() > 1:
        raise ValueError(f"{name} as floats must lie between 0 and 1 (or pass uint8 pixels 0–255); "
                         f"got values from {arr.min()} to {arr.max()}")
    return arr.astype(np.float32, copy=False)


class Model:
    """Layers applied in order to ``(N, H, W, 1)`` images; the last layer gives class scores.

    Images are scaled to ``[0, 1]``, padded with ``input_padding`` background pixels (classic
    LeNet-5 reads 32×32), then standardised, ``(x − input_mean) / input_std``, so that the first
    layer sees inputs of mean ≈ 0 and spread ≈ 1 (training converges faster). ``variant`` names the
    architecture (see :func:`cnnviz.nn.lenet`) for saving/loading.
    """

    def __init__(self, layers: list[Layer], *, variant: str = "custom", input_padding: int = 0,
                 input_mean: float = 0.0, input_std: float = 1.0, dtype=np.float32):
        if len({layer.name for layer in layers}) != len(layers):
            raise ValueError("layer names must be unique: " + ", ".join(layer.name for layer in layers))
        self.layers = list(layers)
        self.variant = variant
        self.input_padding = input_padding
        self.input_mean, self.input_std = input_mean, input_std
        self.dtype = np.dtype(dtype)
        self._pack_parameters()

    # ------------------------------------------------------------------ parameters
    def _pack_parameters(self) -> None:
        """Copy every layer's parameters into one vector and make the layers' arrays views into it."""
        entries = [(layer, key, arr) for layer in self.layers for key, arr in layer.params.items()]
        total = sum(arr.size for _, _, arr in entries)
        self.flat_params = np.empty(total, dtype=self.dtype)
        self.flat_grads = np.zeros(total, dtype=self.dtype)
        offset = 0
        for layer, key, arr in entries:
            view = self.flat_params[offset: offset + arr.size].reshape(arr.shape)
            view[...] = arr
            layer.params[key] = view
            layer.grads[key] = self.flat_grads[offset: offset + arr.size].reshape(arr.shape)
            offset += arr.size

    @property
    def parameter_count(self) -> int:
        return int(self.flat_params.size)

    def _named_arrays(self) -> dict[str, np.ndarray]:
        """Parameters and buffers (BatchNorm's running statistics) by file name, e.g. ``"conv1.w"``."""
        return {f"{layer.name}.{key}": arr for layer in self.layers
                for key, arr in (*layer.params.items(), *layer.buffers.items())}

    def state_dict(self) -> dict[str, np.ndarray]:
        """``{"conv1.w": array, "conv1.b": ..., "bn1.running_mean": ..., ...}`` — copies, in layer order."""
        return {name: arr.copy() for name, arr in self._named_arrays().items()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Set every parameter and buffer from ``state`` (same names and shapes as :meth:`state_dict`)."""
        expected = self.parameter_shapes()
        missing = sorted(set(expected) - set(state))
        if missing:
            raise CnnvizError("weights_missing", names=", ".join(missing), variant=self.variant)
        largest = float(np.finfo(self.dtype).max)
        for name, shape in expected.items():
            value = np.asarray(state[name])
            if value.shape != shape:
                raise CnnvizError("weights_wrong_shape", name=name, found=str(value.shape), expected=str(shape))
            if not np.issubdtype(value.dtype, np.floating) or not np.isfinite(value).all():
                raise CnnvizError("weights_not_finite", name=name)
            if value.size and float(np.abs(value).max()) > largest:  # e.g. 1e39 in float64: inf in float32
                raise CnnvizError("weights_out_of_range", name=name, dtype=str(self.dtype))
            if name.endswith(".running_var") and (value < 0).any():  # BatchNorm takes its square root
                raise CnnvizError("negative_variance", name=name, value=float(value.min()))
        for name, arr in self._named_arrays().items():
            arr[...] = state[name]

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        """``{"conv1.w": (5, 5, 1, 6), "bn1.running_mean": (6,), ...}``: what :meth:`load_state_dict` and a
        weights file must hold (parameters and buffers)."""
        return {name: arr.shape for name, arr in self._named_arrays().items()}

    def copy(self) -> "Model":
        """An independent model with the same architecture and weights."""
        twin = Model([_fresh_layer(layer) for layer in self.layers], variant=self.variant,
                     input_padding=self.input_padding, input_mean=self.input_mean, input_std=self.input_std,
                     dtype=self.dtype)
        twin.flat_params[...] = self.flat_params
        return twin

    def __deepcopy__(self, memo) -> "Model":
        return self.copy()

    def __getstate__(self) -> dict:
        """Pickled without the flat vectors: pickle would store the layers' views into them as separate
        arrays, so :meth:`__setstate__` packs the layers' parameters into fresh vectors instead."""
        state = self.__dict__.copy()
        del state["flat_params"], state["flat_grads"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._pack_parameters()

    # ------------------------------------------------------------------ running
    def prepare(self, images) -> np.ndarray:
        """Images (see :func:`as_images`) → the first layer's input ``(N, H, W, 1)`` in :attr:`dtype`."""
        x = as_images(images).astype(self.dtype, copy=False)
        if self.input_padding:
            p = self.input_padding
            x = np.pad(x, ((0, 0), (p, p), (p, p)))
        x = (x - self.dtype.type(self.input_mean)) * self.dtype.type(1 / self.input_std)
        return x[..., None]

    def forward(self, x: np.ndarray, training: bool = False) -> tuple[np.ndarray, list]:
        """Class scores (logits) ``(N, classes)`` and each layer's cache, for :meth:`backward`.

        ``training=True`` while learning: Dropout drops, BatchNorm uses (and updates) batch statistics.
        """
        caches = []
        for layer in self.layers:
            x, cache = layer.forward(x, training) if layer.has_modes else layer.forward(x)
            caches.append(cache)
        return x, caches

    def backward(self, dlogits: np.ndarray, caches: list) -> None:
        """Fill :attr:`flat_grads` from ``∂L/∂logits`` (the input's own gradient is never computed)."""
        d = dlogits
        for i in range(len(self.layers) - 1, -1, -1):
            d = self.layers[i].backward(d, caches[i], need_dx=i > 0)

    def loss_and_gradients(self, x: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
        """One training forward and backward pass on prepared input: the mean loss and the probabilities."""
        logits, caches = self.forward(x, training=True)
        loss, dlogits, probs = softmax_cross_entropy(logits, labels)
        self.backward(dlogits.astype(self.dtype, copy=False), caches)
        return loss, probs

    def predict(self, images, batch_size: int = 500) -> np.ndarray:
        """Class probabilities ``(N, 10)`` float32 for images (uint8 ``(N, 28, 28)`` or one ``(28, 28)``)."""
        images = np.asarray(images)
        if images.ndim == 2:
            images = images[None]
        as_images(images[:1] if images.ndim == 3 else images)  # shape errors before any work; values per batch
        batch_size = check_int("batch size", batch_size, 1)
        out = [softmax(self.forward(self.prepare(images[i: i + batch_size]))[0])
               for i in range(0, len(images), batch_size)]  # batch by batch: memory stays small for 60,000 images
        return np.concatenate(out).astype(np.float32, copy=False)

    def activations(self, image) -> list[tuple[str, np.ndarray]]:
        """Every stage's output for ONE image, in order, as ``[(name, array), ...]``.

        The list starts with ``("input", (1, H, W))``: the image as the first layer sees it (padded to
        32×32 for classic LeNet-5, standardised: background ≈ −0.42, ink up to ≈ 2.8),
        then one entry per layer named as in :attr:`layers` (``"conv1"``, ``"relu1"``, ``"pool1"``,
        …, ``"flatten"``, ``"dense1"``, …), and ends with ``("softmax", (10,))`` — the probabilities.
        Feature maps are channels-first ``(C, H, W)`` float32 arrays; vectors are ``(F,)``.
        """
        x = self.prepare(image)
        if len(x) != 1:
            raise ValueError(f"activations needs one image, got {len(x)}")
        stages = [("input", x)]
        for layer in self.layers:
            x = layer.forward(x)[0]
            stages.append((layer.name, x))
        stages.append(("softmax", softmax(x)))
        return [(name, _per_image(a)) for name, a in stages]

    def summary(self) -> list[tuple[str, tuple[int, ...], int]]:
        """``[(layer name, per-image output shape channels-first, parameters), ...]``."""
        side = IMAGE_SIZE + 2 * self.input_padding
        shape: tuple[int, ...] = (side, side, 1)
        rows = []
        for layer in self.layers:
            shape = layer.output_shape(shape)
            chw = (shape[2], shape[0], shape[1]) if len(shape) == 3 else shape
            rows.append((layer.name, chw, sum(a.size for a in layer.params.values())))
        return rows

    # ------------------------------------------------------------------ files
    def save(self, file: str | os.PathLike | BinaryIO) -> None:
        """Write the weights as ``.npz`` (a path or a binary file object such as ``io.BytesIO``)."""
        np.savez(file, cnnviz_format=np.array(FORMAT_VERSION), variant=np.array(self.variant),
                 **self.state_dict())

    def to_bytes(self) -> bytes:
        """The ``.npz`` file as bytes (e.g. for a download button)."""
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()

    def __repr__(self) -> str:
        return f"Model(variant={self.variant!r}, layers={[layer.name for layer in self.layers]})"


def _per_image(a: np.ndarray) -> np.ndarray:
    a = a[0]
    return np.ascontiguousarray(a.transpose(2, 0, 1)) if a.ndim == 3 else a.copy()


def _fresh_layer(layer: Layer) -> Layer:
    """A copy of ``layer`` whose parameter arrays are its own (the model then re-packs them)."""
    twin = object.__new__(type(layer))
    twin.__dict__.update(layer.__dict__)
    twin.params = {k: v.copy() for k, v in layer.params.items()}
    twin.grads = {k: np.zeros_like(v) for k, v in layer.grads.items()}
    twin.buffers = {k: v.copy() for k, v in layer.buffers.items()}
    if isinstance(getattr(layer, "rng", None), np.random.Generator):  # Dropout: the twin draws its own masks
        twin.rng = copy.deepcopy(layer.rng)
    return twin
