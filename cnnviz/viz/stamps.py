"""The scatter view of a transposed convolution, animated: each input pixel stamps value × kernel
onto the (uncropped) output, where overlapping stamps add up; then the padding is cropped away.

One client-side Plotly frame per input pixel, drawn from ``cnnviz.transpose.conv_transpose2d_stamps``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..trace import format_number
from ..transpose import Stamp, TransposeGeometry
from . import style
from .player import PlayerLabels, add_player
from .geometry import Panel, cell_font, grid_trace, panel_layout, rect

CROPPED_FILL = "rgba(120, 120, 120, 0.35)"
# frames × canvas cells, ≈ 22 bytes each: at most ≈ 0.46 MB of figure (an 8×8 input upsampled ×2 — 64 frames
# of 18×18 — still animates); beyond it the page steps through the stamps on the server
MAX_ANIMATED_CELLS = 21_000


@dataclass(frozen=True)
class StampLabels:
    """The figure's words, supplied by the page."""

    input: str = "Input"
    contribution: str = "value × kernel"
    canvas: str = "Before cropping"
    cropped: str = "cropped by padding"
    output: str = "the output"
    stamp: str = "this stamp"
    caption: str = "pixel (row {i}, column {j}) = {v}: adds {v} × kernel to rows {r0}–{r1}, columns {c0}–{c1}"
    play: str = "▶ Play"
    pause: str = "❚❚ Pause"
    step: str = "Pixel "


def can_animate(stamps: Sequence[Stamp]) -> bool:
    """Whether one frame per stamp keeps the figure small enough for a classroom network."""
    return len(stamps) * stamps[0].canvas.size <= MAX_ANIMATED_CELLS


def _texts(values: np.ndarray, shown: np.ndarray) -> list[list[str]]:
    return [[format_number(v) if s else "" for v, s in zip(vr, sr)] for vr, sr in zip(values, shown)]


def stamps_figure(x, stamps: Sequence[Stamp], geometry: TransposeGeometry,
                  labels: StampLabels = StampLabels(), animate: bool = True, start: int = 0) -> dict:
    """Input (current pixel outlined), its contribution value × kernel, and the running uncropped
    output with the cropped border shaded and the kept output outlined. ``x`` ``(H, W)``; ``stamps``
    in input order. With ``animate`` every stamp is a frame (check :func:`can_animate` first);
    otherwise only stamp ``start`` is drawn."""
    x = np.asarray(x, dtype=float)
    rows, cols = geometry.rows, geometry.cols
    hf, wf = rows.full, cols.full
    panels = [Panel(labels.input, *x.shape), Panel(labels.contribution, *stamps[0].contribution.shape),
              Panel(f"{labels.canvas} {hf}×{wf}", hf, wf)]
    p_r, p_c = rows.padding, cols.padding
    keys = [(style.WINDOW_COLOUR, labels.stamp), (style.OUTPUT_COLOUR, labels.output)]
    if p_r or p_c:
        keys.append(("#999", labels.cropped))
    layout, cell = panel_layout(panels, bottom_px=190, legend_items=keys)
    font = cell_font(cell)
    every = np.concatenate([np.ravel(s.canvas) for s in stamps] + [np.ravel(s.contribution) for s in stamps])
    scale = style.value_scale(every)
    data = [grid_trace(x, 0, font)]
    moving = len(data)  # the contribution and canvas traces change from frame to frame

    touched = np.zeros((len(stamps), hf, wf), dtype=bool)
    so_far = np.zeros((hf, wf), dtype=bool)
    for n, s in enumerate(stamps):
        so_far[np.ix_(s.rows, s.cols)] = True
        touched[n] = so_far

    # the border cropped away (padding) and the kept output, fixed in every frame
    fixed = []
    if p_r:
        fixed += [rect(0, 0, p_r - 1, wf - 1, 2, CROPPED_FILL, 0, CROPPED_FILL),
                  rect(p_r + rows.out, 0, hf - 1, wf - 1, 2, CROPPED_FILL, 0, CROPPED_FILL)]
    if p_c:
        fixed += [rect(p_r, 0, p_r + rows.out - 1, p_c - 1, 2, CROPPED_FILL, 0, CROPPED_FILL),
                  rect(p_r, p_c + cols.out, p_r + rows.out - 1, wf - 1, 2, CROPPED_FILL, 0, CROPPED_FILL)]
    fixed.append(rect(p_r, p_c, p_r + rows.out - 1, p_c + cols.out - 1, 2, style.OUTPUT_COLOUR, 4))
    titles = layout["annotations"]

    def state(n: int) -> tuple[list[dict], dict]:
        s = stamps[n]
        contribution = grid_trace(s.contribution, 1, font, scale=scale)
        canvas = grid_trace(np.where(touched[n], s.canvas, np.nan), 2, font, scale=scale,
                            text=_texts(s.canvas, touched[n]))
        i, j = s.index
        shapes = fixed + [rect(i, j, i, j, 0, style.WINDOW_COLOUR, 5),
                          rect(s.rows[0], s.cols[0], s.rows[-1], s.cols[-1], 2, style.WINDOW_COLOUR, 4)]
        if rows.dilation > 1 or cols.dilation > 1:
            shapes += [rect(r, c, r, c, 2, style.WINDOW_COLOUR, 2) for r in s.rows for c in s.cols]
        v = format_number(s.value)
        caption = {"text": labels.caption.format(i=i + 1, j=j + 1, v=v, r0=s.rows[0] + 1, r1=s.rows[-1] + 1,
                                                 c0=s.cols[0] + 1, c1=s.cols[-1] + 1),  # counted from 1
                   "x": 0.5, "y": 0, "xref": "paper", "yref": "paper", "yanchor": "top", "yshift": -14,
                   "showarrow": False, "font": {"size": 19}}
        return [contribution, canvas], {"shapes": shapes, "annotations": titles + [caption]}

    start = 0 if animate else min(max(start, 0), len(stamps) - 1)
    traces, frame_layout = state(start)
    data += traces
    layout.update(frame_layout)
    figure = {"data": data, "layout": layout}
    if not animate:
        return figure
    frames = []
    for n in range(len(stamps)):
        traces, frame_layout = state(n)
        frames.append({"name": str(n), "data": traces, "traces": [moving, moving + 1], "layout": frame_layout})
    figure["frames"] = frames
    add_player(layout, [f"{s.index[0] + 1},{s.index[1] + 1}" for s in stamps], 0,
               PlayerLabels(play=labels.play, pause=labels.pause, step=labels.step), durations=(1200, None),
               buttons_pad=56, slider_pad=100, slider_x=0.0)
    return figure
