"""The architectures page's settings: the network, its input size, the view, and the edited layer table."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from cnnviz.networks import PRESETS, summarize
from cnnviz.networks.table import is_chain, table_from_network
from ui.common.schema import Settings, choice, flag, integer, text
from ui.common.table_codec import TableCodec

EDIT_COLUMNS = ("type", "out", "kernel", "stride", "padding", "dilation", "groups", "activation")
ARCH_CODEC = TableCodec(EDIT_COLUMNS)  # "conv,8,5,1,0,1,1,relu;maxpool,,2,2,0;…"
CHAINS = tuple(name for name, p in PRESETS.items() if is_chain(p.network))  # editable as a table
VIEWS = ("top", "blocks", "all")
COMPARISONS = ("dense", "stacked", "bottleneck", "grouping")  # the design-comparison tabs


@functools.lru_cache(maxsize=64)
def preset_summary(preset: str, shape: tuple[int, int, int]):
    """The preset's summary for this input, the same frozen object for every session and rerun (a module-level
    cache: looking it up costs ~1 µs, an ``st.cache_resource`` hit ~0.1–0.3 ms of key hashing)."""
    return summarize(preset, shape, strict=False)


@functools.cache
def view_options(preset: str) -> tuple[str, ...]:
    """The views that differ for this network: a plain chain has only its layers."""
    depth = preset_summary(preset, PRESETS[preset].input_shape).max_depth
    return ("all",) if depth == 1 else ("top", "all") if depth == 2 else VIEWS


@functools.cache
def preset_text(preset: str) -> str:
    """A chain preset's layers as the ``layers`` setting holds an edited table."""
    return ARCH_CODEC.encode(table_from_network(PRESETS[preset].network))


@dataclass(frozen=True)
class ArchSettings(Settings):
    """Everything that defines what this page shows. ``layers`` is '' while the preset is unedited."""

    PAGE = "arch"
    SAMPLE = {"preset": "vgg16", "channels": 1, "height": 64, "width": 48, "view": "top", "edit": True,
              "layers": "conv,16,3,1,1,,,relu;maxpool,,2,2,0;conv,32,3,1,same,2,,relu;flatten;dense,10",
              "compare": "bottleneck", "predict": True}
    preset: str = choice("course_example", tuple(PRESETS), widget="select")
    channels: int = integer(3, 1, 4096)
    height: int = integer(32, 1, 4096)
    width: int = integer(32, 1, 4096)
    view: str = choice("all", VIEWS, widget="segmented")
    edit: bool = flag(False)
    layers: str = text("", check=ARCH_CODEC.decode)
    compare: str = choice("dense", COMPARISONS)  # the comparison tab shown
    predict: bool = flag(False)  # "Predict first": totals and tables stay hidden until the parameter count is guessed

    def limits(self) -> dict[str, tuple]:
        return {"view": view_options(self.preset)}

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return self.channels, self.height, self.width

    @property
    def editing(self) -> bool:
        return self.edit and self.preset in CHAINS

    @property
    def rows(self) -> list[dict]:
        """The table being edited: the edited layers, else the preset's own."""
        return ARCH_CODEC.decode(self.layers or preset_text(self.preset))
