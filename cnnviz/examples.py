"""The course material's worked examples, as named inputs and kernels (data, not UI text)."""
from __future__ import annotations

import numpy as np

from .errors import CnnvizError
from .kernels import KERNELS as NAMED
from .shapes import check_int, pair

# name → input image (H, W)
INPUTS: dict[str, np.ndarray] = {
    # A vertical edge: left half bright (10), right half dark (0).
    "step_edge_6x6": np.array([[10, 10, 10, 0, 0, 0]] * 6),
    # The 5×5 example worked by hand with two 2×2 kernels.
    "course_5x5": np.array([[2, 1, 2, 0, 1], [1, 3, 2, 2, 3], [1, 1, 3, 3, 0], [2, 2, 0, 1, 1], [0, 0, 3, 1, 2]]),
    # 1…9, the example for 'valid' versus 'same' with a 2×2 kernel.
    "numbers_3x3": np.arange(1, 10).reshape(3, 3),
    # 7×7: with f = 3, p = 1, s = 2 the output is ⌊(7 + 2 − 3)/2⌋ + 1 = 4.
    "random_7x7": np.random.default_rng(7).integers(0, 10, (7, 7)),
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


def random_integers(shape: tuple[int, int], low: int = 0, high: int = 9, seed: int = 0) -> np.ndarray:
    """A reproducible grid ``shape = (H, W)`` of whole numbers in ``[low, high]``."""
    low, high = check_int("smallest value", low, None), check_int("largest value", high, None)
    if high < low:
        raise CnnvizError("empty_range", low=low, high=high)
    return np.random.default_rng(check_int("seed", seed, 0)).integers(low, high + 1, pair("input size", shape))
