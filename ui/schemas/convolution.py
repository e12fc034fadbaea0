"""The convolution page's settings: everything that defines what it shows, and the rules of each."""
from __future__ import annotations

from dataclasses import dataclass

from cnnviz.course import INPUTS, KERNELS
from cnnviz.matrix_text import format_matrix, parse_matrix
from ui.common.schema import Settings, choice, flag, integer, number, text

MAX_KERNEL = 7


@dataclass(frozen=True)
class ConvSettings(Settings):
    """Everything that defines what this page shows."""

    PAGE = "conv"
    SAMPLE = {"input_text": "1 2 3 4\n5 6 7 8\n9 10 11 12\n13 14 15 16\n17 18 19 20", "kernel_text": "1 0\n0 -1",
              "bias": 0.5, "flip": True, "padding_mode": "full", "pad_h": 1, "pad_w": 2, "stride_h": 2,
              "stride_w": 3, "dilation_h": 2, "dilation_w": 2, "step": 3,
              "predict": True}
    input_text: str = text(format_matrix(INPUTS["step_edge_6x6"]), check=parse_matrix, matrix=True)
    kernel_text: str = text(format_matrix(KERNELS["vertical_edge"]),
                            check=lambda s: parse_matrix(s, max_size=MAX_KERNEL), matrix=True)
    bias: float = number(0.0, -1e6, 1e6)
    flip: bool = flag(False)
    padding_mode: str = choice("explicit", ("explicit", "valid", "same", "full"))
    pad_h: int = integer(0, 0, 10)
    pad_w: int = integer(0, 0, 10)
    stride_h: int = integer(1, 1, 10)
    stride_w: int = integer(1, 1, 10)
    dilation_h: int = integer(1, 1, 5)
    dilation_w: int = integer(1, 1, 5)
    step: int = integer(1, 1, 10_000, widget="slider")  # the output cell shown (1-based)
    predict: bool = flag(False)  # "Predict first": the output stays hidden until the student has guessed

    @property
    def padding(self):
        return (self.pad_h, self.pad_w) if self.padding_mode == "explicit" else self.padding_mode
