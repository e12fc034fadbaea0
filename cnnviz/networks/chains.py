"""The layer-chain calculator's examples: the convolution and pooling layers of classic networks, as table rows.

A chain row is ``{"type", "out", "kernel", "stride", "padding"}`` (``type`` conv / maxpool / avgpool), the
rows ``cnnviz.networks.table.summarize_table`` reads. The LeNet, AlexNet and VGG chains are cut from their
``PRESETS`` (one definition of each network): the conv and pooling layers before the first flatten.
"""
from __future__ import annotations

from dataclasses import dataclass

from .presets import PRESETS
from .table import table_from_network

CHAIN_COLUMNS = ("type", "out", "kernel", "stride", "padding")
CHAIN_TYPES = ("conv", "maxpool", "avgpool")


@dataclass(frozen=True)
class ChainExample:
    input_shape: tuple[int, int, int]  # (C, H, W)
    rows: tuple[dict, ...]


def spatial_rows(network) -> tuple[dict, ...]:
    """The conv and pooling rows of a chain network before its first flatten; cells as text, as typed."""
    rows = []
    for row in table_from_network(network):
        if row["type"] == "flatten":
            break
        if row["type"] in CHAIN_TYPES:
            rows.append({k: row[k] if k in ("type", "out") or row[k] is None else str(row[k]) for k in CHAIN_COLUMNS})
    return tuple(rows)


def _from_preset(name: str) -> ChainExample:
    preset = PRESETS[name]
    return ChainExample(preset.input_shape, spatial_rows(preset.network))


def _too_deep() -> ChainExample:
    """28 → 24 → 12 → 8 → 4, then a 5×5 kernel has no room: the course's "the map runs out of pixels"."""
    conv = {"type": "conv", "kernel": "5", "stride": "1", "padding": "0"}
    pool = {"type": "maxpool", "out": None, "kernel": "2", "stride": "2", "padding": "0"}
    return ChainExample((1, 28, 28), tuple(row for out in (8, 16, 32) for row in ({**conv, "out": out}, pool)))


CHAIN_EXAMPLES: dict[str, ChainExample] = {
    "lenet": _from_preset("lenet5"),
    "alexnet": _from_preset("alexnet2012"),
    "vgg": _from_preset("vgg16"),
    "too_deep": _too_deep(),
}
