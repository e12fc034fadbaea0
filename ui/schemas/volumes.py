"""The volumes page's settings: the input volume and its filters, the step shown, one layer's activation, and
the 1×1 bottleneck's numbers."""
from __future__ import annotations

from dataclasses import dataclass, replace

from cnnviz.activations import ACTIVATIONS
from ui.common.schema import Settings, choice, flag, integer, number

BOTTLENECK_KERNELS = ("1", "3", "5", "7")  # odd, so that 'same' padding keeps the map size
VOLUME = ("source", "size", "channels", "filters", "kernel", "stride", "padding", "seed")  # what the volume needs


@dataclass(frozen=True)
class VolumeSettings(Settings):
    """Everything that defines what this page shows."""

    PAGE = "volumes"
    SAMPLE = {"source": "picture", "size": 6, "channels": 2, "filters": 3, "kernel": 2, "seed": 7, "padding": 0,
              "stride": 1, "step": 5, "activation": "leaky_relu", "slope": 0.2, "bn_in": 192, "bn_reduced": 16,
              "bn_out": 32, "bn_kernel": "5", "bn_size": 14, "bn_bias": True,
              "predict": True}
    source: str = choice("random", ("random", "picture"))
    size: int = integer(5, 3, 10, widget="slider")
    channels: int = integer(3, 1, 4, widget="slider")
    filters: int = integer(2, 1, 4, widget="slider")
    kernel: int = integer(3, 1, 5, widget="slider")
    seed: int = integer(0, 0, 9999)
    padding: int = integer(1, 0, 3, widget="slider")
    stride: int = integer(2, 1, 3, widget="slider")
    step: int = integer(1, 1, 10_000, widget="slider")  # the output cell the player shows (1-based)
    predict: bool = flag(False)  # "Predict first": the layer's numbers stay hidden until its parameters are guessed
    activation: str = choice("relu", ACTIVATIONS)
    slope: float = number(0.01, 0.0, 0.5, step=0.01, widget="slider")
    bn_in: int = integer(128, 1, 4096)
    bn_reduced: int = integer(32, 1, 4096)
    bn_out: int = integer(128, 1, 4096)
    bn_kernel: str = choice("3", BOTTLENECK_KERNELS, widget="radio")
    bn_size: int = integer(28, 1, 512)
    bn_bias: bool = flag(False, widget="checkbox")

    @property
    def input_channels(self) -> int:
        """A colour picture always has 3 channels."""
        return 3 if self.source == "picture" else self.channels

    def volume_part(self) -> "VolumeSettings":
        """Only what the input volume and its filters depend on (the rest at defaults): a cache key."""
        return replace(self.build({}), **{name: getattr(self, name) for name in VOLUME})
