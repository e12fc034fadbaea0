"""The two gradients of a convolution layer as animations in the forward player's frame model: one frame
per gradient cell, built from :class:`cnnviz.backward_trace.BackwardTrace` records. No Plotly here."""
from __future__ import annotations

import numpy as np

from ..backward_trace import BackwardTrace
from ..locales import t
from ..trace import Trace, format_number
from .frames import Animation, Frame, _reveal, _row, _window


def _border(shape, rows: tuple[int, int], cols: tuple[int, int]) -> np.ndarray:
    """True outside ``rows[0] ≤ r < rows[1]``, ``cols[0] ≤ c < cols[1]``."""
    mask = np.ones(shape, dtype=bool)
    mask[rows[0]: rows[1], cols[0]: cols[1]] = False
    return mask


def _frames(trace: Trace, output_grid: int) -> tuple[Frame, ...]:
    return tuple(Frame(n + 1, s.index, ((0, _window(s)),), (output_grid, *s.index), s.equation,
                       tuple((0, r, c, format_number(p)) for (r, c), p in zip(_window(s), s.products.ravel())))
                 for n, s in enumerate(trace.steps))


def weight_gradient_animation(back: BackwardTrace, lang: str = "en") -> Animation:
    """``dw = xp ⋆ dy``: the padded input (window: the taps ``dy`` meets, ``s`` apart), ``dy``, and ``dw``."""
    trace, geo = back.weight, back.geometry
    final, order = _reveal(trace.steps, trace.output.shape)
    rows, cols = geo.rows, geo.cols
    padding = _border(trace.padded.shape, (rows.before, rows.before + rows.n), (cols.before, cols.before + cols.n))
    grids = _row((t("backprop.fig.input", lang), trace.padded, {"padding": padding}),
                 (t("backprop.fig.dout", lang), back.dout, {}),
                 (t("backprop.fig.dw", lang), final, {"reveal": order}))
    caption = t("backprop.fig.weight_caption", lang, s_h=rows.stride, s_w=cols.stride)
    return Animation(tuple(grids), _frames(trace, 2), caption, lang)


def input_gradient_animation(back: BackwardTrace, lang: str = "en") -> Animation:
    """``dxp = full(dy↑s) ⋆ rot180(w)``: ``dy`` spread and padded (every added zero grey), the rotated
    kernel, and ``dxp`` with the forward padding (cropped off to give ``dx``) grey."""
    trace, geo = back.input, back.geometry
    final, order = _reveal(trace.steps, trace.output.shape)
    rows, cols = geo.rows, geo.cols
    added = ~trace.real  # the full-convolution padding around the spread dy
    between = np.zeros_like(added)
    (top, _), (left, _) = trace.geometry.pads
    sh, sw = back.spread.shape
    between[top: top + sh, left: left + sw] = np.ones((sh, sw), dtype=bool)
    between[top: top + sh: rows.stride, left: left + sw: cols.stride] = False  # the real dy entries
    cropped = _border(final.shape, (rows.before, rows.before + rows.n), (cols.before, cols.before + cols.n))
    grids = _row((t("backprop.fig.spread", lang), trace.padded, {"padding": added | between}),
                 (t("backprop.fig.rotated", lang), trace.steps[0].kernel, {}),
                 (t("backprop.fig.dx", lang), final, {"reveal": order, "padding": cropped}))
    caption = t("backprop.fig.input_caption", lang, p_top=rows.before, p_left=cols.before)
    return Animation(tuple(grids), _frames(trace, 2), caption, lang)
