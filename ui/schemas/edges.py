"""The edge-detection page's settings: image, kernel, colour, border, threshold and the pixel traced."""
from __future__ import annotations

from dataclasses import dataclass

from cnnviz.edges import BORDERS
from cnnviz.images import SAMPLES, WORKING_SIDE
from cnnviz.kernels import KERNELS, parse_kernel
from cnnviz.matrix_text import format_matrix
from ui.common.schema import Settings, choice, flag, integer, text

KERNEL_CHOICES = (*KERNELS, "custom")
STRONGEST_ON_STEP = (2, 3)  # row, column (1-based) of the default sample's strongest edge under Sobel


@dataclass(frozen=True)
class EdgeSettings(Settings):
    """Everything that defines what this page shows. An uploaded photo cannot travel in a link; the
    sample stands in for it. ``row`` and ``col`` count from 1 and are narrowed to the image by the page."""

    PAGE = "edges"
    SAMPLE = {"sample": "shapes", "kernel": "custom", "custom_text": "1 2 1\n0 0 0\n-1 -2 -1",
              "custom_pair": False, "colour": "channels", "border": "zeros", "threshold": 40, "row": 60, "col": 90,
              "predict": True}
    sample: str = choice("step", tuple(SAMPLES), widget="select")
    kernel: str = choice("sobel", KERNEL_CHOICES, widget="select")
    custom_text: str = text(format_matrix(KERNELS["sobel"].weights[0]), check=parse_kernel, matrix=True)
    custom_pair: bool = flag(True)
    colour: str = choice("luma", ("luma", "channels"))
    # replicate: the course's 6×6 shows only its real edge; zeros would add a border edge as strong
    border: str = choice("replicate", BORDERS)
    threshold: int = integer(25, 0, 100, widget="slider")  # percent of the largest magnitude
    row: int = integer(STRONGEST_ON_STEP[0], 1, WORKING_SIDE)
    col: int = integer(STRONGEST_ON_STEP[1], 1, WORKING_SIDE)
    predict: bool = flag(False)  # "Predict first": the maps stay hidden until the traced pixel's strength is guessed
