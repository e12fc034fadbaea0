"""A board of small matrices (heatmaps with their numbers), laid out in cell units.

Volume and pooling figures place several matrices on one figure; counting positions in cells keeps
every cell the same size on screen, whatever the matrix. Everything returns plain Plotly dicts.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from ..trace import format_number
from . import style

TEXT_COLOUR = "#1f2328"  # titles and captions: near-black, for projectors
HOVER = "row %{y}, column %{x}<br>%{text}<extra></extra>"


def axis_name(n: int) -> str:
    """Plotly's suffix for the ``n``-th pair of axes (0-based): ``""``, ``"2"``, ``"3"``, …"""
    return "" if n == 0 else str(n + 1)


@dataclass(frozen=True)
class Slot:
    """Where one matrix sits on the board: top-left corner ``(x, y)`` and size, in cells."""

    x: float
    y: float
    rows: int
    cols: int


@dataclass(frozen=True)
class Board:
    """Matrices placed in cell units; slot ``n`` draws on axes ``x{n+1}`` / ``y{n+1}``."""

    slots: tuple[Slot, ...]
    cell_px: float
    top_px: int = 10
    bottom_px: int = 10

    @classmethod
    def fit(cls, slots, max_width_px: float = 820, max_height_px: float = 700, max_cell_px: float = 52,
            top_px: int = 10, bottom_px: int = 10) -> "Board":
        """Cells as large as fit in ``max_width_px`` × ``max_height_px`` (and at most ``max_cell_px``)."""
        slots = tuple(slots)
        width, height = max(s.x + s.cols for s in slots), max(s.y + s.rows for s in slots)
        return cls(slots, min(max_cell_px, max_width_px / width, max_height_px / height), top_px, bottom_px)

    @functools.cached_property  # read by every title, text and line placed on the board
    def width(self) -> float:
        return max(s.x + s.cols for s in self.slots)

    @functools.cached_property
    def height(self) -> float:
        return max(s.y + s.rows for s in self.slots)

    axis = staticmethod(axis_name)

    def layout(self) -> dict:
        """Figure size, margins and one hidden pair of axes per slot, with square cells."""
        w, h = self.width, self.height
        layout = {"font": style.FONT, "plot_bgcolor": "white", "paper_bgcolor": "white", "showlegend": False,
                  "width": int(round(w * self.cell_px)) + 20,
                  "height": int(round(h * self.cell_px)) + self.top_px + self.bottom_px,
                  "margin": {"l": 10, "r": 10, "t": self.top_px, "b": self.bottom_px}}
        for n, s in enumerate(self.slots):
            a = self.axis(n)
            layout[f"xaxis{a}"] = {"domain": [s.x / w, (s.x + s.cols) / w], "range": [-0.5, s.cols - 0.5],
                                   "visible": False, "fixedrange": True, "anchor": f"y{a}"}
            layout[f"yaxis{a}"] = {"domain": [1 - (s.y + s.rows) / h, 1 - s.y / h], "range": [s.rows - 0.5, -0.5],
                                   "visible": False, "fixedrange": True, "anchor": f"x{a}",
                                   "scaleanchor": f"x{a}", "constrain": "domain"}
        return layout

    def line(self, x0: float, y0: float, x1: float, y1: float, colour: str = "#999", width: float = 2,
             dash: str = "solid") -> dict:
        """A straight line between two board positions (cells from the top-left)."""
        return {"type": "line", "xref": "paper", "yref": "paper", "x0": x0 / self.width, "y0": 1 - y0 / self.height,
                "x1": x1 / self.width, "y1": 1 - y1 / self.height, "line": {"color": colour, "width": width,
                                                                             "dash": dash}}

    def text(self, x: float, y: float, text: str, size: int = 17, **extra) -> dict:
        """An annotation at board position ``(x, y)`` (cells from the top-left)."""
        return {"text": text, "x": x / self.width, "y": 1 - y / self.height, "xref": "paper", "yref": "paper",
                "xanchor": "center", "showarrow": False, "font": {"size": size, "color": TEXT_COLOUR}, **extra}

    def below(self, px: float, text: str, size: int = 18) -> dict:
        """A centred line of text ``px`` pixels under the board."""
        return {"text": text, "x": 0.5, "y": -px / (self.height * self.cell_px), "xref": "paper", "yref": "paper",
                "xanchor": "center", "yanchor": "top", "showarrow": False, "font": {"size": size, "color": TEXT_COLOUR}}

    def title(self, n: int, text: str, size: int = 17) -> dict:
        """A title just above slot ``n``."""
        s = self.slots[n]
        note = self.text(s.x + s.cols / 2, s.y - 0.08, text, size, yanchor="bottom")
        note["font"]["color"] = TEXT_COLOUR
        return note


# Every figure writes the same few numbers again and again (inputs 0..9, weights −1..1): remembered, ~3× faster
_written = functools.lru_cache(maxsize=4096)(format_number)


def cell_texts(values: np.ndarray, digits: int = 4) -> list[list[str]]:
    """Numbers as people write them (at most ``digits`` decimals); blank for NaN (not written yet) and ±∞."""
    rows = np.asarray(values, dtype=float).tolist()  # Python floats: math is ~10× faster than numpy per scalar
    return [[_written(v, digits) if math.isfinite(v) else "" for v in row] for row in rows]


def fitted_font(texts, cell_px: float, largest: int = 16) -> dict:
    """A cell font as large as lets the longest of ``texts`` (rows of strings) fit a ``cell_px`` cell."""
    longest = max((len(t) for row in texts for t in row), default=1)
    return {**style.CELL_FONT, "size": int(max(9, min(largest, (cell_px - 3) / (0.56 * longest + 0.2))))}


def heatmap(values, axis: str, *, scale: dict | None = None, text=None, textfont: dict | None = None,
            hover: str = HOVER, cell_px: float | None = None) -> dict:
    """One matrix as a heatmap trace with its numbers; NaN cells stay blank.

    With ``cell_px`` the numbers shrink, if needed, to fit their cells.
    """
    v = np.asarray(values, dtype=float)
    z = [[(int(c) if c == int(c) and abs(c) < 2**53 else c) if math.isfinite(c) else None for c in row]
         for row in v.tolist()]  # 2, not 2.0; past 2**53 a float (JSON has no 64-bit-plus integers: a 1e19 kernel)
    text = cell_texts(v) if text is None else text
    if textfont is None:
        textfont = fitted_font(text, cell_px) if cell_px else style.CELL_FONT
    return {"type": "heatmap", "z": z, "text": text, "texttemplate": "%{text}", "textfont": textfont,
            "xgap": 2, "ygap": 2, "showscale": False, "hovertemplate": hover, **(scale or style.value_scale(v)),
            "xaxis": f"x{axis}", "yaxis": f"y{axis}"}


def box(r0: int, c0: int, r1: int, c1: int, axis: str, colour: str, width: float = 4,
        fill: str | None = None, dash: str = "solid") -> dict:
    """A rectangle around cells ``r0..r1`` × ``c0..c1`` (inclusive) of slot ``axis``."""
    return {"type": "rect", "xref": f"x{axis}", "yref": f"y{axis}", "x0": c0 - 0.5, "x1": c1 + 0.5,
            "y0": r0 - 0.5, "y1": r1 + 0.5, "line": {"color": colour, "width": width, "dash": dash},
            "fillcolor": fill or "rgba(0,0,0,0)", "layer": "above"}


def channel_scale(values, colour: str) -> dict:
    """A white → ``colour`` scale for non-negative values (one input channel)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    hi = float(v.max()) if v.size else 1.0
    return {"colorscale": [[0.0, "#ffffff"], [1.0, colour]], "zmin": min(0.0, float(v.min()) if v.size else 0.0),
            "zmax": hi if hi > 0 else 1.0}


def html_grid(values: np.ndarray) -> str:
    """A small matrix ``(h, w)`` as an HTML table of formatted numbers (far cheaper to send than a data table)."""
    rows = "".join("<tr>" + "".join(f"<td>{format_number(v)}</td>" for v in row) + "</tr>" for row in values)
    return f"<table class='cnnviz-grid'>{rows}</table>"
