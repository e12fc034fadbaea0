"""Layer specs: small frozen dataclasses that describe a network without holding any weights.

Each leaf spec knows what it does to one input shape: ``layer.apply(shape) -> Step`` gives the output
shape, the learnable parameters, the multiply-accumulates and the sliding window (for the receptive
field). Shapes are per sample and channels-first: ``(C, H, W)`` for feature maps, ``(F,)`` once flat.
Sizes come from ``cnnviz.shapes`` and parameter counts from ``cnnviz.params`` — never written here.

Argument order follows Keras, the course's framework: ``Conv2d(out_channels, kernel_size, stride,
padding, ...)``; ``in_channels`` / ``in_features`` are optional and, when given, checked against the
incoming shape.

**MACs** (multiply-accumulates, as common profilers count them): a convolution costs
``out elements × (C_in/groups · kh · kw)``, a dense layer ``in × out``. Bias additions, batch norm,
activations, pooling, dropout and the adds/concats of skip connections count 0.

Containers: ``Sequential`` (layers in order), ``Residual`` (``activation(body(x) + shortcut(x))``, the
shortcut an identity unless given, e.g. a 1×1 projection) and ``Concat`` (branches side by side,
joined along channels; an empty ``Sequential`` branch passes its input through, as in DenseNet).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import CnnvizError, Term
from ..params import conv2d_params, dense_params
from ..shapes import PADDING_MODES, Geometry2D, check_int, conv_geometry, pair, pool_geometry, split_padding_2d

Shape = tuple[int, ...]  # (C, H, W) or (F,), per sample


@dataclass(frozen=True)
class Step:
    """What one leaf layer does to one input.

    ``window`` describes how output pixels look at input pixels: ``None`` means pixel-to-pixel (the
    spatial layout is unchanged, e.g. ReLU, batch norm); a ``Geometry2D`` is a sliding window;
    ``IRREGULAR`` marks windows of varying size (adaptive pooling that does not divide evenly).
    """

    shape: Shape
    params: int = 0
    macs: int = 0
    window: Geometry2D | str | None = None
    non_trainable: int = 0  # stored but not learned by gradient descent (batch norm's running mean and variance)


IRREGULAR = "irregular"


def _check_padding(padding) -> None:
    """Validate a padding argument without an input size: int, pair, per-side pairs or a mode."""
    if isinstance(padding, str):
        if padding.lower() not in PADDING_MODES:
            raise CnnvizError("layer_padding_mode", modes=", ".join(PADDING_MODES), value=repr(padding))
        return
    for part in split_padding_2d(padding):
        if isinstance(part, (tuple, list)):
            pair("padding", part, 0)
        else:
            check_int("padding", part, 0)


def _spatial(shape: Shape, what: str) -> tuple[int, int, int]:
    if len(shape) != 3:
        raise CnnvizError("layer_needs_feature_map", layer=Term(what), features=shape[0])
    return shape


@dataclass(frozen=True)
class Conv2d:
    """2-D convolution: ``out_channels`` filters of ``kernel_size`` (an int or ``(kh, kw)``).

    ``padding``: per side, an int, ``(ph, pw)``, ``((top, bottom), (left, right))`` or a mode
    ``'valid'`` / ``'same'`` / ``'full'`` (see ``cnnviz.shapes.resolve_padding``).
    """

    out_channels: int
    kernel_size: int | tuple[int, int] = 3
    stride: int | tuple[int, int] = 1
    padding: object = 0
    dilation: int | tuple[int, int] = 1
    groups: int = 1
    bias: bool = True
    in_channels: int | None = None
    name: str = ""

    def __post_init__(self):
        check_int("output channels", self.out_channels, 1)
        pair("kernel size", self.kernel_size)
        pair("stride", self.stride)
        pair("dilation", self.dilation)
        check_int("groups", self.groups, 1)
        _check_padding(self.padding)
        if self.in_channels is not None:
            check_int("input channels", self.in_channels, 1)
        if self.out_channels % self.groups:
            raise CnnvizError("layer_groups_out", groups=self.groups, channels=self.out_channels)

    def apply(self, shape: Shape) -> Step:
        c, h, w = _spatial(shape, "a convolution")
        if self.in_channels is not None and self.in_channels != c:
            raise CnnvizError("layer_in_channels", expected=self.in_channels, got=c)
        if c % self.groups:
            raise CnnvizError("layer_groups_in", groups=self.groups, channels=c)
        geo = conv_geometry((h, w), self.kernel_size, self.stride, self.padding, self.dilation)
        kh, kw = pair("kernel size", self.kernel_size)
        out = (self.out_channels, *geo.out_shape)
        params = conv2d_params(c, self.out_channels, (kh, kw), self.bias, self.groups)
        macs = math.prod(out) * (c // self.groups) * kh * kw
        return Step(out, params, macs, geo)


@dataclass(frozen=True)
class _Pool:
    """Shared by max and average pooling: PyTorch rules (``stride`` defaults to ``kernel_size``)."""

    kernel_size: int | tuple[int, int] = 2
    stride: int | tuple[int, int] | None = None
    padding: object = 0
    ceil_mode: bool = False
    name: str = ""

    def __post_init__(self):
        pair("pool size", self.kernel_size)
        if self.stride is not None:
            pair("stride", self.stride)
        _check_padding(self.padding)

    def apply(self, shape: Shape) -> Step:
        c, h, w = _spatial(shape, "pooling")
        geo = pool_geometry((h, w), self.kernel_size, self.stride, self.padding, self.ceil_mode)
        return Step((c, *geo.out_shape), window=geo)


@dataclass(frozen=True)
class MaxPool2d(_Pool):
    """Max pooling over ``kernel_size`` windows (``ceil_mode`` as in PyTorch)."""


@dataclass(frozen=True)
class AvgPool2d(_Pool):
    """Average pooling over ``kernel_size`` windows (``ceil_mode`` as in PyTorch)."""


@dataclass(frozen=True)
class GlobalAvgPool:
    """Average each channel over the whole map: ``(C, H, W) → (C, 1, 1)``, or ``(C,)`` without
    ``keepdims`` (Keras' ``GlobalAveragePooling2D`` default)."""

    name: str = ""
    keepdims: bool = True

    def apply(self, shape: Shape) -> Step:
        c, h, w = _spatial(shape, "global pooling")
        return Step((c, 1, 1) if self.keepdims else (c,), window=conv_geometry((h, w), (h, w)))


@dataclass(frozen=True)
class GlobalMaxPool(GlobalAvgPool):
    """The largest value of each channel: ``(C, H, W) → (C, 1, 1)``, or ``(C,)`` without ``keepdims``."""


@dataclass(frozen=True)
class AdaptiveAvgPool2d:
    """PyTorch's adaptive average pooling to a fixed ``output_size`` (used by AlexNet and VGG heads).

    Its windows are uniform only when the input size divides evenly by the output size; otherwise
    they vary in size and the step's window is ``IRREGULAR`` (no simple receptive field).
    """

    output_size: int | tuple[int, int]
    name: str = ""

    def __post_init__(self):
        pair("output size", self.output_size)

    def apply(self, shape: Shape) -> Step:
        c, h, w = _spatial(shape, "adaptive pooling")
        oh, ow = pair("output size", self.output_size)
        if h % oh or w % ow:
            return Step((c, oh, ow), window=IRREGULAR)
        return Step((c, oh, ow), window=conv_geometry((h, w), (h // oh, w // ow), (h // oh, w // ow)))


@dataclass(frozen=True)
class BatchNorm2d:
    """Batch normalisation of each channel (or feature, once flat).

    Learnable per channel: γ (``scale``) and β (``center``), as PyTorch's ``affine`` or Keras'
    ``scale``/``center``. The running mean and variance (2 per channel) are stored but not learned:
    ``Step.non_trainable``, Keras' "Non-trainable params" (PyTorch keeps them as buffers, not parameters).
    """

    num_features: int | None = None
    name: str = ""
    center: bool = True
    scale: bool = True

    def __post_init__(self):
        if self.num_features is not None:
            check_int("batch-norm channels", self.num_features, 1)

    def apply(self, shape: Shape) -> Step:
        if self.num_features is not None and self.num_features != shape[0]:
            raise CnnvizError("layer_norm_channels", expected=self.num_features, got=shape[0])
        return Step(shape, params=(self.center + self.scale) * shape[0], non_trainable=2 * shape[0])


@dataclass(frozen=True)
class LocalResponseNorm:
    """AlexNet-2012's local response normalisation across ``size`` neighbouring channels (no parameters)."""

    size: int = 5
    name: str = ""

    def __post_init__(self):
        check_int("LRN size", self.size, 1)

    def apply(self, shape: Shape) -> Step:
        return Step(shape)


@dataclass(frozen=True)
class _Elementwise:
    """A parameter-free layer that keeps the shape."""

    name: str = ""

    def apply(self, shape: Shape) -> Step:
        return Step(shape)


@dataclass(frozen=True)
class ReLU(_Elementwise):
    """max(0, x), elementwise."""


@dataclass(frozen=True)
class Tanh(_Elementwise):
    """tanh(x), elementwise."""


@dataclass(frozen=True)
class Sigmoid(_Elementwise):
    """1/(1+e^−x), elementwise."""


@dataclass(frozen=True)
class Softmax(_Elementwise):
    """Softmax over the channels / features."""


@dataclass(frozen=True)
class LeakyReLU(_Elementwise):
    """x for x > 0, ``negative_slope``·x otherwise, elementwise."""

    negative_slope: float = 0.01


@dataclass(frozen=True)
class Dropout:
    """Zeroes a fraction ``p`` of activations while training; no parameters, shape unchanged."""

    p: float = 0.5
    name: str = ""

    def __post_init__(self):
        if isinstance(self.p, bool) or not isinstance(self.p, (int, float)) or not 0 <= self.p < 1:
            raise ValueError(f"dropout rate must be a number from 0 up to (not including) 1, got {self.p!r}")

    def apply(self, shape: Shape) -> Step:
        return Step(shape)


@dataclass(frozen=True)
class Flatten:
    """``(C, H, W) → (C·H·W,)``, channels first (as PyTorch; Keras orders H, W, C — same count)."""

    name: str = ""

    def apply(self, shape: Shape) -> Step:
        return Step((math.prod(shape),))


@dataclass(frozen=True)
class Dense:
    """Fully connected (Linear) layer to ``out_features`` units; needs a flat input."""

    out_features: int
    bias: bool = True
    in_features: int | None = None
    name: str = ""

    def __post_init__(self):
        check_int("output units", self.out_features, 1)
        if self.in_features is not None:
            check_int("input features", self.in_features, 1)

    def apply(self, shape: Shape) -> Step:
        if len(shape) != 1:
            raise CnnvizError("layer_dense_needs_flat", shape="×".join(map(str, shape)))
        if self.in_features is not None and self.in_features != shape[0]:
            raise CnnvizError("layer_in_features", expected=self.in_features, got=shape[0])
        return Step((self.out_features,), dense_params(shape[0], self.out_features, self.bias),
                    shape[0] * self.out_features)


# ------------------------------------------------------------------ containers
@dataclass(frozen=True)
class Sequential:
    """Layers applied in order. Unnamed children get names like ``conv1``, ``relu2`` in summaries."""

    layers: tuple = ()
    name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "layers", tuple(self.layers))
        seen = set()
        for layer in self.layers:
            if not hasattr(layer, "apply") and not isinstance(layer, CONTAINERS):
                raise ValueError(f"{layer!r} is not a layer spec")
            if layer.name:
                if layer.name in seen:
                    raise ValueError(f"two layers are both called {layer.name!r}; names must be unique")
                seen.add(layer.name)


@dataclass(frozen=True)
class Residual:
    """``activation(body(x) + shortcut(x))``: a skip connection. ``shortcut=None`` is the identity."""

    body: Sequential
    shortcut: Sequential | None = None
    activation: object | None = None
    name: str = ""

    def __post_init__(self):
        for part, value in (("body", self.body), ("shortcut", self.shortcut)):
            if value is not None and not isinstance(value, Sequential):
                raise ValueError(f"the residual {part} must be a Sequential, got {kind(value)}")
        if self.activation is not None and not hasattr(self.activation, "apply"):
            raise ValueError(f"the residual activation must be a single layer, got {kind(self.activation)}")


@dataclass(frozen=True)
class Concat:
    """Branches applied to the same input, outputs stacked along channels (inception, dense blocks)."""

    branches: tuple = ()
    name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "branches", tuple(self.branches))
        if len(self.branches) < 2:
            raise ValueError("a concatenation needs at least two branches")
        for branch in self.branches:
            if not isinstance(branch, Sequential):
                raise ValueError(f"each concatenation branch must be a Sequential, got {kind(branch)}")


CONTAINERS = (Sequential, Residual, Concat)

# short names for auto-naming children in summaries
SHORT_NAMES = {
    Conv2d: "conv", MaxPool2d: "maxpool", AvgPool2d: "avgpool", GlobalAvgPool: "gap", GlobalMaxPool: "gmp",
    AdaptiveAvgPool2d: "avgpool", BatchNorm2d: "bn", LocalResponseNorm: "lrn", ReLU: "relu", Tanh: "tanh",
    Sigmoid: "sigmoid", Softmax: "softmax", LeakyReLU: "leakyrelu", Dropout: "dropout", Flatten: "flatten", Dense: "fc",
    Sequential: "block", Residual: "res", Concat: "concat",
}


def kind(layer) -> str:
    """The spec's class name, e.g. ``'Conv2d'``."""
    return type(layer).__name__
