r"""Why convolutions? The course's two reasons as numbers — parameter sharing and sparse connections —
and translation equivariance: shift the input, the feature map shifts (away from the borders).

Sizes are channels-last as the course writes them: an input ``H×W×C``, a layer of ``K`` filters ``f×f``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .conv import conv2d
from .params import conv2d_params, dense_params
from .quiz.counts import conv_formula
from .quiz.records import Answer, Phrase, Question, Worked
from .shapes import AxisGeometry, conv_geometry


@dataclass(frozen=True)
class LayerComparison:
    """A conv layer against the dense layer that maps the same input to the same output size."""

    input_shape: tuple[int, int, int]  # (H, W, C)
    output_shape: tuple[int, int, int]  # (OH, OW, K)
    kernel: int  # f
    conv_params: int  # K·(f·f·C) + K
    dense_params: int  # (H·W·C)·(OH·OW·K) + OH·OW·K
    conv_reads: int  # inputs one conv output depends on: f·f·C (sparse connections)
    dense_reads: int  # inputs one dense output depends on: H·W·C (all of them)
    uses_per_weight: int  # positions each conv weight is used at: OH·OW (parameter sharing)

    @property
    def ratio(self) -> float:
        """How many times more parameters the dense layer needs."""
        return self.dense_params / self.conv_params

    def conv_formula(self) -> str:
        """``6·(5·5·3) + 6 = 456``."""
        (_, _, c), (_, _, k) = self.input_shape, self.output_shape
        return conv_formula(c, k, self.kernel)

    def dense_formula(self) -> str:
        """``3,072·4,704 + 4,704 = 14,455,392``: inputs × outputs + one bias per output."""
        n_in, n_out = int(np.prod(self.input_shape)), int(np.prod(self.output_shape))
        return f"{n_in:,}·{n_out:,} + {n_out:,} = {self.dense_params:,}"


def compare_layers(height: int, width: int, channels: int, filters: int, kernel: int, stride: int = 1,
                   padding=0) -> LayerComparison:
    """The counts of a ``filters × kernel×kernel`` conv layer on ``height×width×channels`` and of its dense twin."""
    geo = conv_geometry((height, width), kernel, stride, padding)
    out = (*geo.out_shape, filters)
    n_in, n_out = height * width * channels, int(np.prod(out))
    return LayerComparison((height, width, channels), out, kernel, conv2d_params(channels, filters, kernel),
                           dense_params(n_in, n_out), kernel * kernel * channels, n_in, out[0] * out[1])


def params_question(comparison: LayerComparison) -> Question:
    """“How many parameters does this conv layer have?” for the page's own sizes."""
    (_, _, c), (_, _, k), f = comparison.input_shape, comparison.output_shape, comparison.kernel
    return Question("conv_params", None, None, Phrase("quiz.conv_params.prompt", {"c": c, "k": k, "f": f}),
                    Answer("integer", comparison.conv_params),
                    Worked(Phrase("quiz.conv_params.explain", {"per_filter": f * f * c}), (comparison.conv_formula(),)))


def shift(x, dy: int, dx: int) -> np.ndarray:
    """``x (H, W)`` moved ``dy`` rows down and ``dx`` columns right (negative: up / left); zeros come in."""
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    h, w = x.shape
    out[max(dy, 0): h + min(dy, 0), max(dx, 0): w + min(dx, 0)] = x[max(-dy, 0): h - max(dy, 0),
                                                                    max(-dx, 0): w - max(dx, 0)]
    return out


@dataclass(frozen=True)
class Translation:
    """A feature map, the feature map of the shifted input, and where they must agree."""

    original: np.ndarray  # (OH, OW): conv of x
    shifted_input: np.ndarray  # (H, W)
    of_shifted: np.ndarray  # (OH, OW): conv of the shifted input
    shifted_map: np.ndarray  # (OH, OW): the original map shifted the same way (zeros come in)
    exact: np.ndarray  # (OH, OW) bool: of_shifted == shifted_map guaranteed (no border effect)


def _exact_axis(axis: AxisGeometry, d: int) -> np.ndarray:
    """Output positions whose shifted-back window read only input that stayed inside the frame."""
    ok = np.zeros(axis.out, dtype=bool)
    for i in range(axis.out):
        src = i - d
        if 0 <= src < axis.out:
            real = axis.window(src) - axis.before
            real = real[(real >= 0) & (real < axis.n)]
            ok[i] = bool(np.all((real + d >= 0) & (real + d < axis.n)))
    return ok


def translation(x, w, dy: int, dx: int, padding=0) -> Translation:
    """Equivariance of a stride-1 convolution of ``x (H, W)`` with ``w (f, f)``: conv(shift(x)) equals
    shift(conv(x)) on the ``exact`` cells; elsewhere the border differs (input shifted out of the frame,
    or zeros shifted in where the map had values)."""
    geo = conv_geometry(np.shape(x), np.shape(w), 1, padding)
    moved = shift(x, dy, dx)
    original = conv2d(np.asarray(x, dtype=np.float64), w, padding=padding)
    return Translation(original, moved, conv2d(moved, w, padding=padding), shift(original, dy, dx),
                       np.outer(_exact_axis(geo.rows, dy), _exact_axis(geo.cols, dx)))


def demo_picture(n: int) -> np.ndarray:
    """An ``n×n`` picture with a small off-centre shape (an L of 2s, a 3 at its corner), so a shift is easy to see."""
    x = np.zeros((n, n))
    top, left, arm = n // 4, n // 4, max(n // 3, 1)
    x[top: top + arm + 1, left] = 2
    x[top + arm, left: left + arm + 1] = 2
    x[top + arm, left] = 3
    return x


def demo_kernel(f: int) -> np.ndarray:
    """An ``f×f`` vertical-edge kernel (left column 1, right column −1); ``[[1]]`` for ``f = 1``."""
    w = np.zeros((f, f))
    w[:, 0] = 1
    if f > 1:
        w[:, -1] = -1
    return w
