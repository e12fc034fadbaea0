"""Figures for edge detection: maps as compact images, one pixel's arithmetic, border and direction comparisons.

Large maps travel as one PNG or JPEG inside the figure (a 1-megapixel heatmap as JSON numbers would
be tens of megabytes); images of at most ``NUMBERS_MAX`` pixels a side become heatmaps with their
numbers. Signed maps use a diverging scale with 0 at mid-grey, symmetric about 0, never clamped.
Pixel coordinates are counted from 1, as people count ("row 1, column 1"): a map's cell (r, c) sits at
x = c, y = r, so hover texts and clicks (``on_select``) give the row and column a student reads.
Words come from the text catalogue in the ``lang`` each builder takes.
"""
from __future__ import annotations

import base64
import functools
import html
import io
import math
import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image
from plotly.colors import sequential

from ..edges import DirectionError, EdgeMaps, PixelTrace
from ..locales import t
from ..trace import format_number
from . import style
from .board import TEXT_COLOUR, Board, Slot, axis_name, box, cell_texts, heatmap

NUMBERS_MAX = 16  # up to 16×16 pixels a map is drawn cell by cell, with its numbers
DISPLAY_SIDE = 512  # larger maps are sent shrunk to this longer side: 1.5× the ~340 px a map gets on screen
# Signed values: 0 is mid-grey; negatives darker and blue, positives lighter and orange (brightness rises
# steadily from −limit to +limit, like the grey gradient images of textbooks, and hue tells the sign).
SIGNED = [[0.0, "#08306b"], [0.25, "#3d6fb0"], [0.5, "#808080"], [0.75, "#e6a15a"], [1.0, "#fff5d6"]]
# Inferno, written as rgb(): Streamlit's chart theme swaps "#000001"…"#000040" for its own colours (#000004 is one)
MAGNITUDE = [[i / (len(sequential.Inferno) - 1), "rgb({},{},{})".format(*(int(c[k: k + 2], 16) for k in (1, 3, 5)))]
             for i, c in enumerate(sequential.Inferno)]
GREY = [[0.0, "#000000"], [1.0, "#ececec"]]  # the brightest cells stay visible on a white page
BINARY = [MAGNITUDE[0], MAGNITUDE[-1]]  # edges bright on black, the two ends of the magnitude map's scale
UNDEFINED = "#d9d9d9"  # direction cells where Gx = Gy = 0: no edge, so no direction
MARKER = "#00c2ff"  # the zoomed pixel: cyan stands out on every map here
PADDING_FILL = "rgba(120, 120, 120, 0.28)"


# ------------------------------------------------------------------------------ colour mapping
def _rgb(c: str) -> tuple[int, ...]:
    """'#rrggbb' or 'rgb(r,g,b)' → (r, g, b)."""
    if c.startswith("rgb("):
        return tuple(int(v) for v in c[4:-1].split(","))
    return tuple(int(c[i: i + 2], 16) for i in (1, 3, 5))


LUT_STEPS = 256  # a lookup table has LUT_STEPS + 1 colours, so the middle one (0 on a signed scale) is exact


def _lut(stops) -> np.ndarray:
    """A colour scale's stops → a (257, 3) uint8 lookup table."""
    pos = np.array([p for p, _ in stops])
    rgb = np.array([_rgb(c) for _, c in stops], dtype=float)
    t = np.linspace(0, 1, LUT_STEPS + 1)
    return np.rint(np.stack([np.interp(t, pos, rgb[:, k]) for k in range(3)], axis=1)).astype(np.uint8)


_LUTS = {"signed": _lut(SIGNED), "magnitude": _lut(MAGNITUDE)}


def signed_limit(values) -> float:
    """Half-range of a symmetric scale: the largest |value| (1 when all are 0)."""
    m = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return m if m > 0 else 1.0


def _indices(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    span = hi - lo if hi > lo else 1.0
    scaled = (np.asarray(values, dtype=np.float32) - np.float32(lo)) * np.float32(LUT_STEPS / span)
    return np.clip(np.rint(scaled), 0, LUT_STEPS).astype(np.uint16)


def colour_signed(values: np.ndarray, limit: float | None = None) -> np.ndarray:
    """(H, W) → (H, W, 3) uint8 on the diverging scale: −limit dark blue, 0 mid-grey, +limit pale yellow."""
    m = signed_limit(values) if limit is None else limit
    return _LUTS["signed"][_indices(values, -m, m)]


def colour_magnitude(values: np.ndarray, hi: float | None = None) -> np.ndarray:
    """(H, W) → (H, W, 3) uint8 on the inferno scale from 0 (black) to ``hi`` (default: the largest value)."""
    hi = signed_limit(values) if hi is None else hi
    return _LUTS["magnitude"][_indices(values, 0.0, hi)]


def _hue_lut(n: int = 360) -> np.ndarray:
    """(n, 3) float32: fully saturated, full-brightness colours around the hue circle."""
    h6 = np.arange(n, dtype=np.float64) / n * 6
    k = np.stack([(5 + h6) % 6, (3 + h6) % 6, (1 + h6) % 6], axis=-1)  # HSV → RGB with saturation 1
    return (255 * (1 - np.clip(np.minimum(k, 4 - k), 0, 1))).astype(np.float32)


_HUES = _hue_lut()


def colour_direction(direction: np.ndarray, magnitude: np.ndarray) -> np.ndarray:
    """Hue = θ (0° red, 90° yellow-green, ±180° cyan, −90° violet), brightness = magnitude / its maximum."""
    n = len(_HUES)
    index = np.rint(np.asarray(direction, dtype=np.float32) * (n / (2 * np.pi))).astype(np.int64) % n
    value = np.asarray(magnitude, dtype=np.float32) / np.float32(signed_limit(magnitude))
    return np.rint(_HUES[index] * value[..., None]).astype(np.uint8)


def colour_edges(channel_magnitude: np.ndarray) -> np.ndarray:
    """(3, H, W) per-channel magnitudes → (H, W, 3) uint8: each channel's edges in its own colour, one scale."""
    scaled = channel_magnitude / signed_limit(channel_magnitude) * 255
    return np.rint(np.moveaxis(scaled, 0, -1)).astype(np.uint8)


def colour_binary(mask: np.ndarray) -> np.ndarray:
    """True (or a fraction of edge pixels, once shrunk) → the magnitude scale's brightest colour;
    False → its black."""
    lo, hi = (np.array(_rgb(c), dtype=np.float32) for _, c in BINARY)
    share = np.asarray(mask, dtype=np.float32)[..., None]
    return np.rint(lo + (hi - lo) * share).astype(np.uint8)


def colour_image(pixels: np.ndarray) -> np.ndarray:
    """The original as RGB uint8 (grey repeated)."""
    return np.repeat(pixels[..., None], 3, axis=-1) if pixels.ndim == 2 else pixels


# ------------------------------------------------------------------------------ encoding
def png_bytes(rgb: np.ndarray) -> bytes:
    """Full-resolution PNG of an (H, W, 3) uint8 picture (what the download button hands out)."""
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _is_drawing(rgb: np.ndarray) -> bool:
    """Flat areas and hard edges (samples, edge maps) rather than a photo: most pixels equal their left neighbour."""
    rows = rgb.reshape(rgb.shape[0], -1)  # (H, W·3): compare each byte with the one a pixel to the left
    return rgb.shape[0] * rgb.shape[1] <= 128 * 128 or float(np.mean(rows[:, 3:] == rows[:, :-3])) > 0.6


def display_uri(rgb: np.ndarray, max_side: int = DISPLAY_SIDE) -> tuple[str, float]:
    """A data URI of the picture shrunk to at most ``max_side`` pixels, and the shrink factor (≥ 1).

    Drawings go as PNG (exact, and small because flat); photo-like pictures as JPEG quality 80,
    several times smaller and quicker to make.
    """
    h, w = rgb.shape[:2]
    factor = max(1.0, max(h, w) / max_side)
    im = Image.fromarray(np.ascontiguousarray(rgb))
    if factor > 1:
        im = im.resize((max(1, round(w / factor)), max(1, round(h / factor))), Image.Resampling.BOX)
    buf = io.BytesIO()
    small = np.asarray(im)
    if np.array_equal(small[..., 0], small[..., 1]) and np.array_equal(small[..., 0], small[..., 2]):
        im = Image.fromarray(small[..., 0])  # grey pictures (edge maps, grey originals): one channel, 3× less work
    kind = "png" if _is_drawing(small) else "jpeg"
    if kind == "png":
        im.save(buf, "PNG", compress_level=3)
    else:
        im.save(buf, "JPEG", quality=80)
    return f"data:image/{kind};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}", w / im.size[0]


def _shrink(values: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A float map averaged down to ``size`` (width, height), box filter: what a screen pixel covers."""
    return np.asarray(Image.fromarray(np.ascontiguousarray(values, dtype=np.float32), "F")
                      .resize(size, Image.Resampling.BOX))


# ------------------------------------------------------------------------------ map figures
PLOT_WIDTH = 230  # px a map gets in a third of a 1280 px page; sets the figure height for the image's shape
LEGEND_STRIP = 92  # px under every large map for its colour bar or colour wheel, so rows of maps line up
SMALL_STRIP = 20  # px under a small map: its numbers say what a colour bar would
MAP_TOP = 30  # px above a map for its column numbers
CELLS_PX = 210  # px the cells of a small map get at least: a third of a 1280 px screen with the menu open
CLICK_CELLS = 64  # a large map answers clicks on a grid of at most this many points a side (SVG points)


def display_limit(values: np.ndarray, percentile: float = 99.0) -> float:
    """Where the colours of a large map saturate: the 99th percentile of its non-zero |values|.

    A few very strong pixels would otherwise leave every other edge nearly invisible. The numbers
    themselves are never changed; the colour bar marks the saturated ends with ≤ / ≥.
    """
    a = np.abs(np.asarray(values, dtype=np.float32)).ravel()
    a = a[:: max(1, a.size // 250_000)]  # a regular subsample is plenty for a percentile
    a = a[a > 0]
    return float(np.percentile(a, percentile)) if a.size else 1.0


def picture(kind: str, values: np.ndarray, magnitude: np.ndarray | None = None,
            limit: float | None = None) -> np.ndarray:
    """The (H, W, 3) uint8 picture of a map, saturating at ``limit`` (default: the largest value)."""
    if kind == "image":
        return colour_image(values)
    if kind == "signed":
        return colour_signed(values, limit)
    if kind == "magnitude":
        return colour_magnitude(values, limit)
    if kind == "direction":
        lim = signed_limit(magnitude) if limit is None else limit
        return colour_direction(values, np.minimum(magnitude, lim))
    if kind == "binary":
        return colour_binary(values)
    raise ValueError(f"unknown map kind {kind!r}")


def _map_px(h: int, w: int) -> int:
    """px of height the map area of an ``h`` × ``w`` image gets: ``PLOT_WIDTH`` wide, within 150…560 px."""
    return int(np.clip(PLOT_WIDTH * h / w, 150, 560))


LOOK = {"font": style.FONT, "plot_bgcolor": "white", "paper_bgcolor": "white", "showlegend": False,
        "dragmode": "pan", "hoverlabel": {"font": {"size": 15}}, "clickmode": "event+select"}


# what every map's axes have in common: columns on top, rows down (like a matrix); a map narrower than tall leaves
# its spare room below
AXES = {"xaxis": {"showgrid": False, "zeroline": False, "ticks": "outside", "constrain": "domain", "side": "top"},
        "yaxis": {"showgrid": False, "zeroline": False, "ticks": "outside", "constrain": "domain",
                  "constraintoward": "top"}}


def _frame(h: int, w: int) -> dict:
    """Layout of one map: pixel axes, square pixels, and under it the strip for its colour key (numbers instead on
    a small map: a narrow strip)."""
    strip = SMALL_STRIP if max(h, w) <= NUMBERS_MAX else LEGEND_STRIP
    ticks = {"tickfont": {"size": 13}}  # not in AXES: Streamlit's theme would replace it there (:func:`map_grid`)
    return {**LOOK, "height": _map_px(h, w) + MAP_TOP + strip, "margin": {"l": 36, "r": 12, "t": MAP_TOP, "b": strip},
            "xaxis": {**AXES["xaxis"], **ticks, "range": [0.5, w + 0.5]},
            "yaxis": {**AXES["yaxis"], **ticks, "range": [h + 0.5, 0.5], "scaleanchor": "x"}}


def _on_map(item: dict, yshift: float = 0.0, **where) -> dict:
    """A layout image or annotation placed in fractions of the map's own axes ("x domain", "y domain"): it stays
    with its map when the map is one of a grid (:func:`map_grid`)."""
    return {"xref": "x domain", "yref": "y domain", **where, **item} | ({"yshift": yshift} if yshift else {})


@functools.cache
def _strip_uri(kind: str) -> str:
    """The colour scale of ``kind`` ('signed' or 'magnitude') as a picture one pixel high (65 colours: 0 exact)."""
    return display_uri(_LUTS[kind][::4][None])[0]


def _colour_key(kind: str, lo: float, hi: float, saturated: bool, map_px: int) -> dict:
    """The colour bar under a map sent as a picture: its scale from ``lo`` to ``hi`` as a strip, three numbers
    under it (the ends marked ≤ / ≥ where the colours saturate)."""
    ticks = [lo, (lo + hi) / 2, hi]
    text = [format_number(v, 2) for v in ticks]
    if saturated:
        text[-1] = "≥ " + text[-1]
        if lo < 0:
            text[0] = "≤ " + text[0]
    strip = _on_map({"source": _strip_uri(kind), "sizex": 0.9, "sizey": round(14 / map_px, 4), "sizing": "stretch"},
                    x=0.05, y=round(-8 / map_px, 4))  # images: left, top and above by default
    numbers = [_on_map({"text": v, "showarrow": False, "xanchor": anchor, "yanchor": "top", "font": {"size": 13}},
                       -24, x=x, y=0)  # the ends' numbers inside the bar's ends: none spills out of its map
               for v, x, anchor in zip(text, (0.05, 0.5, 0.95), ("left", "center", "right"))]
    return {"images": [strip], "annotations": numbers}


def _marker(row: int | None, col: int | None, axes: str = "") -> list[dict]:
    """The chosen pixel (1-based row and column) as a cyan square, on the map with axes ``axes`` ("", "2", …)."""
    if row is None or col is None:
        return []
    return [{"type": "scatter", "x": [col], "y": [row], "mode": "markers", "hoverinfo": "skip",
             "xaxis": f"x{axes}", "yaxis": f"y{axes}",
             "marker": {"symbol": "square-open", "size": 16, "color": MARKER, "line": {"width": 3}}}]


def map_figure(kind: str, values: np.ndarray, *, magnitude: np.ndarray | None = None, row: int | None = None,
               col: int | None = None, lang: str = "en") -> dict:
    """One map as a figure dict.

    ``kind``: 'image' (original pixels, grey or RGB uint8), 'signed' (Gx, Gy, a filter's output),
    'magnitude', 'direction' (radians; needs ``magnitude`` for brightness) or 'binary'.
    ``(row, col)``, 1-based, marks the zoomed pixel. Maps of at most ``NUMBERS_MAX`` pixels a side show
    their numbers on the full range, in a font that fits the cells (none when even the smallest does not
    fit); larger ones are one picture whose colours saturate at :func:`display_limit`, under a transparent
    grid of points that answers hovers and clicks. Direction cells where Gx = Gy = 0 are grey with a "–".
    Hovers and clicks go to one invisible scatter trace on top (:func:`_pointer`): Streamlit's ``on_select``
    reports no points for heatmap or image traces, but does for scatter points.
    """
    values = np.asarray(values)
    h, w = values.shape[:2]
    layout = _frame(h, w)
    small = max(h, w) <= NUMBERS_MAX
    if small:
        traces = _small_map(kind, values, magnitude)
    else:
        limit = _limit(kind, values, magnitude)
        traces = _large_map(kind, values, magnitude, limit)
        layout.update(_key(kind, values, limit, _map_px(h, w), lang))
    for trace in traces:
        trace.pop("hovertemplate", None)
        trace["hoverinfo"] = "skip"
    texts = _hover_texts(kind, values, magnitude, lang) if small else None
    return {"data": traces + [_pointer(h, w, texts, lang)] + _marker(row, col), "layout": layout}


def map_figures(pixels: np.ndarray, maps: EdgeMaps, lang: str = "en") -> dict[str, dict]:
    """Every map of one analysis: 'original', 'response0' (Gx or the output), 'response1' (Gy),
    'magnitude', 'direction' (pairs) and 'colour_edges' (per-channel analyses)."""
    figures = {"original": map_figure("image", pixels, lang=lang)}
    for i, values in enumerate(maps.responses):
        figures[f"response{i}"] = map_figure("signed", values, lang=lang)
    figures["magnitude"] = map_figure("magnitude", maps.magnitude, lang=lang)
    if maps.direction is not None:
        figures["direction"] = map_figure("direction", maps.direction, magnitude=maps.magnitude, lang=lang)
    if maps.channel_magnitude is not None:
        figures["colour_edges"] = map_figure("image", colour_edges(maps.channel_magnitude), lang=lang)
    return figures


def clicked_pixel(points: list[dict], size: tuple[int, int]) -> tuple[int, int] | None:
    """The 1-based ``(row, col)`` of the first clicked point on the maps of an image of ``size`` (H, W), or None.

    ``points``: Streamlit's selection points (``x``, ``y``, ``curve_number``, …). Every map has the same pixel
    coordinates, so a point means the same pixel on whichever map of :func:`map_grid` it lies.
    """
    for point in points:
        x, y = point.get("x"), point.get("y")
        if isinstance(x, (int, float)) and isinstance(y, (int, float)) and math.isfinite(x + y):
            return int(min(max(round(y), 1), size[0])), int(min(max(round(x), 1), size[1]))
    return None


def _hover_texts(kind: str, values: np.ndarray, magnitude, lang: str) -> list[list[str]]:
    """What hovering over each cell of a small map reads: its full number (RGB as r,g,b)."""
    if kind == "image" and values.ndim == 3:
        return [[",".join(str(int(c)) for c in px) for px in row] for row in values]
    if kind == "direction":
        none = t("edges.fig.undefined", lang)
        return [[format_number(np.degrees(d), 1) + "°" if m > 0 else none for d, m in zip(dr, mr)]
                for dr, mr in zip(values, np.asarray(magnitude))]
    return cell_texts(np.asarray(values, dtype=float), 3)


POINTER = {"mode": "markers", "marker": {"size": 14, "symbol": "square", "color": "rgba(0,0,0,0)"}}


def _pointer(h: int, w: int, texts: list[list[str]] | None, lang: str) -> dict:
    """Invisible points on every cell (on a grid of at most ``CLICK_CELLS`` a side when there are no
    ``texts``), centred on 1-based pixel coordinates: what hovers and clicks land on."""
    step = 1 if texts is not None else max(1, math.ceil(max(h, w) / CLICK_CELLS))
    xs, ys = (np.minimum(np.arange(1, n + 1, step) + (step - 1) // 2, n) for n in (w, h))
    gx, gy = np.meshgrid(xs, ys)  # (rows, cols)
    trace = {"type": "scatter", **POINTER, "x": gx.ravel().tolist(), "y": gy.ravel().tolist(),
             "hovertemplate": t("edges.fig.hover_at", lang, row="%{y}", col="%{x}") + "<extra></extra>"}
    if texts is not None:
        trace["text"] = [x for row in texts for x in row]
        trace["hovertemplate"] = t("edges.fig.hover", lang, row="%{y}", col="%{x}", value="%{text}") \
            + "<extra></extra>"
    return trace


def map_panels(figures: dict[str, dict], maps: EdgeMaps, edges: np.ndarray, limit: float, percent: int,
               grey_of_colour: bool, lang: str = "en") -> list[tuple[str, str, dict]]:
    """The maps of one analysis in reading order as ``(key, title, figure)``: original, responses, magnitude,
    direction (pairs), the edges above ``limit`` (``percent`` % of the largest magnitude) and, per channel,
    the colour edges. ``grey_of_colour``: a colour image filtered as grey (its title says so)."""
    pair = maps.direction is not None
    names = ("Gx", "Gy") if pair else (t("edges.output", lang),)
    panels = [("original", t("edges.panel.original_grey" if grey_of_colour else "edges.panel.original", lang),
               figures["original"])]
    panels += [(f"response{i}", t("edges.panel.response", lang, name=n), figures[f"response{i}"])
               for i, n in enumerate(names)]
    panels.append(("magnitude", t("edges.panel.magnitude_pair" if pair else "edges.panel.magnitude", lang),
                   figures["magnitude"]))
    if pair:
        panels.append(("direction", t("edges.panel.direction", lang), figures["direction"]))
    largest = float(maps.magnitude.max())
    panels.append(("edges", t("edges.panel.edges", lang, limit=format_number(limit, 1), percent=percent,
                              largest=format_number(largest, 1)), map_figure("binary", edges, lang=lang)))
    if "colour_edges" in figures and maps.channel is not None:
        panels.append(("colour_edges", t("edges.panel.colour_edges", lang), figures["colour_edges"]))
    return panels


def download_maps(maps: EdgeMaps, edges: np.ndarray) -> dict[str, tuple[str, np.ndarray, np.ndarray | None]]:
    """What the page offers as PNG: name → (kind, values, magnitude) for :func:`map_picture`."""
    out = {"edges": ("binary", edges, None), "magnitude": ("magnitude", maps.magnitude, None)}
    if maps.direction is None:
        return out | {"output": ("signed", maps.responses[0], None)}
    return out | {"gx": ("signed", maps.responses[0], None), "gy": ("signed", maps.responses[1], None),
                  "direction": ("direction", maps.direction, maps.magnitude)}


# ------------------------------------------------------------------------------ the maps as one figure
GRID_COLUMNS = 3
GRID_GAP = 0.065  # of the figure's width between two columns of maps: room for the row numbers of the next
TITLE_FONT = {"family": '"Source Sans", sans-serif', "size": 16, "color": TEXT_COLOUR}  # as the page's (Streamlit's)
TITLE_LINE = 21  # px a line of a title takes
TITLE_GAP = 10  # px between a title and the column numbers under it
TITLE_WIDTH = (270, 270, 225)  # px a title may take before it wraps, by column (1280 px screen): a map and the gap
# after it, the last one its map only
ROW_GAP = 16  # px more between two rows of maps than the strip under the upper one
MODEBAR = 26  # px over the titles for Plotly's buttons (zoom, pan, reset), shown while the pointer is on the maps
MARKED = ("original", "edges")  # the maps that mark the traced pixel


def _title_lines(title: str, width: float) -> list[str]:
    """``title`` in lines of at most ``width`` px, as estimated for bold ``TITLE_FONT`` text (measured in Chromium:
    a letter takes ~0.44 of the font size, a digit 0.5; Hangul and other wide characters a whole one)."""
    def px(text: str) -> float:
        return TITLE_FONT["size"] * sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 if ch.isdigit()
                                        else 0.44 for ch in text)
    lines = [""]
    for word in title.split(" "):
        longer = f"{lines[-1]} {word}".lstrip()
        if lines[-1] and px(longer) > width:
            lines.append(word)
        else:
            lines[-1] = longer
    return lines


def _unless(item: dict, defaults: dict) -> dict:
    """``item`` without what ``defaults`` (a template's) already says."""
    return {k: v for k, v in item.items() if k not in defaults or defaults[k] != v}


def _to_axes(item: dict, axes: str) -> dict:
    """A layout image or annotation of a one-map figure ("x domain", "y domain") moved to the axes ``axes``."""
    return {**item, "xref": f"x{axes} domain", "yref": f"y{axes} domain"}


def _title(lines: list[str]) -> dict:
    """A map's title, bold, over its column numbers."""
    text = "<br>".join(f"<b>{html.escape(line, quote=False)}</b>" for line in lines)
    return _on_map({"text": text, "showarrow": False, "xanchor": "left", "yanchor": "bottom", "align": "left",
                    "font": TITLE_FONT}, MAP_TOP + TITLE_GAP - 4, x=0, y=1)


@dataclass(frozen=True)
class MapGrid:
    """The maps of one analysis as one figure without the traced pixel (:func:`map_grid`), and each map's axes
    (Plotly's suffix: "", "2", …) by its key in :func:`map_panels`."""

    figure: dict
    axes: dict[str, str]

    def marked(self, row: int, col: int) -> dict:
        """The figure with pixel ``(row, col)`` (from 1) marked on the ``MARKED`` maps (the maps are shared)."""
        marks = [m for key in MARKED if key in self.axes for m in _marker(row, col, self.axes[key])]
        return {"data": self.figure["data"] + marks, "layout": self.figure["layout"]}


def map_grid(panels: list[tuple[str, str, dict]]) -> MapGrid:
    """The maps of :func:`map_panels` (figures of :func:`map_figure`, all of one image) as one figure, three to a
    row: each on axes of its own with its title above, its pixels square, its colour key under it, and the
    same traces (numbers, hover texts, click points) as alone. One figure to send instead of one per map."""
    first = panels[0][2]["layout"]
    map_px, strip = first["height"] - MAP_TOP - first["margin"]["b"], first["margin"]["b"]
    rows = [panels[i: i + GRID_COLUMNS] for i in range(0, len(panels), GRID_COLUMNS)]
    titles = [[_title_lines(title, width) for (_, title, _), width in zip(row, TITLE_WIDTH)] for row in rows]
    above = [(ROW_GAP if r else 0) + TITLE_LINE * max(map(len, row)) + TITLE_GAP + MAP_TOP
             for r, row in enumerate(titles)]  # px over each row's maps
    height = sum(above) + len(rows) * (map_px + strip)
    width = (1 - (GRID_COLUMNS - 1) * GRID_GAP) / GRID_COLUMNS
    # what every map has in common, sent once: a template's axes and traces are every axis's and trace's defaults
    pointer = next(trace for trace in panels[0][2]["data"] if trace.get("hoverinfo") != "skip")
    scatter = {**POINTER, "hovertemplate": pointer["hovertemplate"]}  # the same on every map of one image
    layout = {**LOOK, "height": height + MODEBAR, "margin": {"l": 34, "r": 4, "t": MODEBAR, "b": 0},
              "template": {"layout": AXES, "data": {"scatter": [scatter]}}, "images": [], "annotations": []}
    data, axes, top = [], {}, 0
    for r, row in enumerate(rows):
        top += above[r]
        for c, ((key, _, figure), lines) in enumerate(zip(row, titles[r])):
            axes[key] = n = axis_name(r * GRID_COLUMNS + c)
            one = figure["layout"]
            x, y = (_unless(one[a], AXES[a]) for a in AXES)
            left = c * (width + GRID_GAP)
            layout[f"xaxis{n}"] = {**x, "domain": [round(left, 5), round(left + width, 5)], "anchor": f"y{n}"}
            layout[f"yaxis{n}"] = {**y, "domain": [round(1 - (top + map_px) / height, 5), round(1 - top / height, 5)],
                                   "anchor": f"x{n}", "scaleanchor": f"x{n}"}
            data += [{**_unless(trace, scatter if trace["type"] == "scatter" else {}), "xaxis": f"x{n}",
                      "yaxis": f"y{n}"} for trace in figure["data"]]
            layout["images"] += [_to_axes(image, n) for image in one.get("images", ())]
            layout["annotations"] += [_to_axes(note, n) for note in (*one.get("annotations", ()), _title(lines))]
        top += map_px + strip
    return MapGrid({"data": data, "layout": layout}, axes)


def _direction_scale(steps: int = 24) -> list:
    """The hue wheel as a Plotly colour scale over −180°…180°, matching ``colour_direction``."""
    theta = np.linspace(-np.pi, np.pi, steps + 1)
    rgb = colour_direction(theta[None], np.ones((1, steps + 1)))[0]
    return [[i / steps, f"rgb({r},{g},{b})"] for i, (r, g, b) in enumerate(rgb)]


def _wheel_uri(size: int = 96) -> str:
    c = (size - 1) / 2
    yy, xx = np.mgrid[0:size, 0:size]
    r = np.hypot(yy - c, xx - c) / c
    rgb = colour_direction(np.arctan2(yy - c, xx - c), np.clip(r, 0, 1))
    rgb[r > 1] = 255
    return display_uri(rgb)[0]


def _wheel_key(map_px: int, lang: str) -> dict:
    """The colour key of the direction map, in the strip under it: hue = θ, rows grow downwards."""
    side = LEGEND_STRIP - 16  # px
    wheel = _on_map({"source": _wheel_uri(), "sizex": round(side / PLOT_WIDTH, 4), "sizey": round(side / map_px, 4)},
                    x=0.04, y=round(-6 / map_px, 4))  # images: left, top, fitted and above by default
    words = _on_map({"xanchor": "left", "yanchor": "top", "showarrow": False, "align": "left", "font": {"size": 13},
                     "text": t("edges.fig.wheel", lang)}, -8, x=round(0.1 + side / PLOT_WIDTH, 4), y=0)
    return {"images": [wheel], "annotations": [words]}


def _key(kind: str, values: np.ndarray, limit: float | None, map_px: int, lang: str) -> dict:
    """The layout images and annotations of a large map's colour key: a colour bar or the hue wheel."""
    if kind == "direction":
        return _wheel_key(map_px, lang)
    if kind in ("signed", "magnitude"):
        saturated = limit < float(np.max(np.abs(values)))
        return _colour_key(kind, -limit if kind == "signed" else 0.0, limit, saturated, map_px)
    return {}


def _cell_font(texts: list[list[str]], cells_px: float) -> dict | None:
    """A font whose longest number fits a cell ``cells_px`` wide, or None when even 8 px would not."""
    longest = max((len(x) for row in texts for x in row), default=1)
    size = (cells_px - 4) / (0.6 * longest + 0.2)
    return {"size": int(min(size, 16))} if size >= 8 else None


def _decimals(v: np.ndarray) -> int:
    """Decimals that give the largest value three significant digits (183.8 → 184, 42.43 → 42.4), at most 2."""
    largest = float(np.max(np.abs(v))) if v.size else 0.0
    return int(np.clip(2 - math.floor(math.log10(largest)), 0, 2)) if largest > 0 else 0


def _small_map(kind: str, values: np.ndarray, magnitude) -> list[dict]:
    """A heatmap with each pixel's number, at 1-based pixel coordinates."""
    h, w = values.shape[:2]
    where = {"x": list(range(1, w + 1)), "y": list(range(1, h + 1))}
    cells_px = CELLS_PX / max(h, w)
    if kind == "image" and values.ndim == 3:  # colour: the RGB picture; hovering reads R,G,B
        return [{"type": "image", "z": values.tolist(), "x0": 1, "y0": 1}]
    v = values.astype(float)
    if kind == "direction":
        strong = np.asarray(magnitude) > 0
        deg = np.where(strong, np.degrees(v), np.nan)
        text = [[format_number(d, 0) if s else "" for d, s in zip(dr, sr)] for dr, sr in zip(deg, strong)]  # degrees
        none = [["–" if not s else "" for s in row] for row in strong]
        undefined = {"type": "heatmap", **where, "z": [[0] * w for _ in range(h)], "showscale": False,
                     "colorscale": [[0, UNDEFINED], [1, UNDEFINED]], "xgap": 2, "ygap": 2, "text": none,
                     "texttemplate": "%{text}", "textfont": {"size": 14, "color": "#555555"}}
        scale = {"colorscale": _direction_scale(), "zmin": -180, "zmax": 180}  # cyclic, as the wheel
        return [undefined, _numbered(deg, scale, text, cells_px, where)]
    if kind == "binary":
        text = [["1" if x else "0" for x in r] for r in values]
        scale = {"colorscale": BINARY, "zmin": 0, "zmax": 1}
    elif kind == "signed":
        m = signed_limit(v)
        scale, text = {"colorscale": SIGNED, "zmin": -m, "zmax": m}, cell_texts(v, 2)
    elif kind == "magnitude":
        scale, text = {"colorscale": MAGNITUDE, "zmin": 0, "zmax": float(v.max()) or 1.0}, cell_texts(v, _decimals(v))
    else:
        lo, hi = float(v.min()), float(v.max())
        scale, text = {"colorscale": GREY, "zmin": lo, "zmax": hi if hi > lo else lo + 1}, cell_texts(v, 2)
    return [_numbered(v, scale, text, cells_px, where)]


def _numbered(v: np.ndarray, scale: dict, text, cells_px: float, where: dict) -> dict:
    font = _cell_font(text, cells_px)
    trace = {**heatmap(v, "", scale=scale, text=text, textfont=font or {"size": 8}), **where}
    if font is None:  # too small to print: hovering still reads every number
        trace["texttemplate"] = ""
    return trace


def _limit(kind: str, values: np.ndarray, magnitude) -> float | None:
    if max(values.shape[:2]) <= NUMBERS_MAX:
        return None  # small maps: the full range, numbers printed
    if kind in ("signed", "magnitude"):
        return display_limit(values)
    return display_limit(magnitude) if kind == "direction" else None


def map_picture(kind: str, values: np.ndarray, magnitude: np.ndarray | None = None) -> np.ndarray:
    """The picture ``map_figure`` shows, at full resolution (H, W, 3) uint8: what the download hands out."""
    values = np.asarray(values)
    return picture(kind, values, magnitude, _limit(kind, values, magnitude))


def _large_map(kind: str, values: np.ndarray, magnitude, limit: float | None) -> list[dict]:
    """The map as one compressed picture whose colours saturate at ``limit``.

    Numbers are averaged down to the screen size before colouring (direction as the average
    gradient vector), which is much quicker than colouring a megapixel and shrinking the colours.
    """
    h, w = values.shape[:2]
    factor = max(h, w) / DISPLAY_SIDE
    if factor > 1 and kind != "image":
        size = (max(1, round(w / factor)), max(1, round(h / factor)))
        if kind == "direction":
            m = np.asarray(magnitude, dtype=np.float32)
            gx, gy = _shrink(m * np.cos(values), size), _shrink(m * np.sin(values), size)
            values, magnitude = np.arctan2(gy, gx), _shrink(m, size)
        else:
            values = _shrink(values, size)
    uri, shrink = display_uri(picture(kind, values, magnitude, limit))
    factor = w / round(w / shrink) if kind == "image" else w / values.shape[1]
    image = {"type": "image", "source": uri, "x0": 1 + (factor - 1) / 2, "y0": 1 + (factor - 1) / 2, "dx": factor,
             "dy": factor}
    return [image]


# ------------------------------------------------------------------------------ one pixel's arithmetic
def pixel_figure(trace: PixelTrace, image_hw: tuple[int, int], names: tuple[str, ...],
                 grey_range: tuple[float, float] = (0.0, 255.0), lang: str = "en") -> dict:
    """Per kernel, a row: window values | kernel | products, with border padding shaded.

    ``names``: one label per kernel, e.g. ("Gx", "Gy"); ``grey_range``: the image's black and white values.
    """
    fh, fw = trace.steps[0].patch.shape
    gap = 1.2
    slots, shapes, traces, notes = [], [], [], []
    for k, step in enumerate(trace.steps):
        y = 0.9 + k * (fh + 1.6)
        for m in range(3):
            slots.append(Slot(m * (fw + gap) + (0.9 if m else 0), y, fh, fw))
    board = Board.fit(slots, max_width_px=900, max_cell_px=80 if fw <= 3 else 56, top_px=6, bottom_px=6)
    h, w = image_hw
    outside = [(i, j) for i, r in enumerate(trace.rows) for j, c in enumerate(trace.cols)
               if not (0 <= r < h and 0 <= c < w)]
    for k, (step, name) in enumerate(zip(trace.steps, names)):
        matrices = ((step.patch, t("edges.fig.window", lang)), (step.kernel, t("edges.fig.kernel", lang, name=name)),
                    (step.products, t("edges.fig.products", lang)))
        texts = [cell_texts(values, 3) for values, _ in matrices]
        longest = max(len(t) for rows in texts for row in rows for t in row)
        font = {"size": int(np.clip(board.cell_px * 1.8 / max(longest, 1), 10, 17))}  # numbers fit their cells
        for m, ((values, title), text) in enumerate(zip(matrices, texts)):
            n = 3 * k + m
            a = Board.axis(n)
            if m == 0:
                scale = {"colorscale": GREY, "zmin": grey_range[0], "zmax": max(grey_range[1], grey_range[0] + 1)}
            else:
                scale = {"colorscale": SIGNED, "zmin": -signed_limit(values), "zmax": signed_limit(values)}
            traces.append(heatmap(values, a, scale=scale, text=text, textfont=font))  # plotly picks black/white ink
            notes.append(board.title(n, title, size=15))
            if m == 0:
                shapes += [box(i, j, i, j, a, "#555555", width=1, fill=PADDING_FILL, dash="dot") for i, j in outside]
        s = board.slots[3 * k]
        notes.append(board.text(s.x + fw + 0.45, s.y + fh / 2, "×", size=26))
        s2 = board.slots[3 * k + 1]
        notes.append(board.text(s2.x + fw + 0.45, s2.y + fh / 2, "=", size=26))
    layout = board.layout()
    layout.update(shapes=shapes, annotations=notes)
    return {"data": traces, "layout": layout}


def pixel_equations(trace: PixelTrace, names: tuple[str, ...], lang: str = "en") -> list[str]:
    """The sums and, for a pair, magnitude and direction, with this pixel's numbers substituted.

    Magnitude and direction lines start with their name (``Magnitude: |G| = …``); θ is undefined, and
    said so, where Gx = Gy = 0.
    """
    lines = [f"{name} = {step.equation}" for name, step in zip(names, trace.steps)]
    magnitude = format_number(trace.magnitude, 3)
    if len(trace.steps) == 2:
        gx, gy = (format_number(s.value, 3) for s in trace.steps)
        sq = [f"({v})²" if v.startswith("−") else f"{v}²" for v in (gx, gy)]
        lines.append(t("edges.fig.magnitude_line", lang,
                       sum=f"|G| = √({names[0]}² + {names[1]}²) = √({sq[0]} + {sq[1]}) = {magnitude}"))
        angle = (f"{format_number(np.degrees(trace.direction), 1)}°" if trace.magnitude > 0
                 else t("edges.fig.undefined", lang))
        lines.append(t("edges.fig.direction_line", lang,
                       sum=f"θ = atan2({names[1]}, {names[0]}) = atan2({gy}, {gx}) = {angle}"))
    else:
        lines.append(t("edges.fig.magnitude_line", lang, sum=f"|{names[0]}| = {magnitude}"))
    return lines


# ------------------------------------------------------------------------------ comparisons
def border_figure(corners: dict[str, EdgeMaps], pair: bool) -> dict:
    """The top-left corner under each border rule, side by side on one scale, with numbers.

    Pairs show the magnitude, single filters their (signed) output.
    """
    names = list(corners)
    maps = [c.magnitude if pair else c.responses[0] for c in corners.values()]
    rows, cols = maps[0].shape
    slots = [Slot(i * (cols + 1), 0.9, rows, cols) for i in range(len(maps))]
    board = Board.fit(slots, max_width_px=1000, max_cell_px=44, top_px=6, bottom_px=6)
    if pair:
        scale = {"colorscale": MAGNITUDE, "zmin": 0, "zmax": max(float(np.max(m)) for m in maps) or 1.0}
    else:
        lim = max(signed_limit(m) for m in maps)
        scale = {"colorscale": SIGNED, "zmin": -lim, "zmax": lim}
    font = {"size": 12 if cols > 6 else 14}
    traces, notes = [], []
    for n, (name, values) in enumerate(zip(names, maps)):
        digits = 0 if np.max(np.abs(values)) >= 100 else 1
        traces.append(heatmap(values, Board.axis(n), scale=scale, text=cell_texts(values, digits), textfont=font))
        notes.append(board.title(n, name, size=16))
    layout = board.layout()
    layout["annotations"] = notes
    return {"data": traces, "layout": layout}


def direction_error_figure(results: dict[str, DirectionError], lang: str = "en") -> dict:
    """Mean signed direction error against the true angle on the synthetic circle, one line per operator."""
    colours = ["#d95f02", "#1b9e77", "#7570b3", "#e7298a"]
    data = [{"type": "scatter", "mode": "lines+markers", "name": name, "x": r.bin_centres.round(1).tolist(),
             "y": r.bin_errors.round(3).tolist(), "line": {"width": 3, "color": colours[i % 4]},
             "marker": {"size": 5},
             "hovertemplate": t("edges.fig.error_hover", lang, name=name, error="%{y:.2f}", angle="%{x}")
             + "<extra></extra>"}
            for i, (name, r) in enumerate(results.items())]
    axis = {"showgrid": True, "gridcolor": "#e5e5e5", "zeroline": True, "zerolinecolor": "#999999",
            "tickfont": {"size": 14}}
    layout = {"font": style.FONT, "height": 330, "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
              "plot_bgcolor": "white", "paper_bgcolor": "white",
              "legend": {"orientation": "h", "y": 1.12, "x": 0},
              "xaxis": {**axis, "title": {"text": t("edges.fig.error_x", lang)}, "dtick": 45, "range": [-180, 180]},
              "yaxis": {**axis, "title": {"text": t("edges.fig.error_y", lang)}}}
    return {"data": data, "layout": layout}
