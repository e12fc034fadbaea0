"""The "Why convolutions?" page's settings: the layer the counts are about, and the small picture the views draw."""
from __future__ import annotations

from dataclasses import dataclass

from ui.common.schema import Settings, choice, flag, integer

VIEWS = ("sparsity", "translation")


@dataclass(frozen=True)
class WhySettings(Settings):
    """Everything that defines what this page shows."""

    PAGE = "why"
    SAMPLE = {"height": 28, "width": 20, "channels": 1, "filters": 4, "kernel": 3, "stride": 2, "padding": 1,
              "view": "translation", "demo_size": 10, "shift_rows": -2, "shift_cols": 3, "step": 5, "predict": True}
    height: int = integer(32, 1, 1024)
    width: int = integer(32, 1, 1024)
    channels: int = integer(3, 1, 2048)
    filters: int = integer(6, 1, 2048)
    kernel: int = integer(5, 1, 11)
    stride: int = integer(1, 1, 8)
    padding: int = integer(0, 0, 8)
    view: str = choice("sparsity", VIEWS, widget="segmented")
    demo_size: int = integer(8, 3, 12, widget="slider")  # side of the small picture the views draw
    shift_rows: int = integer(1, -4, 4, widget="slider")
    shift_cols: int = integer(2, -4, 4, widget="slider")
    step: int = integer(1, 1, 10_000, widget="slider")  # the output cell the sparsity view shows (1-based)
    predict: bool = flag(False)

    def limits(self) -> dict[str, tuple]:
        return {"demo_size": (max(3, self.kernel), 12)}
