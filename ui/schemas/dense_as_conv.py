"""The dense-as-convolution (FCN) page's settings: the dense head, the larger input, the score-map cell shown."""
from __future__ import annotations

from dataclasses import dataclass

from ui.common.schema import Settings, flag, integer


@dataclass(frozen=True)
class FcnSettings(Settings):
    """Everything that defines what this page shows."""

    PAGE = "fcn"
    SAMPLE = {"channels": 2, "height": 2, "width": 4, "units": 3, "classes": 2, "big_height": 5, "big_width": 9,
              "stride": 2, "seed": 7, "step": 4, "predict": True}
    channels: int = integer(1, 1, 3)
    height: int = integer(3, 1, 6)  # the map the dense head was made for: C×H×W
    width: int = integer(3, 1, 6)
    units: int = integer(4, 1, 8)  # hidden dense units = filters of the H×W convolution
    classes: int = integer(3, 1, 5)  # scores = filters of the 1×1 convolution
    big_height: int = integer(6, 1, 16)  # the larger input
    big_width: int = integer(7, 1, 16)
    stride: int = integer(1, 1, 4)  # how far the H×W window moves (e.g. the pooling before the head)
    seed: int = integer(0, 0, 9999)
    step: int = integer(1, 1, 10_000, widget="slider")  # the score-map cell shown (1-based, row by row)
    predict: bool = flag(False)

    def limits(self) -> dict[str, tuple]:
        return {"big_height": (self.height, 16), "big_width": (self.width, 16)}
