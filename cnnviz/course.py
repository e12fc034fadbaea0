"""The course's content as data: the worked examples of the notes and the small generated ones.

Named inputs and kernels (convolution), pooling examples with the settings their source uses, the CS231n-style
demo volume and filters, the little RGB picture, and the value grids of the transposed-convolution page. Every
random example comes from :func:`random_integers`, one generator with a ``stream`` per use, so the same seed
gives independent draws for an input and its filters.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .conv import as_numeric
from .errors import CnnvizError, Term
from .kernels import KERNELS as NAMED
from .shapes import check_int

# streams of random_integers: one per kind of example, so their draws never coincide
CONV_STREAM, VOLUME_STREAM, FILTER_STREAM, POOL_STREAM, INPUT_GRID_STREAM, KERNEL_GRID_STREAM = range(6)


def random_integers(shape: tuple[int, ...], low: int = 0, high: int = 9, seed: int = 0,
                    stream: int = CONV_STREAM) -> np.ndarray:
    """Whole numbers in ``[low, high]`` of any ``shape``, reproducible from ``seed`` and ``stream``."""
    low, high = check_int("smallest value", low, None), check_int("largest value", high, None)
    if high < low:
        raise CnnvizError("empty_range", low=low, high=high)
    shape = tuple(check_int("input size", n, 0) for n in shape)
    return np.random.default_rng([check_int("seed", seed, 0), stream]).integers(low, high + 1, shape)


# ---------------------------------------------------------------- convolution
# name → input image (H, W)
INPUTS: dict[str, np.ndarray] = {
    # A vertical edge: left half bright (10), right half dark (0).
    "step_edge_6x6": np.array([[10, 10, 10, 0, 0, 0]] * 6),
    # The 5×5 example worked by hand with two 2×2 kernels.
    "course_5x5": np.array([[2, 1, 2, 0, 1], [1, 3, 2, 2, 3], [1, 1, 3, 3, 0], [2, 2, 0, 1, 1], [0, 0, 3, 1, 2]]),
    # 1…9, the example for 'valid' versus 'same' with a 2×2 kernel.
    "numbers_3x3": np.arange(1, 10).reshape(3, 3),
    # 7×7: with f = 3, p = 1, s = 2 the output is ⌊(7 + 2 − 3)/2⌋ + 1 = 4.
    "random_7x7": random_integers((7, 7), seed=7),
}

# name → kernel (fh, fw): the course's own, and the standard ones from cnnviz.kernels (with sources there)
KERNELS: dict[str, np.ndarray] = {
    "vertical_edge": NAMED["vertical"].weights[0],
    "horizontal_edge": NAMED["horizontal"].weights[0],
    "course_2x2_a": np.array([[2, 3], [0, 1]]),
    "course_2x2_b": np.array([[0.1, 0.2], [0.3, 0.4]]),
    "ones_2x2": np.ones((2, 2), dtype=int),
    "identity_3x3": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "box_blur_3x3": NAMED["box"].weights[0],
    "sobel_x": NAMED["sobel"].weights[0],
    "sobel_y": NAMED["sobel"].weights[1],
    "sharpen": NAMED["sharpen"].weights[0],
}


# ---------------------------------------------------------------- pooling
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


def with_more_channels(x, channels: int, seed: int) -> np.ndarray:
    """``(C, H, W)``: the image ``x`` ``(H, W)`` as channel 1, then ``channels − 1`` seeded random ones (0..9)."""
    x = as_numeric("input", x)
    if x.ndim != 2:
        raise CnnvizError("first_channel_not_an_image", shape=x.shape)
    channels = check_int("channels", channels, 1)
    extra = random_integers((channels - 1, *x.shape), seed=seed, stream=POOL_STREAM)
    return np.concatenate([x[None].astype(extra.dtype), extra])


# ---------------------------------------------------------------- convolution over volumes
SUPERSAMPLE = 16  # the picture is drawn this many times larger, then averaged down


@dataclass(frozen=True)
class FilterBank:
    """``K`` filters ``(K, C, f, f)`` of small integers with their biases ``(K,)``."""

    w: np.ndarray
    b: np.ndarray


def random_volume(seed: int, channels: int = 3, size: int = 5) -> np.ndarray:
    """The CS231n demo's input: integers 0..2 of shape ``(C, size, size)``."""
    shape = check_int("channels", channels, 1), check_int("input size", size, 1), size
    return random_integers(shape, 0, 2, seed, VOLUME_STREAM)


def random_filters(seed: int, filters: int = 2, channels: int = 3, kernel: int = 3) -> FilterBank:
    """The CS231n demo's filters: weights −1..1 ``(K, C, f, f)``; biases 1, 0, 1, 0, … (its b0 = 1, b1 = 0)."""
    k, c = check_int("filters", filters, 1), check_int("channels", channels, 1)
    f = check_int("kernel size", kernel, 1)
    return FilterBank(random_integers((k, c, f, f), -1, 1, seed, FILTER_STREAM), (np.arange(k) + 1) % 2)


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


# ---------------------------------------------------------------- transposed convolution
GRID_VALUES = ("from_one", "from_zero", "ones", "random")  # 1, 2, 3, …; 0, 1, 2, … (d2l.ai); all 1; −2…3


def value_grid(kind: str, n: int, seed: int = 0, stream: int = INPUT_GRID_STREAM) -> np.ndarray:
    """An ``(n, n)`` grid of whole numbers of one of the ``GRID_VALUES`` kinds."""
    n = check_int("input size", n, 1)
    if kind == "from_one":
        return np.arange(1, n * n + 1).reshape(n, n)
    if kind == "from_zero":
        return np.arange(n * n).reshape(n, n)
    if kind == "ones":
        return np.ones((n, n), dtype=int)
    if kind == "random":
        return random_integers((n, n), -2, 3, seed, stream)
    raise CnnvizError("not_one_of", name=Term("values"), options=", ".join(GRID_VALUES), value=repr(kind))
