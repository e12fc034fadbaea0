"""“Which kernel made this edge map?”: a seeded picture, one named kernel's response, a list to choose from.
The map is :func:`cnnviz.edges.filter2d` ('same' zero padding); the worked solution traces its strongest pixel."""
from __future__ import annotations

import numpy as np

from ..edges import filter2d, pixel_trace
from ..kernels import KERNELS
from .records import Answer, Phrase, Question, Worked

CHOICES = {  # choice key → kernel weights (cross-correlation, as the edge page applies them)
    "sobel_x": KERNELS["sobel"].weights[0],
    "sobel_y": KERNELS["sobel"].weights[1],
    "laplacian": KERNELS["laplacian4"].weights[0],
    "box_blur": KERNELS["box"].weights[0],
    "sharpen": KERNELS["sharpen"].weights[0],
}
LEVEL_CHOICES = {1: ("sobel_x", "sobel_y"), 2: ("sobel_x", "sobel_y", "laplacian"), 3: tuple(CHOICES)}
SIZE = 12


def _picture(rng: np.random.Generator) -> np.ndarray:
    """A dark square picture with one bright rectangle that is not square (so x and y responses differ)."""
    while True:
        h, w = (int(v) for v in rng.integers(3, 8, 2))
        if h != w:
            break
    top, left = int(rng.integers(1, SIZE - h)), int(rng.integers(1, SIZE - w))
    image = np.zeros((SIZE, SIZE))
    image[top: top + h, left: left + w] = int(rng.integers(2, 10))
    return image


def which_kernel(rng: np.random.Generator, level: int) -> Question:
    """Level 1: Sobel x or y. 2: or the Laplacian. 3: or a blur or sharpening kernel."""
    choices = LEVEL_CHOICES[level]
    image = _picture(rng)
    key = choices[int(rng.integers(len(choices)))]
    response = filter2d(image, CHOICES[key]).astype(np.float64)
    row, col = np.unravel_index(int(np.argmax(np.abs(response))), response.shape)
    trace = pixel_trace(image, (CHOICES[key],), "zeros", int(row), int(col))
    worked = Worked(Phrase(f"quiz.which_kernel.explain_{key}", {"row": int(row) + 1, "col": int(col) + 1}),
                    (trace.steps[0].equation,), trace.steps)
    return Question("which_kernel", None, None, Phrase("quiz.which_kernel.prompt"),
                    Answer("choice", key, choices=choices), worked, {"image": image, "map": response})
