"""The padding & stride explorer's settings: everything that defines what it shows, and the rules of each."""
from __future__ import annotations

from dataclasses import dataclass

from ui.common.schema import Settings, choice, flag, integer

PAIRS = ("size", "kernel", "pad", "stride", "dilation")  # each has an _h (rows) and a _w (columns) field


@dataclass(frozen=True)
class PaddingStrideSettings(Settings):
    """Everything that defines what this page shows; while ``square``, the ``_w`` values follow ``_h``."""

    PAGE = "padstride"
    SAMPLE = {"square": False, "size_h": 8, "size_w": 9, "kernel_h": 4, "kernel_w": 2, "padding_mode": "same",
              "pad_h": 1, "pad_w": 2, "stride_h": 2, "stride_w": 3, "dilation_h": 2, "dilation_w": 3,
              "predict": True}
    square: bool = flag(True)
    size_h: int = integer(5, 1, 32, widget="slider")
    size_w: int = integer(5, 1, 32, widget="slider")
    kernel_h: int = integer(3, 1, 11, widget="slider")
    kernel_w: int = integer(3, 1, 11, widget="slider")
    padding_mode: str = choice("explicit", ("explicit", "valid", "same", "full"))
    pad_h: int = integer(0, 0, 10, widget="slider")
    pad_w: int = integer(0, 0, 10, widget="slider")
    stride_h: int = integer(1, 1, 8, widget="slider")
    stride_w: int = integer(1, 1, 8, widget="slider")
    dilation_h: int = integer(1, 1, 4, widget="slider")
    dilation_w: int = integer(1, 1, 4, widget="slider")
    predict: bool = flag(False)  # "Predict first": the output size stays hidden until the student has guessed

    def _pair(self, name: str) -> tuple[int, int]:
        h = getattr(self, f"{name}_h")
        return h, h if self.square else getattr(self, f"{name}_w")

    @property
    def size(self) -> tuple[int, int]:
        return self._pair("size")

    @property
    def kernel(self) -> tuple[int, int]:
        return self._pair("kernel")

    @property
    def padding(self):
        return self._pair("pad") if self.padding_mode == "explicit" else self.padding_mode

    @property
    def stride(self) -> tuple[int, int]:
        return self._pair("stride")

    @property
    def dilation(self) -> tuple[int, int]:
        return self._pair("dilation")

    @property
    def problem(self) -> tuple:
        """``(size, kernel, stride, padding, dilation)`` as the engine takes them: what every figure depends on."""
        return self.size, self.kernel, self.stride, self.padding, self.dilation
