r"""Dense as convolution (FCN, "convolutionalization"): a dense classifier head on a ``C×H×W`` map is a
convolution with ``H×W`` kernels followed by a ``1×1`` convolution — the same weights, reshaped.

The head: ``flatten (C·H·W, channels first) → dense (U units) → ReLU → dense (K classes)``. As
convolutions: ``U`` filters ``(C, H, W)``, ReLU, ``K`` filters ``(U, 1, 1)``. On an ``H×W`` input both give
the same ``K`` scores; on a larger input the convolutions slide and give a ``K × OH × OW`` map of scores,
one per ``H×W`` window (the window moves ``stride`` pixels).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .conv import conv2d
from .quiz.records import Question
from .quiz.sizes import output_size_question
from .shapes import conv_geometry


@dataclass(frozen=True)
class DenseHead:
    """``w1 (C·H·W, U)``, ``b1 (U,)``, ``w2 (U, K)``, ``b2 (K,)`` for inputs of ``shape = (C, H, W)``."""

    shape: tuple[int, int, int]
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    @property
    def params(self) -> int:
        return self.w1.size + self.b1.size + self.w2.size + self.b2.size


@dataclass(frozen=True)
class ConvHead:
    """The same head as convolutions: ``k1 (U, C, H, W)``, ``b1 (U,)``, ``k2 (K, U, 1, 1)``, ``b2 (K,)``."""

    k1: np.ndarray
    b1: np.ndarray
    k2: np.ndarray
    b2: np.ndarray

    @property
    def params(self) -> int:
        return self.k1.size + self.b1.size + self.k2.size + self.b2.size


def random_head(channels: int, height: int, width: int, units: int, classes: int, seed: int = 0) -> DenseHead:
    """A head with small integer-like weights (halves), fixed by ``seed``, so the numbers stay readable."""
    rng = np.random.default_rng(seed)
    n = channels * height * width
    return DenseHead((channels, height, width), rng.integers(-2, 3, (n, units)) / 2, rng.integers(-2, 3, units) / 2,
                     rng.integers(-2, 3, (units, classes)) / 2, rng.integers(-2, 3, classes) / 2)


def dense_scores(head: DenseHead, x) -> np.ndarray:
    """``x (C, H, W)`` → ``(K,)``: flatten, dense, ReLU, dense."""
    hidden = np.maximum(np.asarray(x, dtype=np.float64).reshape(-1) @ head.w1 + head.b1, 0)  # (U,)
    return hidden @ head.w2 + head.b2


def convolutionalize(head: DenseHead) -> ConvHead:
    """The dense weights reshaped into kernels: column ``u`` of ``w1`` is filter ``u`` as ``(C, H, W)``."""
    units, classes = head.w2.shape
    return ConvHead(head.w1.T.reshape(units, *head.shape), head.b1, head.w2.T.reshape(classes, units, 1, 1), head.b2)


def score_map(conv: ConvHead, x, stride: int = 1) -> np.ndarray:
    """``x (C, H', W')`` with ``H' ≥ H``, ``W' ≥ W`` → ``(K, OH, OW)``: the class scores of every window."""
    hidden = np.maximum(conv2d(np.asarray(x, dtype=np.float64), conv.k1, conv.b1, stride), 0)  # (U, OH, OW)
    return conv2d(hidden, conv.k2, conv.b2)


def window_of(head: DenseHead, x, cell: tuple[int, int], stride: int = 1) -> np.ndarray:
    """The ``(C, H, W)`` crop of ``x`` that score-map cell ``(i, j)`` (0-based) reads."""
    _, h, w = head.shape
    i, j = cell
    return np.asarray(x)[:, i * stride: i * stride + h, j * stride: j * stride + w]


def map_size_question(head: DenseHead, height: int, stride: int = 1) -> Question:
    """“How many rows does the score map have?”: an ``H``-tall kernel sliding over ``height`` rows."""
    return output_size_question(height, head.shape[1], stride)


def map_shape(head: DenseHead, height: int, width: int, stride: int = 1) -> tuple[int, int]:
    """``(OH, OW)`` of the score map (sizes from :mod:`cnnviz.shapes`; CnnvizError when the input is too small)."""
    return conv_geometry((height, width), head.shape[1:], stride).out_shape


def example_input(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """Small whole numbers 0–3 of ``shape``, fixed by ``seed`` (readable in a grid)."""
    return np.random.default_rng(seed).integers(0, 4, shape).astype(np.float64)
