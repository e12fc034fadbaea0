"""The sliding-window animation: a window moves over the padded input, output cells fill in.

Built as a plain Plotly figure dict with one frame per step, so it plays in the browser without a
server round trip. Draws only what the engine's step records (``ConvStep`` / ``PoolStep``) say.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import style
from .board import box, cell_texts
from .player import PlayerLabels, add_player

MAX_FRAMES = 225  # 15×15 outputs; larger grids use a server-side step slider instead of frames
TERMS_PER_LINE = 9


@dataclass(frozen=True)
class SlideLabels:
    """The figure's words, supplied by the page (so they can be translated)."""

    input: str = "Input (grey: padding)"
    kernel: str = "Kernel"
    output: str = "Output"
    play: str = "▶ Play"
    fast: str = "▶▶ Fast"
    pause: str = "❚❚ Pause"
    step: str = "Step "


def _z(values: np.ndarray) -> list[list]:
    return [[float(v) if np.isfinite(v) else None for v in row] for row in values]


def wrap_equation(equation: str) -> str:
    """Break a long ``a·b + c·d + … = v`` into lines of a few terms each (``<br>``)."""
    terms = equation.split(" + ")
    lines = [" + ".join(terms[i:i + TERMS_PER_LINE]) for i in range(0, len(terms), TERMS_PER_LINE)]
    return " +<br>".join(lines)


def slide_figure(padded: np.ndarray, real: np.ndarray, out_shape: tuple[int, int], steps: Sequence,
                 kernel: np.ndarray | None = None, unreached: tuple[Sequence[int], Sequence[int]] = ((), ()),
                 labels: SlideLabels = SlideLabels(), start: int = 0, animate: bool = True) -> dict:
    """The figure for the steps of one output map.

    ``padded`` ``(Hp, Wp)``: input with its padding; ``real`` ``(Hp, Wp)`` bool: True on real input
    pixels; ``steps``: records with ``index`` (…, i, j), ``rows``, ``cols`` (padded coordinates),
    ``value``, ``equation`` and optionally ``winner``; ``unreached``: padded rows and columns that
    no window reaches. With ``animate`` (and at most ``MAX_FRAMES`` steps) every step is a frame;
    otherwise the figure shows step ``start`` only.
    """
    padded, real = np.asarray(padded, dtype=float), np.asarray(real, dtype=bool)
    hp, wp = padded.shape
    ho, wo = out_shape
    kh, kw = (0, 0) if kernel is None else np.shape(kernel)
    panels = [("", wp), ("2", kw), ("3", wo)] if kernel is not None else [("", wp), ("3", wo)]
    rows_max = max(hp, kh, ho)
    gap = 1.5
    total = sum(w for _, w in panels) + gap * (len(panels) - 1)

    layout: dict = {"font": style.FONT, "margin": {"l": 10, "r": 10, "t": 50, "b": 150},
                    "plot_bgcolor": "white", "paper_bgcolor": "white", "showlegend": False,
                    "height": int(min(max(62 * rows_max, 280), 760) + 230)}
    left = 0.0
    titles = []
    for axis, width in panels:
        right = left + width / total
        layout[f"xaxis{axis}"] = {"domain": [left, right], "range": [-0.5, width - 0.5], "visible": False,
                                  "fixedrange": True}
        layout[f"yaxis{axis}"] = {"range": [rows_max - 0.5, -0.5], "visible": False, "fixedrange": True,
                                  "scaleanchor": f"x{axis}", "constrain": "domain", "anchor": f"x{axis}"}
        name = {"": labels.input, "2": labels.kernel, "3": labels.output}[axis]
        titles.append({"text": f"<b>{name}</b>", "x": (left + right) / 2, "y": 1.0, "xref": "paper",
                       "yref": "paper", "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                       "font": {"size": 18, "color": "#222"}})
        left = right + gap / total

    hover = "row %{y}, column %{x}<br>%{text}<extra></extra>"
    inputs = np.where(real, padded, np.nan)
    data = [
        {"type": "heatmap", "z": _z(inputs), "text": cell_texts(inputs), "texttemplate": "%{text}",
         "textfont": style.CELL_FONT, "xgap": 2, "ygap": 2, "showscale": False, "hovertemplate": hover,
         **style.value_scale(inputs), "xaxis": "x", "yaxis": "y"},
        {"type": "heatmap", "z": _z(np.where(real, np.nan, 0.0)), "text": cell_texts(np.where(real, np.nan, padded)),
         "texttemplate": "%{text}", "textfont": {**style.CELL_FONT, "color": "#777"}, "xgap": 2, "ygap": 2,
         "showscale": False, "colorscale": [[0, style.PADDING_COLOUR], [1, style.PADDING_COLOUR]],
         "hovertemplate": "padding<extra></extra>", "xaxis": "x", "yaxis": "y"},
        {"type": "heatmap", "z": [[0] * wo] * ho, "showscale": False, "xgap": 2, "ygap": 2,
         "colorscale": [[0, "#f2f2f2"], [1, "#f2f2f2"]], "hoverinfo": "skip", "xaxis": "x3", "yaxis": "y3"},
    ]
    if kernel is not None:
        k = np.asarray(kernel, dtype=float)
        data.append({"type": "heatmap", "z": _z(k), "text": cell_texts(k), "texttemplate": "%{text}",
                     "textfont": style.CELL_FONT, "xgap": 2, "ygap": 2, "showscale": False,
                     "hovertemplate": hover, **style.value_scale(k), "xaxis": "x2", "yaxis": "y2"})
    output_trace = len(data)
    final = np.full((ho, wo), np.nan)
    order = np.full((ho, wo), len(steps))  # which step writes each output cell
    for n, s in enumerate(steps):
        final[s.index[-2], s.index[-1]] = s.value
        order[s.index[-2], s.index[-1]] = n
    out_scale = style.value_scale(final)
    final_z = np.array(_z(final), dtype=object)
    final_text = np.array(cell_texts(final), dtype=object)

    static_shapes = [box(0, c, hp - 1, c, "", style.UNREACHED_COLOUR, 0, style.UNREACHED_COLOUR) for c in unreached[1]]
    static_shapes += [box(r, 0, r, wp - 1, "", style.UNREACHED_COLOUR, 0, style.UNREACHED_COLOUR) for r in unreached[0]]

    def state(k: int) -> tuple[dict, dict]:
        written = order <= k
        step = steps[k]
        trace = {"type": "heatmap", "z": np.where(written, final_z, None).tolist(),
                 "text": np.where(written, final_text, "").tolist(), "texttemplate": "%{text}",
                 "textfont": style.CELL_FONT, "xgap": 2, "ygap": 2, "showscale": False,
                 "hovertemplate": hover, **out_scale, "xaxis": "x3", "yaxis": "y3"}
        shapes = list(static_shapes)
        dilated = np.any(np.diff(step.rows) > 1) or np.any(np.diff(step.cols) > 1)  # taps with gaps between
        if dilated:
            shapes += [box(r, c, r, c, "", style.WINDOW_COLOUR, 3) for r in step.rows for c in step.cols]
        shapes.append(box(step.rows[0], step.cols[0], step.rows[-1], step.cols[-1], "", style.WINDOW_COLOUR,
                          2 if dilated else 4, style.WINDOW_FILL, dash="dot" if dilated else "solid"))
        winner = getattr(step, "winner", None)
        if winner is not None:
            shapes.append(box(winner[0], winner[1], winner[0], winner[1], "", style.WINNER_COLOUR, 5))
        i, j = step.index[-2], step.index[-1]
        shapes.append(box(i, j, i, j, "3", style.OUTPUT_COLOUR, 4))
        caption = {"text": wrap_equation(step.equation), "x": 0.5, "y": -0.04, "xref": "paper", "yref": "paper",
                   "yanchor": "top", "showarrow": False, "font": {"size": 20, "color": "#111"}, "align": "center"}
        return trace, {"shapes": shapes, "annotations": titles + [caption]}

    start = min(max(start, 0), len(steps) - 1)
    trace, frame_layout = state(start)
    data.append(trace)
    layout.update(frame_layout)
    figure = {"data": data, "layout": layout}
    if not animate or len(steps) > MAX_FRAMES:
        return figure

    frames = []
    for k in range(len(steps)):
        trace, frame_layout = state(k)
        frames.append({"name": str(k), "data": [trace], "traces": [output_trace], "layout": frame_layout})
    figure["frames"] = frames

    add_player(layout, [str(k + 1) for k in range(len(steps))], start,
               PlayerLabels(labels.play, labels.fast, labels.pause, labels.step), buttons_pad=70, slider_pad=60)
    return figure
