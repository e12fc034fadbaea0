"""One layer of a CNN, as data: convolution → + bias → activation, and what its parameters cost.

Parameter counts come from ``params.py``; output shapes from ``shapes.py``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import activate
from .conv import as_numeric, conv2d, conv_problem
from .errors import CnnvizError
from .params import conv2d_params, dense_params
from .shapes import check_int, conv_geometry, pair


@dataclass(frozen=True)
class LayerMaps:
    """The three stages of a conv layer on one image, each ``(K, Ho, Wo)``."""

    conv: np.ndarray  # Σ w·x over the window and all channels, no bias yet
    biased: np.ndarray  # conv + b[k]
    activated: np.ndarray  # activation(biased)
    activation: str
    slope: float  # leaky ReLU's negative-side slope (unused by the others)


def conv_layer(x, w, b, stride=1, padding=0, activation: str = "relu", slope: float = 0.01) -> LayerMaps:
    """Run ``(C, H, W)`` through filters ``(K, C, fh, fw)`` with biases ``(K,)``, then the activation."""
    pb = conv_problem(x, w, b, stride, padding)
    if pb.out_ndim != 3:
        raise CnnvizError("layer_needs_one_image", input_shape=np.shape(x), filter_shape=np.shape(w))
    conv = conv2d(x, w, None, stride, padding).astype(np.float64)  # (K, Ho, Wo)
    biased = conv2d(x, w, b, stride, padding).astype(np.float64)
    return LayerMaps(conv, biased, activate(biased, activation, slope), activation, slope)


def channel_contributions(x, w, stride=1, padding=0) -> np.ndarray:
    """What each input channel adds to one filter's output: ``(C, Ho, Wo)``, one map ``w[c] ∗ x[c]`` per channel.

    ``x`` ``(C, H, W)``, ``w`` ``(C, fh, fw)`` (one filter). Summed over channels, plus the bias,
    they are ``conv2d``'s output map for this filter.
    """
    x, w = as_numeric("input", x), as_numeric("kernel", w)
    if x.ndim != 3 or w.ndim != 3:
        raise CnnvizError("contributions_need_one_filter", input_shape=x.shape, filter_shape=w.shape)
    conv_problem(x, w[None], None, stride, padding)  # validates channels and geometry
    return np.stack([conv2d(x[c], w[c], None, stride, padding) for c in range(x.shape[0])]).astype(np.float64)


@dataclass(frozen=True)
class ParamCount:
    """Learnable parameters of one layer: ``weights + biases = total``."""

    weights: int
    biases: int

    @property
    def total(self) -> int:
        return self.weights + self.biases


@dataclass(frozen=True)
class ConvVsDense:
    """A conv layer and the dense layer that maps the same input size to the same output size."""

    input_shape: tuple[int, int, int]  # (C, H, W)
    output_shape: tuple[int, int, int]  # (K, Ho, Wo)
    kernel: tuple[int, int]  # (fh, fw)
    conv: ParamCount  # K·(fh·fw·C) + K
    dense: ParamCount  # (C·H·W)·(K·Ho·Wo) + K·Ho·Wo

    @property
    def ratio(self) -> float:
        """How many times more parameters the dense layer needs."""
        return self.dense.total / self.conv.total


def _count(total_with_bias: int, weights: int) -> ParamCount:
    return ParamCount(weights, total_with_bias - weights)


def conv_vs_dense(input_shape, filters: int, kernel_size, stride=1, padding=0, bias: bool = True) -> ConvVsDense:
    """Parameters of ``filters`` conv filters on a ``(C, H, W)`` input vs an equivalent dense layer."""
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise CnnvizError("not_a_volume_shape", value=repr(input_shape))
    c = check_int("input channels", input_shape[0], 1)
    hw = (check_int("input height", input_shape[1], 1), check_int("input width", input_shape[2], 1))
    k = check_int("filters", filters, 1)
    kernel = pair("kernel size", kernel_size)
    geo = conv_geometry(hw, kernel, stride, padding)
    out_shape = (k, *geo.out_shape)
    n_in, n_out = c * hw[0] * hw[1], k * geo.rows.out * geo.cols.out
    conv = _count(conv2d_params(c, k, kernel, bias), conv2d_params(c, k, kernel, bias=False))
    dense = _count(dense_params(n_in, n_out, bias), dense_params(n_in, n_out, bias=False))
    return ConvVsDense((c, *hw), out_shape, kernel, conv, dense)


@dataclass(frozen=True)
class Bottleneck:
    """An f×f conv ``C → K`` done directly, or as a 1×1 conv ``C → R`` then the f×f conv ``R → K``.

    Both keep the spatial size (stride 1, 'same' padding), so multiplications are
    weights × output pixels.
    """

    in_channels: int  # C
    reduced: int  # R, the 1×1 convolution's output channels
    out_channels: int  # K
    kernel: tuple[int, int]  # (fh, fw)
    spatial: tuple[int, int]  # (H, W), the same before and after
    direct: ParamCount  # f×f, C → K
    reduce: ParamCount  # 1×1, C → R
    expand: ParamCount  # f×f, R → K
    direct_mults: int
    reduce_mults: int
    expand_mults: int

    @property
    def bottleneck_params(self) -> int:
        return self.reduce.total + self.expand.total

    @property
    def bottleneck_mults(self) -> int:
        return self.reduce_mults + self.expand_mults

    @property
    def saving(self) -> float:
        """Fraction of the direct layer's parameters the bottleneck saves (negative if it costs more)."""
        return 1 - self.bottleneck_params / self.direct.total


def bottleneck(in_channels: int, reduced: int, out_channels: int, kernel_size, spatial=28,
               bias: bool = False) -> Bottleneck:
    """Compare an f×f conv ``C → K`` with 1×1 ``C → R`` followed by f×f ``R → K`` on an ``H×W`` map.

    ``bias=False`` by default, as in the course's count (3×3×128×128 = 147,456).
    """
    c = check_int("input channels", in_channels, 1)
    r = check_int("reduced channels", reduced, 1)
    k = check_int("output channels", out_channels, 1)
    kernel = pair("kernel size", kernel_size)
    hw = pair("map size", spatial)
    geo = conv_geometry(hw, kernel, 1, "same")
    pixels = geo.rows.out * geo.cols.out  # 'same' at stride 1: H·W

    def layer(cin, cout, f):
        return _count(conv2d_params(cin, cout, f, bias), conv2d_params(cin, cout, f, bias=False))

    direct, reduce, expand = layer(c, k, kernel), layer(c, r, 1), layer(r, k, kernel)
    return Bottleneck(c, r, k, kernel, hw, direct, reduce, expand,
                      direct.weights * pixels, reduce.weights * pixels, expand.weights * pixels)
