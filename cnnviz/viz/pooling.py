"""Figures for pooling: where max/min pooling's gradient goes, and channels kept apart (pooling)
next to channels summed (convolution). Drawn only from engine results."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..trace import PoolStep, format_number
from . import style
from .board import TEXT_COLOUR, Board, Slot, box, cell_texts, channel_scale, heatmap

MIN_TEXT_CELL_PX = 20  # smaller cells drop their numbers: unreadable anyway
WINNER_FILL = "rgba(148, 103, 189, 0.35)"

CHANNEL_COLOURS = ("#e06666", "#6aa84f", "#6d9eeb", "#8e7cc3", "#f6b26b", "#76a5af")  # one per input channel


def _padding_trace(padded: np.ndarray, real: np.ndarray, axis: str) -> dict:
    shown = np.where(real, np.nan, np.where(np.isfinite(padded), padded, np.nan))
    trace = heatmap(np.where(real, np.nan, 0.0), axis, text=cell_texts(shown),
                    scale={"colorscale": [[0, style.PADDING_COLOUR], [1, style.PADDING_COLOUR]]},
                    textfont={**style.CELL_FONT, "color": "#888"}, hover="padding<extra></extra>")
    return trace


@dataclass(frozen=True)
class WinnerLabels:
    input: str = "Input: winners in purple"
    output: str = "Output"


def winners_figure(padded: np.ndarray, real: np.ndarray, steps: Sequence[PoolStep], out_shape: tuple[int, int],
                   labels: WinnerLabels = WinnerLabels(), max_width_px: float = 520) -> dict:
    """The padded input with every window's winner boxed, and the output map.

    ``padded`` ``(Hp, Wp)`` and ``real`` ``(Hp, Wp)`` as in ``Trace``; ``steps``: max or min pooling
    records of one channel (each has ``winner``, a padded (row, col)).
    """
    padded, real = np.asarray(padded, dtype=float), np.asarray(real, dtype=bool)
    hp, wp = padded.shape
    ho, wo = out_shape
    board = Board.fit([Slot(0, 1.2, hp, wp), Slot(wp + 2.5, 1.2, ho, wo)], max_width_px, 480)
    layout = board.layout()
    values = np.where(real, padded, np.nan)
    output = np.full(out_shape, np.nan)
    for s in steps:
        output[s.index[-2], s.index[-1]] = s.value
    scale = style.value_scale(values)
    data = [heatmap(values, board.axis(0), scale=scale, cell_px=board.cell_px),
            _padding_trace(padded, real, board.axis(0)),
            heatmap(output, board.axis(1), scale=scale, cell_px=board.cell_px)]
    winners = sorted({s.winner for s in steps if s.winner is not None})
    layout["shapes"] = [box(r, c, r, c, board.axis(0), style.WINNER_COLOUR, 4, WINNER_FILL) for r, c in winners]
    layout["annotations"] = [board.title(0, labels.input, size=17), board.title(1, labels.output, size=17),
                             board.text(wp + 1.25, 1.2 + hp / 2, "→", 30)]
    return {"data": data, "layout": layout}


@dataclass(frozen=True)
class ChannelLabels:
    pooling: str = "<b>Pooling</b>: channel by channel"
    convolution: str = "<b>Convolution</b>: channels summed"
    input: str = "x · ch {c}"
    pooled: str = "{mode} pool · ch {c}"
    part: str = "W · ch {c} ∗ x · ch {c}"
    total: str = "Σ + b ({bias})"
    modes: tuple[tuple[str, str], ...] = (("max", "max"), ("avg", "avg"), ("min", "min"))


def channels_figure(x: np.ndarray, pooled: np.ndarray, parts: np.ndarray, conv_out: np.ndarray, bias: float,
                    mode: str, labels: ChannelLabels = ChannelLabels(), max_width_px: float = 900,
                    max_height_px: float = 640) -> dict:
    """Rows = input channels: ``x[c]`` → pooled ``[c]`` (C maps out) beside ``W[c]∗x[c]`` → Σ (one map out).

    ``x`` ``(C, H, W)``; ``pooled`` ``(C, Ho, Wo)``; ``parts`` ``(C, Hc, Wc)`` each channel's share of
    the convolution (``channel_contributions``); ``conv_out`` ``(Hc, Wc)`` = Σ parts + ``bias``.
    """
    x, pooled, parts = (np.asarray(a, dtype=float) for a in (x, pooled, parts))
    c_count, h, w = x.shape
    _, ho, wo = pooled.shape
    _, hc, wc = parts.shape
    row_h = max(h, ho, hc) + 1.4
    top = 1.4  # the two block headings
    x_pool = w + 2.4
    x_part = x_pool + wo + 3.2
    x_sum = x_part + wc + 2.6
    slots = []
    for c in range(c_count):
        y = top + 1.1 + c * row_h
        slots += [Slot(0, y, h, w), Slot(x_pool, y, ho, wo), Slot(x_part, y, hc, wc)]
    y_sum = top + 1.1 + (c_count * row_h - 1.4) / 2 - hc / 2
    slots.append(Slot(x_sum, y_sum, hc, wc))
    board = Board.fit(slots, max_width_px, max_height_px, top_px=10)
    layout = board.layout()
    px = board.cell_px
    show_text = px >= MIN_TEXT_CELL_PX
    part_scale = style.value_scale(parts)
    mode_name = dict(labels.modes).get(mode, mode)

    def text(values):
        return cell_texts(values) if show_text else [[""] * values.shape[1]] * values.shape[0]

    data, notes, shapes = [], [], []
    for c in range(c_count):
        a_in, a_pool, a_part = (board.axis(3 * c + q) for q in range(3))
        colour = CHANNEL_COLOURS[c % len(CHANNEL_COLOURS)]
        data += [heatmap(x[c], a_in, scale=channel_scale(x[c], colour), text=text(x[c]), cell_px=px),
                 heatmap(pooled[c], a_pool, scale=channel_scale(pooled[c], colour), text=text(pooled[c]), cell_px=px),
                 heatmap(parts[c], a_part, scale=part_scale, text=text(parts[c]), cell_px=px)]
        notes += [board.title(3 * c, labels.input.format(c=c + 1), 15),
                  board.title(3 * c + 1, labels.pooled.format(mode=mode_name, c=c + 1), 15),
                  board.title(3 * c + 2, labels.part.format(c=c + 1), 15)]
        notes.append(board.text(w + 1.2, slots[3 * c].y + h / 2, "→", 26))
        shapes.append(board.line(x_part + wc + 0.25, slots[3 * c + 2].y + hc / 2, x_sum - 0.25, y_sum + hc / 2))
    data.append(heatmap(conv_out, board.axis(3 * c_count), scale=style.value_scale(conv_out), text=text(conv_out),
                        cell_px=px))
    notes.append(board.title(3 * c_count, labels.total.format(bias=format_number(bias)), 15))
    notes += [board.text((x_pool + wo) / 2, 0.2, labels.pooling, 18, yanchor="top"),
              board.text((x_part + x_sum + wc) / 2, 0.2, labels.convolution, 18, yanchor="top")]
    divider = x_pool + wo + 1.6
    shapes.append(board.line(divider, 0, divider, board.height, "#bbb", 2, "dash"))
    layout["annotations"], layout["shapes"] = notes, shapes
    layout["font"] = {**layout["font"], "color": TEXT_COLOUR}
    return {"data": data, "layout": layout}
