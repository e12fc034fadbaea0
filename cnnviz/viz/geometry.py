"""Geometry pictures: the padded grid with padding and never-reached rows/columns, the coverage
heatmap, 'same' padding with an even kernel, and the stretched input of a transposed convolution.

Figures are plain Plotly dicts drawn from engine results (``Geometry2D``, ``coverage``,
``DirectConvolution``); the words come from the page through the ``*Labels`` dataclasses.
"""
from __future__ import annotations

from dataclasses import dataclass

import unicodedata

import numpy as np

from ..shapes import Geometry2D
from ..trace import format_number
from ..transpose import IMPLICIT_PADDING, INPUT, INSERTED_ZERO, OUTPUT_PADDING, DirectConvolution
from . import style
from .board import HOVER, TEXT_COLOUR, axis_name, box, heatmap

INPUT_COLOUR = "#cfe3f5"
EXTRA_COLOUR = "#fdd0a2"  # the odd padding row/column of 'same'
INSERTED_COLOUR = "#fff3b0"  # zeros inserted between input pixels (transposed convolution)
OUTPUT_PADDING_COLOUR = "#dadaf0"
NEVER_USED_COLOUR = "#f6c9c9"  # the unreached tint of style.UNREACHED_COLOUR on white, opaque
TITLE_SIZE = 18
TITLE_CHAR_PX = 11  # roughly, for bold Latin titles at TITLE_SIZE
WIDE_CHAR_PX = 19  # Hangul and other wide (East Asian) characters at TITLE_SIZE
TITLE_LINE_PX = 24
LEGEND_SIZE = 16
LEGEND_LINE_PX = 21


@dataclass(frozen=True)
class Panel:
    """One grid of a figure: its title and size in cells."""

    title: str
    rows: int
    cols: int


def _text_px(text: str) -> float:
    """The rough width of a bold title text at TITLE_SIZE."""
    return sum(WIDE_CHAR_PX if unicodedata.east_asian_width(ch) in "WF" else TITLE_CHAR_PX for ch in text)


def _wrap(title: str, width_px: float) -> list[str]:
    """Break a title into lines of at most ``width_px`` (at least one word per line)."""
    lines: list[str] = []
    for word in title.split():
        if lines and _text_px(f"{lines[-1]} {word}") <= width_px + 0.5:  # + 0.5: float slack of the fit
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _two_lines_px(title: str) -> float:
    """The narrowest width at which ``title`` wraps onto at most two lines."""
    words = title.split() or [""]
    return min(max(_text_px(" ".join(words[:k])), _text_px(" ".join(words[k:]))) for k in range(1, len(words) + 1))


def panel_layout(panels: list[Panel], gap: float = 1.5, max_cell_px: float = 60, max_width_px: float = 620,
                 bottom_px: int = 20, legend_items=(), legend_rows: int = 1) -> tuple[dict, float]:
    """Side-by-side grids with square cells; grid ``k`` draws on axes ``x{k+1}``/``y{k+1}``.

    Returns the layout and the cell size in pixels (as large as fits in ``max_width_px``). Titles
    wrap to their grid's width, centred over it, onto two lines at most (a grid narrower than that gets a
    wider slot); the
    ``legend_items`` ``(colour, word)`` go above the titles, in ``legend_rows`` lines.
    """
    rows_max = max(p.rows for p in panels)
    words = [_two_lines_px(p.title) + 10 for p in panels]
    cell = max_cell_px
    for _ in range(40):  # word-wide slots depend on the cell size and it on them: settle to the fixed point
        slots = [max(p.cols, w / cell) for p, w in zip(panels, words)]
        cell = min(max_cell_px, max_width_px / (sum(slots) + gap * (len(panels) - 1)))
    slots = [max(p.cols, w / cell) for p, w in zip(panels, words)]
    total = sum(slots) + gap * (len(panels) - 1)
    titles = [_wrap(p.title, slot * cell - 10) for p, slot in zip(panels, slots)]
    title_px = max(len(t) for t in titles) * TITLE_LINE_PX + 8
    legend_px = (legend_rows * LEGEND_LINE_PX + 8) if legend_items else 0
    top_px = title_px + legend_px + 6
    layout: dict = {"font": style.FONT, "plot_bgcolor": "white", "paper_bgcolor": "white", "showlegend": False,
                    "width": int(total * cell) + 40, "height": int(rows_max * cell) + top_px + bottom_px,
                    "margin": {"l": 20, "r": 20, "t": top_px, "b": bottom_px}, "annotations": [], "shapes": []}
    left = 0.0
    for k, (p, slot, lines) in enumerate(zip(panels, slots, titles)):
        a = axis_name(k)
        right = left + slot / total
        extra = (slot - p.cols) / 2
        layout[f"xaxis{a}"] = {"domain": [left, right], "range": [-0.5 - extra, p.cols - 0.5 + extra],
                               "visible": False, "fixedrange": True, "anchor": f"y{a}"}
        layout[f"yaxis{a}"] = {"domain": [1 - p.rows / rows_max, 1], "range": [p.rows - 0.5, -0.5], "visible": False,
                               "fixedrange": True, "anchor": f"x{a}"}
        layout["annotations"].append({"text": "<br>".join(f"<b>{line}</b>" for line in lines), "x": (left + right) / 2,
                                      "y": 1, "xref": "paper", "yref": "paper", "xanchor": "center",
                                      "yanchor": "bottom", "yshift": 4,
                                      "showarrow": False, "font": {"size": TITLE_SIZE, "color": TEXT_COLOUR}})
        left = right + gap / total
    if legend_items:
        sep = "<br>" if legend_rows > 1 else "   "
        layout["annotations"].append({
            "text": sep.join(f"<span style='color:{c}'>■</span> {w}" for c, w in legend_items), "x": 0, "y": 1,
            "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "bottom", "yshift": title_px,
            "showarrow": False, "align": "left", "font": {"size": LEGEND_SIZE, "color": TEXT_COLOUR}})
    return layout, cell


def cell_font(cell: float) -> dict:
    """Cell numbers sized to the cell; none at all when cells are too small to read."""
    return {"size": int(min(20, cell * 0.42))} if cell >= 16 else {"size": 1, "color": "rgba(0,0,0,0)"}


def grid_trace(values, k: int, font: dict, *, colours: list | None = None, text=None, scale: dict | None = None,
               hover: str = HOVER, customdata=None) -> dict:
    """``board.heatmap`` on grid ``k``: ``values`` coloured by ``scale`` (or a discrete list of ``colours``
    for integer codes 0…n−1), ``text`` written in the cells (default: the values); NaN cells are left out."""
    if colours is not None:
        n = len(colours)
        scale = {"colorscale": [[i / max(n - 1, 1), c] for i, c in enumerate(colours)], "zmin": 0,
                 "zmax": max(n - 1, 1)}
    trace = heatmap(values, axis_name(k), scale=scale, text=text, textfont=font, hover=hover)
    if font.get("size", 0) <= 1 and "%{text}" not in hover:  # cells too small to read: don't send the numbers
        del trace["text"], trace["texttemplate"]
    if customdata is not None:
        trace["customdata"] = customdata
    return trace


def rect(r0: float, c0: float, r1: float, c1: float, k: int, colour: str, width: float = 4,
         fill: str | None = None, dash: str = "solid") -> dict:
    """``board.box`` around cells ``r0..r1`` × ``c0..c1`` (inclusive) of grid ``k``."""
    return box(r0, c0, r1, c1, axis_name(k), colour, width, fill, dash)


def window_shapes(rows, cols, k: int, colour: str = style.WINDOW_COLOUR, dash: str = "solid") -> list[dict]:
    """One window: a box around its span, plus a box per tap when the kernel is dilated."""
    dilated = (len(rows) > 1 and rows[1] - rows[0] > 1) or (len(cols) > 1 and cols[1] - cols[0] > 1)
    shapes = [rect(rows[0], cols[0], rows[-1], cols[-1], k, colour, 2 if dilated else 4,
                   dash="dot" if dilated else dash)]
    if dilated:
        shapes += [rect(r, c, r, c, k, colour, 3) for r in rows for c in cols]
    return shapes


def _blank(rows: int, cols: int) -> list[list[str]]:
    return [[""] * cols for _ in range(rows)]


# ---------------------------------------------------------------- output size: the padded grid
@dataclass(frozen=True)
class GridLabels:
    input: str = "Padded input"
    output: str = "Output"
    padding: str = "padding"
    pixel: str = "input pixel"
    unreached: str = "never reached"
    first: str = "first window"
    last: str = "last window"


def padded_grid_figure(geo: Geometry2D, labels: GridLabels = GridLabels()) -> dict:
    """The padded input (real pixels blue, padding grey with its zeros), rows/columns that no window
    reaches shaded red, the first and last window outlined, the window start positions marked by
    ▼ / ▶ in a margin row and column — and the output grid, its first and last cell outlined.

    Grid coordinates are padded coordinates + 1 (the margin comes first).
    """
    rows, cols = geo.rows, geo.cols
    hp, wp = rows.padded, cols.padded
    ho, wo = geo.out_shape
    keys = [(style.WINDOW_COLOUR, labels.first), (style.OUTPUT_COLOUR, labels.last), ("#bbb", labels.padding),
            ("#e88", labels.unreached)]
    layout, cell = panel_layout([Panel(f"{labels.input} {hp}×{wp}", hp + 1, wp + 1),
                                 Panel(f"{labels.output} {ho}×{wo}", ho + 1, wo + 1)], gap=2, legend_items=keys)
    font = cell_font(cell)
    real = np.zeros((hp, wp), dtype=bool)
    real[rows.before: rows.before + rows.n, cols.before: cols.before + cols.n] = True
    z = np.full((hp + 1, wp + 1), np.nan)
    z[1:, 1:] = real
    text, hover = _blank(hp + 1, wp + 1), _blank(hp + 1, wp + 1)
    unreached_r, unreached_c = set(rows.unreached()), set(cols.unreached())
    for r in range(hp):
        for c in range(wp):
            text[r + 1][c + 1] = "" if real[r, c] else "0"
            what = labels.pixel if real[r, c] else labels.padding
            if r in unreached_r or c in unreached_c:
                what += f" · {labels.unreached}"
            hover[r + 1][c + 1] = f"{what} (row {r}, column {c})"
    for i in range(ho):
        text[int(rows.window(i)[0]) + 1][0] = "▶"
    for j in range(wo):
        text[0][int(cols.window(j)[0]) + 1] = "▼"
    marks = {**font, "color": "#555"}
    data = [grid_trace(z, 0, marks, colours=[style.PADDING_COLOUR, INPUT_COLOUR], text=text,
                       hover="%{customdata}<extra></extra>", customdata=hover),
            grid_trace(np.pad(np.ones((ho, wo)), ((1, 0), (1, 0)), constant_values=np.nan), 1, font,
                       colours=["#ffffff", "#dff0d8"], text=_blank(ho + 1, wo + 1), hover="output<extra></extra>")]
    red = style.UNREACHED_COLOUR
    shapes = [rect(r + 1, 1, r + 1, wp, 0, red, 0, red) for r in sorted(unreached_r)]
    shapes += [rect(1, c + 1, hp, c + 1, 0, red, 0, red) for c in sorted(unreached_c)]
    shapes += window_shapes(rows.window(0) + 1, cols.window(0) + 1, 0)
    shapes.append(rect(1, 1, 1, 1, 1, style.WINDOW_COLOUR, 4))
    if (ho, wo) != (1, 1):
        shapes += window_shapes(rows.window(ho - 1) + 1, cols.window(wo - 1) + 1, 0, colour=style.OUTPUT_COLOUR,
                                dash="dash")
        shapes.append(rect(ho, wo, ho, wo, 1, style.OUTPUT_COLOUR, 4, dash="dash"))
    layout["shapes"] = shapes
    return {"data": data, "layout": layout}


# ---------------------------------------------------------------- coverage
@dataclass(frozen=True)
class CoverageLabels:
    title: str = "Windows that use each input pixel"
    hover: str = "used by %{z} window(s)"
    padding: str = "padding"


def coverage_figure(counts, pads=((0, 0), (0, 0)), labels: CoverageLabels = CoverageLabels()) -> dict:
    """``counts`` ``(H, W)`` from ``cnnviz.coverage`` with the number in every cell; the padding
    ``((top, bottom), (left, right))`` drawn as a blank grey ring. Never-used pixels (0) are red."""
    counts = np.asarray(counts)
    (t, b), (l, r) = pads
    h, w = counts.shape
    hp, wp = h + t + b, w + l + r
    layout, cell = panel_layout([Panel(labels.title, hp, wp)])
    ring = np.zeros((hp, wp))
    ring[t: t + h, l: l + w] = np.nan
    full = np.full((hp, wp), np.nan)
    full[t: t + h, l: l + w] = counts
    hi = max(int(counts.max()), 1)
    cut = 0.5 / hi  # pixels no window uses (0) in the 'never reached' red, the rest light → dark blue
    scale = {"colorscale": [[0, NEVER_USED_COLOUR], [cut, NEVER_USED_COLOUR], [cut, "#deebf7"], [1, "#2171b5"]],
             "zmin": 0, "zmax": hi}
    data = [grid_trace(ring, 0, cell_font(cell), colours=[style.PADDING_COLOUR, style.PADDING_COLOUR],
                       text=_blank(hp, wp), hover=labels.padding + "<extra></extra>"),
            grid_trace(full, 0, {**cell_font(cell), "color": "#111"}, scale=scale,
                       hover=labels.hover + "<extra></extra>")]
    return {"data": data, "layout": layout}


# ---------------------------------------------------------------- 'same' padding with an even kernel
@dataclass(frozen=True)
class SameLabels:
    title: str = "'same' padding"
    pixel: str = "input pixel"
    padding: str = "padding"
    extra: str = "extra padding (odd pixel)"
    window: str = "first window"
    centre: str = "kernel centre"
    output: str = "pixel it writes"


def same_padding_figure(input_hw: tuple[int, int], pads, kernel_hw: tuple[int, int],
                        labels: SameLabels = SameLabels()) -> dict:
    """The input with its 'same' padding ``((top, bottom), (left, right))``: the symmetric part grey,
    the odd extra row/column orange. The first window is outlined and its centre marked ×: for an
    even kernel it falls between pixels, half a pixel off the output pixel it writes (green)."""
    h, w = input_hw
    (t, b), (l, r) = pads
    fh, fw = kernel_hw
    hp, wp = h + t + b, w + l + r
    keys = [("#f59f4c", labels.extra), (style.WINDOW_COLOUR, labels.window), (style.OUTPUT_COLOUR, labels.output)]
    layout, cell = panel_layout([Panel(labels.title, hp, wp)], max_width_px=320, max_cell_px=48, legend_items=keys,
                                legend_rows=3)
    codes = np.zeros((hp, wp))
    codes[t: t + h, l: l + w] = 1
    codes[hp - max(b - t, 0):, :] = np.where(codes[hp - max(b - t, 0):, :] == 1, 1, 2)
    codes[:, wp - max(r - l, 0):] = np.where(codes[:, wp - max(r - l, 0):] == 1, 1, 2)
    names = np.array([labels.padding, labels.pixel, labels.extra], dtype=object)[codes.astype(int)]
    text = [["" if c == 1 else "0" for c in row] for row in codes]
    data = [grid_trace(codes, 0, {**cell_font(cell), "color": "#555"},
                       colours=[style.PADDING_COLOUR, INPUT_COLOUR, EXTRA_COLOUR], text=text,
                       hover="%{customdata}<extra></extra>", customdata=names.tolist()),
            {"type": "scatter", "x": [(fw - 1) / 2], "y": [(fh - 1) / 2], "mode": "markers",
             "marker": {"size": 18, "color": style.WINDOW_COLOUR, "symbol": "x-thin",
                        "line": {"width": 4, "color": style.WINDOW_COLOUR}},
             "hovertemplate": labels.centre + "<extra></extra>", "xaxis": "x", "yaxis": "y"}]
    layout["shapes"] = [rect(0, 0, fh - 1, fw - 1, 0, style.WINDOW_COLOUR, 4),
                        rect(t, l, t, l, 0, style.OUTPUT_COLOUR, 4)]
    return {"data": data, "layout": layout}


# ---------------------------------------------------------------- transposed convolution as a direct one
@dataclass(frozen=True)
class StretchLabels:
    input: str = "Stretched, padded input"
    kernel: str = "Kernel rotated 180°"
    output: str = "Output"
    roles: tuple[str, str, str, str] = ("input pixel", "inserted zero", "implicit padding", "output padding")


# role code → (cell colour, legend colour: darker, to read as a small square)
ROLE_COLOURS = {INPUT: (INPUT_COLOUR, "#6baed6"), INSERTED_ZERO: (INSERTED_COLOUR, "#e6c200"),
                IMPLICIT_PADDING: (style.PADDING_COLOUR, "#bbb"), OUTPUT_PADDING: (OUTPUT_PADDING_COLOUR, "#9e9ac8")}


def stretched_input_figure(view: DirectConvolution, output, labels: StretchLabels = StretchLabels()) -> dict:
    """The direct-convolution view of a one-channel transposed convolution: the stretched, padded input
    coloured by role (values written in), the rotated kernel over its first position, and the ``output``."""
    padded, kernel = np.asarray(view.padded, dtype=float), np.asarray(view.kernel, dtype=float)
    if padded.ndim != 2:
        raise ValueError("the stretched-input picture shows one channel: pass the view of an (H, W) input")
    output = np.asarray(output, dtype=float)
    hp, wp = padded.shape
    panels = [Panel(f"{labels.input} {hp}×{wp}", hp, wp), Panel(labels.kernel, *kernel.shape),
              Panel(f"{labels.output} {output.shape[0]}×{output.shape[1]}", *output.shape)]
    keys = [(ROLE_COLOURS[k][1], name) for k, name in zip(sorted(ROLE_COLOURS), labels.roles)]
    layout, cell = panel_layout(panels, legend_items=keys)
    font = cell_font(cell)
    names = np.array(labels.roles, dtype=object)[view.roles]
    data = [grid_trace(view.roles, 0, {**font, "color": "#333"},
                       colours=[ROLE_COLOURS[k][0] for k in sorted(ROLE_COLOURS)],
                       text=[[format_number(v) for v in row] for row in padded],
                       hover="%{customdata}: %{text}<extra></extra>", customdata=names.tolist()),
            grid_trace(kernel, 1, font), grid_trace(output, 2, font)]
    kh, kw = kernel.shape
    d_r, d_c = view.geometry.rows.dilation, view.geometry.cols.dilation
    layout["shapes"] = window_shapes(d_r * np.arange(kh), d_c * np.arange(kw), 0) + [
        rect(0, 0, 0, 0, 2, style.WINDOW_COLOUR)]
    return {"data": data, "layout": layout}
