"""Small input volumes and filter banks for teaching convolution over channels.

No files, no downloads: the random demo follows the CS231n notes' live example (inputs 0..2,
weights −1..1, biases 1 and 0), and the "RGB picture" is drawn here in numpy.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .shapes import check_int

SUPERSAMPLE = 16  # the picture is drawn this many times larger, then averaged down


@dataclass(frozen=True)
class FilterBank:
    """``K`` filters ``(K, C, f, f)`` of small integers with their biases ``(K,)``."""

    w: np.ndarray
    b: np.ndarray


def random_volume(seed: int, channels: int = 3, size: int = 5) -> np.ndarray:
    """Integers 0..2 of shape ``(C, size, size)``, reproducible from ``seed``."""
    c, n = check_int("channels", channels, 1), check_int("input size", size, 1)
    rng = np.random.default_rng([check_int("seed", seed, 0), 1])
    return rng.integers(0, 3, size=(c, n, n))


def random_filters(seed: int, filters: int = 2, channels: int = 3, kernel: int = 3) -> FilterBank:
    """Weights −1..1 of shape ``(K, C, f, f)``; biases 1, 0, 1, 0, … (the demo's b0 = 1, b1 = 0)."""
    k, c = check_int("filters", filters, 1), check_int("channels", channels, 1)
    f = check_int("kernel size", kernel, 1)
    rng = np.random.default_rng([check_int("seed", seed, 0), 2])
    return FilterBank(rng.integers(-1, 2, size=(k, c, f, f)), (np.arange(k) + 1) % 2)


def rgb_picture(size: int = 5) -> np.ndarray:
    """A little landscape (sky, sun, hills, a red house) as 0..255 integers, shape ``(3, size, size)``.

    Drawn at ``SUPERSAMPLE × size`` pixels and box-averaged down, the way an image is downsampled.
    """
    n = check_int("input size", size, 1)
    big = n * SUPERSAMPLE
    y, x = np.mgrid[0:big, 0:big] / big  # (big, big) in [0, 1)
    img = np.empty((3, big, big))
    img[0], img[1], img[2] = 90 + 80 * y, 150 + 60 * y, 250 - 40 * y  # sky, lighter at the horizon
    sun = (x - 0.78) ** 2 + (y - 0.22) ** 2 < 0.15 ** 2
    hill = y > 0.62 + 0.12 * np.sin(3.5 * x + 0.6)
    house = (x > 0.15) & (x < 0.45) & (y > 0.5) & (y < 0.85)
    roof = (y <= 0.5) & (y > 0.32) & (np.abs(x - 0.3) < (y - 0.32) * 1.0)
    for mask, rgb in ((sun, (255, 215, 40)), (hill, (60, 160, 60)), (house, (200, 40, 40)), (roof, (110, 50, 30))):
        img[:, mask] = np.array(rgb, dtype=float)[:, None]
    small = img.reshape(3, n, SUPERSAMPLE, n, SUPERSAMPLE).mean(axis=(2, 4))  # (3, n, n)
    return np.rint(small).astype(np.int64)
