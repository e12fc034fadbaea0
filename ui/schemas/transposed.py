"""The transposed-convolution page's settings: a square input and kernel, the geometry, their values, the
view shown and the stamp stepped to; and the worked examples, as changes to the defaults."""
from __future__ import annotations

from dataclasses import dataclass

from cnnviz.course import GRID_VALUES
from cnnviz.shapes import conv_transpose_output_size
from ui.common.schema import Settings, choice, flag, integer

GEOMETRY = ("size", "kernel", "stride", "padding", "output_padding", "dilation")
# example id → the settings it changes (the rest at defaults); d2l.ai §14.10 counts from 0
EXAMPLES = {
    "textbook_s1": {"stride": 1, "input_values": "from_zero", "kernel_values": "from_zero"},
    "textbook_s2": {"input_values": "from_zero", "kernel_values": "from_zero"},
    "upsample_x2": {"size": 4, "kernel": 3, "stride": 2, "padding": 1, "output_padding": 1, "input_values": "ones",
                    "kernel_values": "ones"},
    "checkerboard": {"size": 5, "kernel": 3, "stride": 2, "input_values": "ones", "kernel_values": "ones"},
}


@dataclass(frozen=True)
class TransposedSettings(Settings):
    """Everything that defines what this page shows (square input and kernel)."""

    PAGE = "transposed"
    SAMPLE = {"size": 3, "kernel": 3, "stride": 1, "padding": 1, "output_padding": 1, "dilation": 2,
              "input_values": "random", "kernel_values": "ones", "seed": 5, "view": "scatter", "step": 3,
              "predict": True}
    size: int = integer(2, 1, 8, widget="slider")
    kernel: int = integer(2, 1, 5, widget="slider")
    stride: int = integer(2, 1, 4, widget="slider")
    padding: int = integer(0, 0, 4, widget="slider")
    output_padding: int = integer(0, 0, 3, widget="slider")
    dilation: int = integer(1, 1, 3, widget="slider")
    input_values: str = choice("from_one", GRID_VALUES, widget="select")  # from 1: the first stamp is the kernel
    kernel_values: str = choice("from_one", GRID_VALUES, widget="select")
    seed: int = integer(0, 0, 9999)
    view: str = choice("direct", ("direct", "scatter"))
    step: int = integer(1, 1, 10_000, widget="slider")  # the stamp the player shows (1-based)
    predict: bool = flag(False)  # "Predict first": the output stays hidden until the student has guessed its size

    def limits(self) -> dict[str, tuple]:
        """Output padding < max(stride, dilation); padding may crop all but one row and column, not more."""
        extra = max(self.stride, self.dilation) - 1
        full = conv_transpose_output_size(self.size, self.kernel, self.stride, 0, min(self.output_padding, extra),
                                          self.dilation)
        return {"output_padding": (0, extra), "padding": (0, (full - 1) // 2)}
