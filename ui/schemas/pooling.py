"""The pooling page's settings: everything that defines what it shows, and the rules of each."""
from __future__ import annotations

from dataclasses import dataclass

from cnnviz.course import POOL_EXAMPLES
from ui.common.schema import Settings, choice, flag, integer


@dataclass(frozen=True)
class PoolSettings(Settings):
    """Everything that defines what this page shows."""

    PAGE = "pool"
    SAMPLE = {"example": "random", "height": 7, "width": 5, "seed": 4, "mode": "avg", "size": 3, "stride": 1,
              "padding": 1, "ceil": True, "channels": 2, "step": 5,
              "predict": True}
    example: str = choice("dlai_4x4", (*POOL_EXAMPLES, "random"), widget="select")
    height: int = integer(6, 2, 16)  # random input only
    width: int = integer(6, 2, 16)
    seed: int = integer(0, 0, 9999)
    mode: str = choice("max", ("max", "avg", "min"), widget="segmented")
    size: int = integer(2, 1, 5, widget="slider")
    stride: int = integer(2, 1, 5, widget="slider")
    padding: int = integer(0, 0, 2, widget="slider")
    ceil: bool = flag(False)
    channels: int = integer(3, 1, 4, widget="slider")
    step: int = integer(1, 1, 10_000, widget="slider")  # the output cell the player shows (1-based)
    predict: bool = flag(False)  # "Predict first": the output stays hidden until the student has guessed

    @property
    def input_shape(self) -> tuple[int, int]:
        if self.example == "random":
            return self.height, self.width
        return POOL_EXAMPLES[self.example].x.shape

    def limits(self) -> dict[str, tuple]:
        """Only settings that can work: the window fits the padded input (f ≤ n + 2p) and the padding is at most
        half the window (p ≤ f // 2), PyTorch's rule that keeps a real pixel in every window."""
        return {"size": (1, min(self.input_shape) + 2 * self.padding), "padding": (0, self.size // 2)}
