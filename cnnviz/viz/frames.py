"""Animations as data: grids placed on a board and one frame per engine trace step, for any renderer.

An :class:`Animation` is what the browser player (ui/common/player.py) and the GIF renderer
(:mod:`cnnviz.viz.raster`) both draw; neither re-reads the engine. Positions are in cell units
(a renderer picks the pixels per cell). Counting for people is 1-based (``Frame.number``, "row 1");
the 0-based ``Frame.index`` is kept for hover only. No Plotly here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..locales import t
from ..trace import ConvStep, PoolStep, Trace, format_number
from ..transpose import Stamp, TransposeGeometry

GAP = 1.5  # cells between neighbouring grids
STEP_MS = 1000  # one step at speed 1; both the player and the GIF use step_ms(speed)
SPEEDS = (0.5, 1.0, 2.0, 4.0)
TITLE = 1.2  # cells above a grid for its title

Cell = tuple[int, int]


@dataclass(frozen=True)
class Grid:
    """One matrix on the board: ``values`` ``(H, W)`` (NaN: blank), its top-left ``(x, y)`` in cells.

    ``padding`` and ``unreached`` ``(H, W)`` bool mark padding cells and cells no window reaches;
    ``reveal`` ``(H, W)`` int, when given, is the 0-based frame from which a cell is shown (an output
    map filling in; cells never written hold ``len(frames)``).
    """

    title: str
    values: np.ndarray
    x: float
    y: float
    padding: np.ndarray
    unreached: np.ndarray
    reveal: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape


@dataclass(frozen=True)
class Frame:
    """One step of an animation.

    ``window``: ``(grid, cells)`` groups highlighted as the sliding window (padded coordinates);
    ``output``: ``(grid, row, col)`` the cell this step writes (for transposed stamps: the input pixel
    that stamps) — clicking it jumps here; ``winner``: max/min pooling's pick, ``(grid, row, col)``;
    ``products``: ``(grid, row, col, text)`` numbers drawn on window cells; ``updates``: ``(grid,
    values)`` that replace a grid's values in this frame only.
    """

    number: int  # 1-based, what people read: "Step 3"
    index: tuple[int, ...]  # 0-based engine index, for hover only
    window: tuple[tuple[int, tuple[Cell, ...]], ...]
    output: tuple[int, int, int]
    equation: str
    products: tuple[tuple[int, int, int, str], ...] = ()
    winner: tuple[int, int, int] | None = None
    updates: tuple[tuple[int, np.ndarray], ...] = ()


@dataclass(frozen=True, eq=False)  # one animation is one object: hashable by identity, so renderers can cache
class Animation:
    grids: tuple[Grid, ...]
    frames: tuple[Frame, ...]
    caption: str = ""  # one line under the board naming what it shows (e.g. the padding per side)
    lang: str = "en"  # the language of its words; renderers write theirs ("Step 3 of 16") in it too
    size: tuple[float, float] = field(init=False)  # (width, height) of the board in cells

    def __post_init__(self):
        width = max(g.x + g.shape[1] for g in self.grids)
        height = max(g.y + g.shape[0] for g in self.grids)
        object.__setattr__(self, "size", (width, height))

    def values_at(self, n: int, grid: int) -> np.ndarray:
        """Grid ``grid``'s values as frame ``n`` shows them (updates applied, unrevealed cells NaN)."""
        g = self.grids[grid]
        values = dict(self.frames[n].updates).get(grid, g.values)
        if g.reveal is not None:
            values = np.where(g.reveal <= n, values, np.nan)
        return values


def step_ms(speed: float) -> int:
    """Milliseconds per step at ``speed`` (× normal), rounded to the 10 ms a GIF delay can hold."""
    return max(20, int(round(STEP_MS / speed / 10)) * 10)


def _grid(title: str, values, x: float, padding=None, unreached=None, reveal=None, y: float = TITLE) -> Grid:
    values = np.asarray(values, dtype=float)
    none = np.zeros(values.shape, dtype=bool)
    return Grid(title, values, x, y, none if padding is None else np.asarray(padding, dtype=bool),
                none if unreached is None else unreached, reveal)


def _row(*grids: tuple) -> list[Grid]:
    """Grids side by side from the left, ``GAP`` cells apart: each item ``(title, values, **extra)``."""
    placed, x = [], 0.0
    for title, values, extra in grids:
        placed.append(_grid(title, values, x, **extra))
        x += np.shape(values)[1] + GAP
    return placed


def _unreached(trace: Trace) -> np.ndarray:
    """True on padded rows / columns after the last window (the floor's leftovers)."""
    hp, wp = trace.real.shape
    mask = np.zeros((hp, wp), dtype=bool)
    mask[list(trace.geometry.rows.unreached()), :] = True
    mask[:, list(trace.geometry.cols.unreached())] = True
    return mask


def _reveal(steps: Sequence, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Final output values and the 0-based frame that writes each cell."""
    final, order = np.full(shape, np.nan), np.full(shape, len(steps))
    for n, s in enumerate(steps):
        final[s.index], order[s.index] = s.value, n
    return final, order


def _window(step) -> tuple[Cell, ...]:
    return tuple((r, c) for r in step.rows for c in step.cols)


def padding_text(trace: Trace, lang: str = "en") -> str:
    """The padding actually added on each side, e.g. 'same' with a 2×2 kernel: top 0, bottom 1, …"""
    (top, bottom), (left, right) = trace.geometry.pads
    return t("player.padding", lang, top=top, bottom=bottom, left=left, right=right)


def convolution_animation(trace: Trace, flip: bool = False, lang: str = "en") -> Animation:
    """Input (padded), kernel and output of a 2-D ``conv2d_trace``; one frame per output cell."""
    steps: Sequence[ConvStep] = trace.steps
    final, order = _reveal(steps, trace.output.shape)
    kernel_title = t("player.kernel_flipped" if flip else "player.kernel", lang)
    grids = _row((t("player.input", lang), trace.padded, {"padding": ~trace.real, "unreached": _unreached(trace)}),
                 (kernel_title, steps[0].kernel, {}),
                 (t("player.output", lang), final, {"reveal": order}))
    frames = tuple(Frame(n + 1, s.index, ((0, _window(s)),), (2, *s.index), s.equation,
                         tuple((0, r, c, format_number(p)) for (r, c), p in zip(_window(s), s.products.ravel())))
                   for n, s in enumerate(steps))
    return Animation(tuple(grids), frames, padding_text(trace, lang), lang)


def pooling_animation(trace: Trace, lang: str = "en") -> Animation:
    """Input (padded, ceil-mode overhang included) and output of a 2-D ``pool2d_trace``; the winner of
    max / min pooling marked. Average pooling's padded zeros show (they count); max / min padding
    (±∞) and the ceil-mode overhang (never counted) show blank."""
    steps: Sequence[PoolStep] = trace.steps
    final, order = _reveal(steps, trace.output.shape)
    rows, cols = np.indices(trace.real.shape)
    counted = (rows < trace.geometry.rows.padded) & (cols < trace.geometry.cols.padded)
    shown = np.where(counted & np.isfinite(trace.padded), trace.padded, np.nan)
    grids = _row((t("player.input", lang), shown, {"padding": ~trace.real, "unreached": _unreached(trace)}),
                 (t("player.output", lang), final, {"reveal": order}))
    frames = tuple(Frame(n + 1, s.index, ((0, _window(s)),), (1, *s.index), s.equation,
                         winner=None if s.winner is None else (0, *s.winner))
                   for n, s in enumerate(steps))
    return Animation(tuple(grids), frames, padding_text(trace, lang), lang)


def _operand(text: str) -> str:
    return f"({text})" if text.startswith("−") else text


def volume_equation(step: ConvStep) -> str:
    """One output cell of a multi-channel convolution: the channel sums, the bias and the value,
    e.g. ``3 + (−1) + 4 + 0.5 = 6.5``."""
    terms = [_operand(format_number(s)) for s in step.channel_sums]
    if step.bias:
        terms.append(_operand(format_number(step.bias)))
    return f"{' + '.join(terms)} = {format_number(step.value)}"


def volume_animation(trace: Trace, channel_names: Sequence[str], lang: str = "en") -> Animation:
    """``conv2d_trace`` of ``(C, H, W)`` with ``(K, C, f, f)`` filters: per channel the input (window and
    products on it) above the current filter's slice for it, then the K output maps; one frame per
    output cell, filter by filter."""
    steps: Sequence[ConvStep] = trace.steps
    c_count, hp, wp = trace.padded.shape
    k_count, ho, wo = trace.output.shape
    fh, fw = steps[0].kernel.shape[-2:]
    final, order = _reveal(steps, trace.output.shape)
    pitch = max(wp, fw) + GAP
    grids = []
    for c, name in enumerate(channel_names):
        grids.append(_grid(t("player.volume_input", lang, channel=name), trace.padded[c], c * pitch,
                           padding=~trace.real, unreached=_unreached(trace)))
        grids.append(_grid(t("player.volume_kernel", lang, channel=name), steps[0].kernel[c], c * pitch,
                           y=TITLE + hp + TITLE))
    out_x = c_count * pitch + GAP
    for k in range(k_count):
        grids.append(_grid(t("player.volume_output", lang, k=k + 1), final[k], out_x,
                           reveal=order[k], y=TITLE + k * (ho + TITLE)))
    frames = []
    for n, s in enumerate(steps):
        k, i, j = s.index
        window = _window(s)
        products = tuple((2 * c, r, col, format_number(p)) for c in range(c_count)
                         for (r, col), p in zip(window, s.products[c].ravel()))
        frames.append(Frame(n + 1, s.index, tuple((2 * c, window) for c in range(c_count)),
                            (2 * c_count + k, i, j), volume_equation(s), products,
                            updates=tuple((2 * c + 1, s.kernel[c]) for c in range(c_count))))
    return Animation(tuple(grids), tuple(frames), padding_text(trace, lang), lang)


def stamp_equation(s: Stamp, lang: str = "en") -> str:
    """What one stamp does, 1-based: ``x[1, 2] = 3: adds 3 × kernel to rows 1–3, columns 2–4``."""
    return t("player.stamp", lang, i=s.index[0] + 1, j=s.index[1] + 1, v=format_number(s.value),
             r0=s.rows[0] + 1, r1=s.rows[-1] + 1, c0=s.cols[0] + 1, c1=s.cols[-1] + 1)


def transposed_animation(x, stamps: Sequence[Stamp], geometry: TransposeGeometry, lang: str = "en") -> Animation:
    """The scatter view of ``conv_transpose2d``: the input (the stamping pixel is the frame's output
    cell) and the uncropped output, where each frame shows the running sum, the stamped window and the
    stamp's values (value × kernel) on it; the border the padding crops away is marked as padding."""
    x = np.asarray(x, dtype=float)
    rows, cols = geometry.rows, geometry.cols
    cropped = np.ones((rows.full, cols.full), dtype=bool)
    cropped[rows.padding: rows.padding + rows.out, cols.padding: cols.padding + cols.out] = False
    touched = np.zeros((rows.full, cols.full), dtype=bool)
    grids = _row((t("player.input", lang), x, {}),
                 (t("player.canvas", lang, h=rows.full, w=cols.full), np.full(cropped.shape, np.nan),
                  {"padding": cropped}))
    frames = []
    for n, s in enumerate(stamps):
        touched[np.ix_(s.rows, s.cols)] = True
        window = tuple((r, c) for r in s.rows for c in s.cols)
        products = tuple((1, r, c, format_number(v)) for (r, c), v in zip(window, s.contribution.ravel()))
        frames.append(Frame(n + 1, s.index, ((1, window),), (0, *s.index), stamp_equation(s, lang), products,
                            updates=((1, np.where(touched, s.canvas, np.nan)),)))
    return Animation(tuple(grids), tuple(frames), t("player.cropped", lang, p_h=rows.padding, p_w=cols.padding), lang)
