"""Colours, fonts, colour scales and notation shared by every figure: readable on a projector."""
from __future__ import annotations

from typing import Sequence

import numpy as np

FONT = {"family": "Inter, 'Noto Sans KR', 'Segoe UI', sans-serif", "size": 16}
CELL_FONT = {"size": 15}
PADDING_COLOUR = "#e6e6e6"
WINDOW_COLOUR = "#ff7f0e"  # the sliding window
WINDOW_FILL = "rgba(255, 127, 14, 0.12)"
OUTPUT_COLOUR = "#2ca02c"  # the output cell being written
UNREACHED_COLOUR = "rgba(214, 39, 40, 0.25)"  # rows/columns the floor leaves out
WINNER_COLOUR = "#9467bd"  # max/min pooling's chosen pixel

DIVERGING = [[0.0, "#2166ac"], [0.25, "#92c5de"], [0.5, "#f7f7f7"], [0.75, "#f4a582"], [1.0, "#b2182b"]]
SEQUENTIAL = [[0.0, "#f7fbff"], [0.5, "#c6dbef"], [1.0, "#6baed6"]]


def value_scale(values) -> dict:
    """Heatmap colour settings: diverging and centred at zero when any value is negative."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if lo < 0:
        m = max(-lo, hi, 1e-12)
        return {"colorscale": DIVERGING, "zmin": -m, "zmax": m}
    return {"colorscale": SEQUENTIAL, "zmin": min(lo, 0.0), "zmax": hi if hi > min(lo, 0.0) else 1.0}


def shape_text(shape: Sequence[int]) -> str:
    """A layer output's shape in the course's notation: ``(6, 24, 24)`` → ``24×24×6``, ``(84,)`` → ``84``."""
    shape = tuple(int(s) for s in shape)
    if len(shape) == 3:
        c, h, w = shape
        return f"{h}×{w}×{c}"
    return "×".join(str(s) for s in shape)
