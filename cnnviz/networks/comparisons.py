"""Design comparisons from the course, each as two summaries of the same input: a baseline and an alternative.

- ``conv_vs_dense``: a conv layer vs the dense layer that maps the same input to the same output size.
- ``single_vs_stacked``: one 5×5 conv vs two stacked 3×3 convs (same receptive field, same output).
- ``bottleneck``: a 3×3 conv on C channels vs a 1×1 reduction to fewer channels first
  (C=128 → 32: 147,456 vs 40,960 weights, about 72 % fewer).
- ``alexnet_grouping``: torchvision's AlexNet vs the 2012 two-GPU AlexNet with grouped convs.

Every number comes from ``summarize``; a ``Comparison`` only adds the ratios.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .layers import Conv2d, Dense, Flatten, Sequential
from .summary import Summary, summarize


@dataclass(frozen=True)
class Comparison:
    baseline: Summary
    alternative: Summary

    @property
    def params_saved(self) -> float:
        """Fraction of the baseline's parameters the alternative does without (negative if it needs more)."""
        return 1 - self.alternative.total_params / self.baseline.total_params

    @property
    def macs_saved(self) -> float:
        return 1 - self.alternative.total_macs / self.baseline.total_macs


def conv_vs_dense(input_shape=(3, 32, 32), conv: Conv2d = Conv2d(6, 5)) -> Comparison:
    """Baseline: flatten + a dense layer with as many outputs as ``conv`` makes; alternative: the conv."""
    conv_summary = summarize(Sequential([conv]), input_shape)
    units = math.prod(conv_summary.output_shape)
    dense = summarize(Sequential([Flatten(), Dense(units)]), input_shape)
    return Comparison(dense, conv_summary)


def single_vs_stacked(channels: int = 64, size: int = 28, kernel: int = 5, bias: bool = False) -> Comparison:
    """Baseline: one ``kernel``×``kernel`` conv; alternative: ``(kernel−1)/2`` stacked 3×3 convs (valid padding).

    Both keep ``channels`` channels and end with the same receptive field and output size.
    """
    if kernel < 3 or kernel % 2 == 0:
        raise ValueError(f"the single kernel must be odd and at least 3 to be replaced by 3×3 convs, got {kernel}")
    single = Sequential([Conv2d(channels, kernel, bias=bias)])
    stacked = Sequential([Conv2d(channels, 3, bias=bias) for _ in range((kernel - 1) // 2)])
    shape = (channels, size, size)
    return Comparison(summarize(single, shape), summarize(stacked, shape))


def bottleneck(channels: int = 128, reduced: int = 32, kernel: int = 3, size: int = 28,
               bias: bool = False) -> Comparison:
    """Baseline: a ``kernel`` conv C→C; alternative: a 1×1 conv C→``reduced``, then the ``kernel`` conv →C."""
    direct = Sequential([Conv2d(channels, kernel, padding="same", bias=bias)])
    reduced_first = Sequential([Conv2d(reduced, 1, bias=bias), Conv2d(channels, kernel, padding="same", bias=bias)])
    shape = (channels, size, size)
    return Comparison(summarize(direct, shape), summarize(reduced_first, shape))


def alexnet_grouping() -> Comparison:
    """Baseline: torchvision's AlexNet (no groups); alternative: AlexNet 2012 (conv2, 4, 5 in two groups)."""
    return Comparison(summarize("alexnet"), summarize("alexnet2012"))
