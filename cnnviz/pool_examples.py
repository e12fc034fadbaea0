"""Worked pooling examples from the course material, as named inputs (data, not UI text)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .conv import as_numeric
from .errors import CnnvizError
from .shapes import check_int


@dataclass(frozen=True)
class PoolExample:
    """An input ``(H, W)`` and the pooling settings its source uses with it."""

    x: np.ndarray
    size: int
    stride: int


POOL_EXAMPLES: dict[str, PoolExample] = {
    # deeplearning.ai, "Pooling layers": 2×2 max pooling with stride 2 gives [[9, 2], [6, 3]].
    "dlai_4x4": PoolExample(np.array([[1, 3, 2, 1], [2, 9, 1, 1], [1, 3, 2, 3], [5, 6, 1, 2]]), 2, 2),
    # deeplearning.ai, the same idea with overlapping windows: 3×3, stride 1 → [[9, 9, 5], [9, 9, 5], [8, 6, 9]].
    "dlai_5x5": PoolExample(np.array([[1, 3, 2, 1, 3], [2, 9, 1, 1, 5], [1, 3, 2, 3, 2], [8, 3, 5, 1, 0],
                                      [5, 6, 1, 2, 9]]), 3, 1),
    # CS231n notes, "Pooling layer": 2×2 max pooling with stride 2 gives [[6, 8], [3, 4]].
    "cs231n_4x4": PoolExample(np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]), 2, 2),
    # Ties: several windows hold their maximum twice; the first one (row by row) is the winner.
    "ties_4x4": PoolExample(np.array([[7, 7, 1, 3], [2, 7, 3, 1], [4, 0, 5, 5], [4, 2, 5, 5]]), 2, 2),
}


def random_image(seed: int, height: int, width: int, channels: int = 1) -> np.ndarray:
    """Whole numbers 0..9 of shape ``(channels, height, width)``, reproducible from ``seed``."""
    shape = check_int("channels", channels, 0), check_int("input height", height, 1), check_int("input width", width, 1)
    return np.random.default_rng([check_int("seed", seed, 0), 3]).integers(0, 10, size=shape)


def with_more_channels(x, channels: int, seed: int) -> np.ndarray:
    """``(C, H, W)``: the image ``x`` ``(H, W)`` as channel 1, then ``channels − 1`` seeded random ones."""
    x = as_numeric("input", x)
    if x.ndim != 2:
        raise CnnvizError("first_channel_not_an_image", shape=x.shape)
    channels = check_int("channels", channels, 1)
    extra = random_image(seed, *x.shape, channels=channels - 1)
    return np.concatenate([x[None].astype(extra.dtype), extra])
