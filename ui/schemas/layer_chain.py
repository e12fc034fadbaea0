"""The layer-chain calculator's settings: the example it started from, the input size and the layer table."""
from __future__ import annotations

from dataclasses import dataclass

from cnnviz.networks.chains import CHAIN_COLUMNS, CHAIN_EXAMPLES
from ui.common.schema import Settings, choice, flag, integer, text
from ui.common.table_codec import TableCodec

CHAIN_CODEC = TableCodec(CHAIN_COLUMNS)  # "conv,6,5,1,0;avgpool,,2,2,0;…"


def example_text(name: str) -> str:
    """The layer table of a chain example, as the ``layers`` setting holds it."""
    return CHAIN_CODEC.encode(CHAIN_EXAMPLES[name].rows)


@dataclass(frozen=True)
class ChainSettings(Settings):
    """Everything that defines what this page shows."""

    PAGE = "chain"
    SAMPLE = {"preset": "too_deep", "channels": 3, "height": 64, "width": 48,
              "layers": "conv,8,3,1,same;maxpool,,2,2,0;conv,16,5x3,2,1;avgpool,,3,1",
              "predict": True}
    preset: str = choice("lenet", tuple(CHAIN_EXAMPLES), widget="select")
    channels: int = integer(1, 1, 2048)
    height: int = integer(32, 1, 4096)
    width: int = integer(32, 1, 4096)
    layers: str = text(example_text("lenet"), check=CHAIN_CODEC.decode)
    predict: bool = flag(False)  # "Predict first": the table stays hidden until the parameter count is guessed

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return self.channels, self.height, self.width

    @property
    def rows(self) -> list[dict]:
        return CHAIN_CODEC.decode(self.layers)
