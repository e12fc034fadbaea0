"""Colour-blind-safe colours for the frame renderers (browser player and GIF), computed in one place.

Highlights use Okabe–Ito colours and each also has a second cue that is not colour (``HIGHLIGHTS``:
solid, dashed or double outline). Signed values use ColorBrewer's RdBu centred on 0 (negative blue,
positive red, which survives deuteranopia); non-negative values a light sequential blue.
"""
from __future__ import annotations

import numpy as np

from .frames import Animation

OKABE_ITO = {"orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000"}
# role → (colour, outline style); every renderer draws the style as well as the colour
HIGHLIGHTS = {"window": (OKABE_ITO["orange"], "solid"), "output": (OKABE_ITO["blue"], "dashed"),
              "winner": (OKABE_ITO["reddish_purple"], "double")}
PADDING = "#E4E4E4"  # padding cells: grey, numbers in grey italics
UNREACHED = "#9E9E9E"  # cells no window reaches: diagonal hatching in this grey
BLANK = "#F4F4F4"  # output cells not written yet
TEXT, TEXT_ON_DARK, PADDING_TEXT = "#111111", "#FFFFFF", "#6B6B6B"
BACKGROUND = "#FFFFFF"
RDBU = ("#2166AC", "#4393C3", "#92C5DE", "#D1E5F0", "#F7F7F7", "#FDDBC7", "#F4A582", "#D6604D", "#B2182B")
BLUES = ("#F7FBFF", "#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6")
LEVELS = 33  # colour steps per scale: few enough that a GIF palette holds every colour exactly


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i: i + 2], 16) for i in (1, 3, 5))


def _ramp(stops: tuple[str, ...]) -> np.ndarray:
    """``LEVELS`` colours evenly along ``stops``, as ``(LEVELS, 3)`` uint8."""
    rgb = np.array([_rgb(s) for s in stops], dtype=float)
    at = np.linspace(0, len(stops) - 1, LEVELS)
    lo = np.minimum(at.astype(int), len(stops) - 2)
    frac = (at - lo)[:, None]
    return np.rint(rgb[lo] * (1 - frac) + rgb[lo + 1] * frac).astype(np.uint8)


DIVERGING, SEQUENTIAL = _ramp(RDBU), _ramp(BLUES)


def bounds(animation: Animation, grid: int) -> tuple[float, float]:
    """The value range grid ``grid`` shows over the whole animation (its updates included):
    symmetric about 0 when any value is negative."""
    arrays = [animation.grids[grid].values] + [v for f in animation.frames for g, v in f.updates if g == grid]
    finite = np.concatenate([a[np.isfinite(a)] for a in arrays])
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    if lo < 0:
        m = max(-lo, hi)
        return -m, m
    return 0.0, hi if hi > 0 else 1.0


def fills(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``(H, W, 3)`` uint8 cell colours for ``values`` on the range ``lo..hi`` (NaN: ``BLANK``)."""
    ramp = DIVERGING if lo < 0 else SEQUENTIAL
    v = np.asarray(values, dtype=float)
    level = np.rint((np.clip(np.nan_to_num(v, nan=lo), lo, hi) - lo) / (hi - lo) * (LEVELS - 1)).astype(int)
    out = ramp[level]
    out[~np.isfinite(v)] = _rgb(BLANK)
    return out


def text_colours(rgb: np.ndarray) -> np.ndarray:
    """White numbers on dark cells, near-black on light ones: ``(H, W)`` bool, True = white."""
    luminance = rgb.astype(float) @ np.array([0.299, 0.587, 0.114])
    return luminance < 120


def hex_colours(rgb: np.ndarray) -> list[list[str]]:
    return [[f"#{r:02x}{g:02x}{b:02x}" for r, g, b in row] for row in rgb]


def all_colours() -> list[tuple[int, int, int]]:
    """Every colour a frame renderer may use, so a GIF palette can hold them all exactly."""
    fixed = [BACKGROUND, PADDING, UNREACHED, BLANK, TEXT, TEXT_ON_DARK, PADDING_TEXT]
    fixed += [c for c, _ in HIGHLIGHTS.values()]
    ramps = {tuple(int(x) for x in c) for c in np.concatenate([DIVERGING, SEQUENTIAL])}
    return [_rgb(c) for c in fixed] + sorted(ramps)
