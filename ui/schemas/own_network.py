"""The "Your own network" page's settings: the example it starts from and the input for code that states none.

The pasted or uploaded code itself is not a setting: it can be far longer than a link holds.
"""
from __future__ import annotations

from dataclasses import dataclass

from cnnviz.networks.code_examples import EXAMPLES
from ui.common.schema import Settings, choice, integer


@dataclass(frozen=True)
class OwnNetworkSettings(Settings):
    """Everything but the code that defines what this page shows."""

    PAGE = "own"
    SAMPLE = {"example": "torch_vgg_block", "channels": 3, "height": 64, "width": 48}
    example: str = choice("keras_lenet", EXAMPLES, widget="select")
    channels: int = integer(1, 1, 4096)  # used only when the code states no input shape (PyTorch)
    height: int = integer(28, 1, 4096)
    width: int = integer(28, 1, 4096)

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return self.channels, self.height, self.width
