"""The MLP-vs-CNN page's settings: one budget (data, epochs, batch, seed) that both networks train with."""
from __future__ import annotations

from dataclasses import dataclass

from ui.common.schema import Settings, choice, integer
from ui.schemas.training import BATCH_SIZES

NETWORKS = ("mlp", "lenet5_mnist")  # the fully connected network and the course's LeNet, in chart order


@dataclass(frozen=True)
class CompareSettings(Settings):
    """The shared budget; the optimizer and learning rate are ``cnnviz.nn.train``'s defaults for both."""

    PAGE = "compare"
    SAMPLE = {"source": "full", "epochs": 2, "seed": 11, "batch_size": "128"}
    source: str = choice("bundled", ("bundled", "full"))
    epochs: int = integer(3, 1, 10)
    seed: int = integer(0, 0, 9999)
    batch_size: str = choice("64", BATCH_SIZES, widget="segmented")
