"""Design comparisons from the course, each as two summaries of the same input: a baseline and an alternative.

- ``single_vs_stacked``: one 5×5 conv vs two stacked 3×3 convs (same receptive field, same output).
- ``alexnet_grouping``: torchvision's AlexNet vs the 2012 two-GPU AlexNet with grouped convs.

Every number comes from ``summarize``; a ``Comparison`` only adds the ratios. Conv vs dense and the 1×1
bottleneck are ``cnnviz.layer.conv_vs_dense`` and ``cnnviz.layer.bottleneck`` (one definition each).
"""
from __future__ import annotations

from dataclasses import dataclass

from .layers import Conv2d, Sequential
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


def alexnet_grouping() -> Comparison:
    """Baseline: torchvision's AlexNet (no groups); alternative: AlexNet 2012 (conv2, 4, 5 in two groups)."""
    return Comparison(summarize("alexnet"), summarize("alexnet2012"))
