"""Figures for convolution over volumes: one output cell's arithmetic channel by channel, the stages
of one CNN layer, and the 1×1 bottleneck's cost. Drawn only from engine results."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..layer import Bottleneck, LayerMaps
from ..trace import ConvStep, format_number
from . import style
from .player import PlayerLabels, add_player
from .board import TEXT_COLOUR, Board, Slot, box, cell_texts, channel_scale, fitted_font, flat, heatmap

MAX_FRAMES = 150  # more output cells than this: the page steps on the server instead (keeps figures ≲ 1.5 MB)
CHANNEL_COLOURS = ("#e06666", "#6aa84f", "#6d9eeb", "#8e7cc3", "#f6b26b", "#76a5af")
GAP = 1.4  # cells between channel columns, and between a filter slice and its products
TITLE = 1.1  # cells above a matrix for its title


@dataclass(frozen=True)
class VolumeLabels:
    """The figure's words (supplied by the page, so they can be translated). ``{…}`` are filled in."""

    input: str = "x · {channel}"
    kernel: str = "W{k} · {channel}"
    products: str = "sum <b>{sum}</b>"
    output: str = "output map {k}"
    caption: str = ("channel sums {partials} = {total},   + bias b{k} = {bias}<br>"
                    "→ <b>{value}</b> in map {k}, row {row}, column {col}")
    play: str = "▶ Play"
    fast: str = "▶▶ Fast"
    pause: str = "❚❚ Pause"
    step: str = "Output cell "


def _operand(text: str) -> str:
    return f"({text})" if text.startswith("−") else text


def volume_figure(xp: np.ndarray, real: np.ndarray, steps: Sequence[ConvStep], out_shape: tuple[int, int, int],
                  channel_names: Sequence[str], labels: VolumeLabels = VolumeLabels(), start: int = 0,
                  animate: bool = True, max_width_px: float = 920, max_height_px: float = 620) -> dict:
    """Each input channel with the window, the filter's slice for it and their products with the
    channel's partial sum; on the right the K output maps filling in.

    ``xp`` ``(C, Hp, Wp)``: the padded input; ``real`` ``(Hp, Wp)``: True on real pixels; ``steps``:
    ``conv2d_steps`` on ``(C, H, W)`` with ``(K, C, f, f)`` filters (filter by filter, row-major);
    ``out_shape`` ``(K, Ho, Wo)``. With ``animate`` and at most ``MAX_FRAMES`` steps, every step is a
    frame (Play/Pause + slider); otherwise the figure shows step ``start``.
    """
    xp, real = np.asarray(xp, dtype=float), np.asarray(real, dtype=bool)
    c_count, hp, wp = xp.shape
    k_count, ho, wo = out_shape
    fh, fw = steps[0].kernel.shape[-2:]
    col_w = max(wp, 2 * fw + GAP)
    slots = []
    for c in range(c_count):
        x0 = c * (col_w + GAP)
        slots += [Slot(x0, TITLE, hp, wp), Slot(x0, TITLE + hp + TITLE + 0.3, fh, fw),
                  Slot(x0 + fw + GAP, TITLE + hp + TITLE + 0.3, fh, fw)]
    out_x = c_count * (col_w + GAP) + 0.6
    slots += [Slot(out_x, TITLE + k * (ho + TITLE + 0.3), ho, wo) for k in range(k_count)]
    board = Board.fit(slots, max_width_px, max_height_px, top_px=10, bottom_px=175 if animate else 75)
    layout = board.layout()

    kernels = np.stack([s.kernel for s in steps])  # (steps, C, fh, fw)
    products = np.stack([s.products for s in steps])
    kernel_scale, product_scale = style.value_scale(kernels), style.value_scale(products)
    final = np.full(out_shape, np.nan)
    order = np.full(out_shape, len(steps))
    for n, s in enumerate(steps):
        final[s.index] = s.value
        order[s.index] = n
    out_scale = style.value_scale(final)

    def font(values: np.ndarray) -> dict:  # one size for a whole group, so frames need not change it
        return fitted_font(cell_texts(values.reshape(-1, values.shape[-1])), board.cell_px)

    input_font, kernel_font, product_font, out_font = font(xp), font(kernels), font(products), font(final)

    data, dynamic = [], []
    for c in range(c_count):
        a_in, a_k, a_p = (board.axis(3 * c + i) for i in range(3))
        colour = CHANNEL_COLOURS[c % len(CHANNEL_COLOURS)]
        data.append(heatmap(np.where(real, xp[c], np.nan), a_in, scale=channel_scale(xp[c][real], colour),
                            textfont=input_font))
        data.append(heatmap(np.where(real, np.nan, xp[c]), a_in, scale={"colorscale": [[0, style.PADDING_COLOUR],
                            [1, style.PADDING_COLOUR]]}, textfont={**input_font, "color": "#888"},
                            hover="padding<extra></extra>"))
        dynamic += [len(data), len(data) + 1]
        data += [None, None]  # kernel and products: filled per step
    for k in range(k_count):
        a = board.axis(3 * c_count + k)
        data.append(flat(ho, wo, "#f2f2f2", a))
        dynamic.append(len(data))
        data.append(None)  # the output map written so far

    def state(n: int) -> tuple[list[dict], dict]:
        s = steps[n]
        k, i, j = s.index
        traces, shapes, notes = [], [], []
        partials = []
        for c in range(c_count):
            a_in, a_k, a_p = (board.axis(3 * c + q) for q in range(3))
            name = channel_names[c]
            traces += [heatmap(s.kernel[c], a_k, scale=kernel_scale, textfont=kernel_font),
                       heatmap(s.products[c], a_p, scale=product_scale, textfont=product_font)]
            shapes.append(box(s.rows[0], s.cols[0], s.rows[-1], s.cols[-1], a_in, style.WINDOW_COLOUR))
            total_c = format_number(s.channel_sums[c])
            notes += [board.title(3 * c, labels.input.format(channel=name)),
                      board.title(3 * c + 1, labels.kernel.format(k=k + 1, channel=name), size=15),
                      board.title(3 * c + 2, labels.products.format(sum=total_c), size=15)]
            partials.append(_operand(total_c))
        for kk in range(k_count):
            written = order[kk] <= n
            a = board.axis(3 * c_count + kk)
            traces.append(heatmap(np.where(written, final[kk], np.nan), a, scale=out_scale, textfont=out_font))
            notes.append(board.title(3 * c_count + kk, labels.output.format(k=kk + 1)))
        shapes.append(box(i, j, i, j, board.axis(3 * c_count + k), style.OUTPUT_COLOUR))
        caption = labels.caption.format(partials=" + ".join(partials), total=format_number(s.total), k=k + 1,
                                        bias=format_number(s.bias), value=format_number(s.value),
                                        row=i + 1, col=j + 1)
        notes.append(board.below(8, caption, 19))
        return traces, {"shapes": shapes, "annotations": notes}

    start = min(max(start, 0), len(steps) - 1)
    traces, frame_layout = state(start)
    for index, trace in zip(dynamic, traces):
        data[index] = trace
    layout.update(frame_layout)
    figure = {"data": data, "layout": layout}
    if not animate or len(steps) > MAX_FRAMES:
        return figure
    frames = []
    for n in range(len(steps)):
        traces, frame_layout = state(n)
        changed = [{"type": "heatmap", "z": t["z"], "text": t["text"]} for t in traces]  # merged into the traces
        frames.append({"name": str(n), "data": changed, "traces": dynamic, "layout": frame_layout})
    figure["frames"] = frames
    add_player(layout, [str(n + 1) for n in range(len(steps))], start,
               PlayerLabels(labels.play, labels.fast, labels.pause, labels.step), durations=(1200, 350),
               buttons_pad=80, slider_pad=70, slider_x=0.32)
    return figure


@dataclass(frozen=True)
class LayerLabels:
    conv: str = "W{k} ∗ x"
    biased: str = "+ b{k} ({bias})"
    activated: str = "{activation}(·)"
    names: tuple[tuple[str, str], ...] = (("relu", "ReLU"), ("leaky_relu", "leaky ReLU"), ("sigmoid", "sigmoid"),
                                          ("tanh", "tanh"))


def layer_figure(maps: LayerMaps, biases: Sequence[float], labels: LayerLabels = LayerLabels(),
                 max_width_px: float = 820, max_height_px: float = 640) -> dict:
    """One row per filter: ``W∗x`` → ``+ b`` → activation, each ``(Ho, Wo)``.

    The first two share one colour scale (so adding the bias shows as a colour shift).
    """
    k_count, ho, wo = maps.conv.shape
    pitch_x, pitch_y = wo + 2.2, ho + TITLE + 0.4
    slots = [Slot(q * pitch_x, TITLE + k * pitch_y, ho, wo) for k in range(k_count) for q in range(3)]
    board = Board.fit(slots, max_width_px, max_height_px, max_cell_px=56)
    layout = board.layout()
    pre_scale = style.value_scale(np.concatenate([maps.conv.ravel(), maps.biased.ravel()]))
    post_scale = style.value_scale(maps.activated)
    name = dict(labels.names).get(maps.activation, maps.activation)
    digits = 2 if maps.activation in ("sigmoid", "tanh") else 4
    data, notes = [], []
    for k in range(k_count):
        axes = [board.axis(3 * k + q) for q in range(3)]
        px = board.cell_px
        data += [heatmap(maps.conv[k], axes[0], scale=pre_scale, cell_px=px),
                 heatmap(maps.biased[k], axes[1], scale=pre_scale, cell_px=px),
                 heatmap(maps.activated[k], axes[2], scale=post_scale, text=cell_texts(maps.activated[k], digits),
                         cell_px=px)]
        notes += [board.title(3 * k, labels.conv.format(k=k + 1)),
                  board.title(3 * k + 1, labels.biased.format(k=k + 1, bias=format_number(biases[k]))),
                  board.title(3 * k + 2, labels.activated.format(activation=name))]
        for q in (1, 2):
            notes.append(board.text(q * pitch_x - 1.1, TITLE + k * pitch_y + ho / 2, "→", 30))
    layout["annotations"] = notes
    return {"data": data, "layout": layout}


@dataclass(frozen=True)
class BottleneckLabels:
    direct: str = "{f} conv<br>{c} → {k}"
    bottleneck: str = "1×1 conv {c} → {r},<br>then {f} conv {r} → {k}"
    reduce: str = "1×1 conv {c} → {r}"
    expand: str = "{f} conv {r} → {k}"


def bottleneck_figure(bn: Bottleneck, labels: BottleneckLabels = BottleneckLabels()) -> dict:
    """Parameters of the direct f×f conv vs the 1×1 bottleneck (stacked: reduce + expand)."""
    f = f"{bn.kernel[0]}×{bn.kernel[1]}"
    words = {"c": bn.in_channels, "r": bn.reduced, "k": bn.out_channels, "f": f}
    direct_name, bottleneck_name = labels.direct.format(**words), labels.bottleneck.format(**words)
    reduce_name, expand_name = labels.reduce.format(**words), labels.expand.format(**words)
    bar = {"type": "bar", "orientation": "h", "textangle": 0, "textfont": {"size": 17, "color": TEXT_COLOUR},
           "cliponaxis": False}
    total = f"{bn.reduce.total:,} + {bn.expand.total:,} = <b>{bn.bottleneck_params:,}</b>"
    data = [{**bar, "y": [direct_name], "x": [bn.direct.total], "text": [f"<b>{bn.direct.total:,}</b>"],
             "textposition": "outside", "marker": {"color": "#9e9e9e"},
             "hovertemplate": f"{direct_name}: %{{x:,}}<extra></extra>"},
            {**bar, "y": [bottleneck_name], "x": [bn.reduce.total], "text": [""], "marker": {"color": "#9fc5e8"},
             "hovertemplate": f"{reduce_name}: %{{x:,}}<extra></extra>"},
            {**bar, "y": [bottleneck_name], "x": [bn.expand.total], "text": [total], "textposition": "outside",
             "marker": {"color": "#3d85c6"}, "hovertemplate": f"{expand_name}: %{{x:,}}<extra></extra>"}]
    longest = max(bn.direct.total, bn.bottleneck_params)
    layout = {"font": {**style.FONT, "color": TEXT_COLOUR}, "barmode": "stack", "showlegend": False, "height": 230,
              "plot_bgcolor": "white", "paper_bgcolor": "white", "margin": {"l": 10, "r": 10, "t": 10, "b": 30},
              "bargap": 0.35,
              "xaxis": {"showgrid": True, "gridcolor": "#e5e5e5", "tickformat": ",", "fixedrange": True,
                        "range": [0, longest * 1.55], "tickfont": {"size": 14, "color": TEXT_COLOUR}},
              "yaxis": {"autorange": "reversed", "fixedrange": True, "automargin": True,
                        "tickfont": {"size": 16, "color": TEXT_COLOUR}}}
    return {"data": data, "layout": layout}
