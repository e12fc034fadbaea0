"""Quiz pictures: a question's numbers as grids, a guessed feature map against the true one (with the
difference as a heatmap), and the live poll's histogram of answers. Words come from the page."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import style
from .board import axis_name
from .geometry import Panel, cell_font, grid_trace, panel_layout, rect

RIGHT_COLOUR = style.OUTPUT_COLOUR
OTHER_COLOUR = "#9ecae1"
WRONG_COLOUR = "#d62728"


def grids_figure(grids: list[tuple[str, np.ndarray]], max_width_px: float = 620) -> dict:
    """Matrices side by side with their numbers, each ``(title, values (rows, cols))``."""
    layout, cell = panel_layout([Panel(title, *np.shape(v)) for title, v in grids], max_width_px=max_width_px)
    font = cell_font(cell)
    traces = [grid_trace(np.asarray(v, dtype=float), k, font, scale=style.value_scale(v))
              for k, (_, v) in enumerate(grids)]
    return {"data": traces, "layout": layout}


@dataclass(frozen=True)
class DifferenceLabels:
    guess: str = "Your guess"
    truth: str = "True feature map"
    difference: str = "Guess − true"


def difference_figure(guess, truth, tolerance: float = 0.0, labels: DifferenceLabels = DifferenceLabels()) -> dict:
    """Guess, truth and ``guess − truth`` (diverging, zero white); cells off by more than ``tolerance`` boxed red.

    ``guess`` and ``truth`` are ``(rows, cols)`` of the same shape.
    """
    guess, truth = np.asarray(guess, dtype=float), np.asarray(truth, dtype=float)
    if guess.shape != truth.shape:
        raise ValueError(f"guess {guess.shape} and truth {truth.shape} must have the same shape")
    diff = guess - truth  # (rows, cols)
    both = np.concatenate([guess.ravel(), truth.ravel()])
    shared = style.value_scale(both)  # guess and truth on one colour scale, so equal numbers look equal
    limit = max(float(np.abs(diff).max()), 1e-12)
    panels = [(labels.guess, guess), (labels.truth, truth), (labels.difference, diff)]
    layout, cell = panel_layout([Panel(title, *v.shape) for title, v in panels])
    font = cell_font(cell)
    traces = [grid_trace(guess, 0, font, scale=shared), grid_trace(truth, 1, font, scale=shared),
              grid_trace(diff, 2, font, scale={"colorscale": style.DIVERGING, "zmin": -limit, "zmax": limit})]
    off = np.argwhere(np.abs(diff) > tolerance + 1e-12)
    layout["shapes"] = [rect(r, c, r, c, k, WRONG_COLOUR, 3) for k in (0, 2) for r, c in off]
    return {"data": traces, "layout": layout}


@dataclass(frozen=True)
class HistogramLabels:
    answers: str = "Answers"
    count: str = "Students"


def histogram_figure(counts: dict[str, int], right: str | None = None,
                     labels: HistogramLabels = HistogramLabels()) -> dict:
    """One bar per distinct answer, most given first; after the reveal (``right`` set) the right one is green."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    names = [k for k, _ in items]
    colours = [RIGHT_COLOUR if right is not None and k == right else OTHER_COLOUR for k in names]
    top = max((v for _, v in items), default=1)
    bar = {"type": "bar", "x": names, "y": [v for _, v in items], "marker": {"color": colours},
           "text": [str(v) for _, v in items], "textposition": "outside", "cliponaxis": False,
           "hovertemplate": "%{x}: %{y}<extra></extra>", "xaxis": f"x{axis_name(0)}", "yaxis": f"y{axis_name(0)}"}
    layout = {"font": {**style.FONT, "size": 22}, "plot_bgcolor": "white", "paper_bgcolor": "white",
              "height": 420, "margin": {"l": 60, "r": 20, "t": 30, "b": 60}, "bargap": 0.25,
              "xaxis": {"title": {"text": labels.answers}, "type": "category", "fixedrange": True,
                        "tickfont": {"size": 26}},
              "yaxis": {"title": {"text": labels.count}, "range": [0, top * 1.2 + 0.5], "dtick": max(1, top // 5),
                        "fixedrange": True, "gridcolor": "#eeeeee"}}
    return {"data": [bar], "layout": layout}
