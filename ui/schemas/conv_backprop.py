"""The backpropagation page's settings: a small layer, the output gradient, and which gradient is stepped."""
from __future__ import annotations

from dataclasses import dataclass

from cnnviz.backward_trace import GRADIENTS
from cnnviz.matrix_text import parse_matrix
from ui.common.schema import Settings, choice, flag, integer, text

MAX_SIZE = 8  # a small layer: every gradient cell stays readable in the animation
MAX_KERNEL = 4


@dataclass(frozen=True)
class BackpropSettings(Settings):
    """Everything that defines what this page shows."""

    PAGE = "backprop"
    SAMPLE = {"input_text": "1 2 0 1 3 1\n0 1 2 2 1 0\n3 1 0 1 2 2\n1 0 1 3 0 1\n2 2 1 0 1 3\n0 1 3 1 2 0",
              "kernel_text": "1 -1\n2 0", "gradient": "typed", "dout_text": "1 0 2 1\n0 1 1 0\n2 1 0 1\n1 0 1 2",
              "stride": 2, "padding": 1, "view": "input", "step": 7, "predict": True}
    input_text: str = text("1 2 0 1 3\n0 1 2 2 1\n3 1 0 1 2\n1 0 1 3 0\n2 2 1 0 1",
                           check=lambda s: parse_matrix(s, max_size=MAX_SIZE), matrix=True)
    kernel_text: str = text("1 0 -1\n2 0 -2\n1 0 -1", check=lambda s: parse_matrix(s, max_size=MAX_KERNEL),
                            matrix=True)
    gradient: str = choice("ramp", (*GRADIENTS, "typed"))
    dout_text: str = text("1 0 -1\n0 2 0\n-1 0 1", check=lambda s: parse_matrix(s, max_size=MAX_SIZE), matrix=True)
    stride: int = integer(1, 1, 4)
    padding: int = integer(0, 0, 3)
    view: str = choice("weight", ("weight", "input"), widget="segmented")
    step: int = integer(1, 1, 10_000, widget="slider")  # the gradient cell shown (1-based)
    predict: bool = flag(False)
