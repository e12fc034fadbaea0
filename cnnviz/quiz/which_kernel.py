"""Edge questions. “Which kernel made this edge map?”: a seeded picture, one named kernel's response, a list to
choose from; the map is :func:`cnnviz.edges.filter2d` ('same' zero padding), the worked solution traces its strongest
pixel. And the edge page's own: the edge strength at the pixel it traces (:func:`edge_pixel_question`)."""
from __future__ import annotations

import numpy as np

from ..edges import filter2d, pixel_trace
from ..kernels import KERNELS
from ..trace import format_number
from .cells import TOLERANCE
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


def edge_pixel_question(image, kernels, border: str, row: int, col: int, channel: int | None = None) -> Question:
    """“What is the edge strength at row ``row``, column ``col`` (0-based)?” for an ``(H, W)`` or ``(C, H, W)``
    image (``channel`` picks the plane) filtered 'same' size with one kernel or an ``(x, y)`` pair, as the edge
    page does: ``|G| = √(Gx² + Gy²)``, or ``|out|`` for one kernel; within :data:`TOLERANCE` unless whole."""
    trace = pixel_trace(image, kernels, border, row, col, channel)
    pair = len(trace.steps) == 2
    names = ("Gx", "Gy") if pair else ("out",)
    formulas = tuple(f"{n} = {s.equation}" for n, s in zip(names, trace.steps))
    values = [s.value for s in trace.steps]
    whole = all(np.all(s.patch == np.round(s.patch)) and np.all(s.kernel == np.round(s.kernel)) for s in trace.steps)
    if pair:
        squares = " + ".join(f"({format_number(v)})²" if v < 0 else f"{format_number(v)}²" for v in values)
        formulas += (f"|G| = √({squares}) = {format_number(trace.magnitude, 3)}",)
    else:
        formulas += (f"|out| = |{format_number(values[0])}| = {format_number(trace.magnitude)}",)
    exact = whole and not pair
    answer = Answer("integer", int(trace.magnitude)) if exact else Answer("number", trace.magnitude, TOLERANCE)
    prompt = Phrase("quiz.edge_pixel.prompt_pair" if pair else "quiz.edge_pixel.prompt", {"row": row + 1,
                                                                                          "col": col + 1})
    explain = Phrase("quiz.edge_pixel.explain", {"rows": ", ".join(str(r + 1) for r in trace.rows),
                                                 "cols": ", ".join(str(c + 1) for c in trace.cols)})
    return Question("edge_pixel", None, None, prompt, answer, Worked(explain, formulas, trace.steps),
                    {"x": trace.steps[0].patch})
