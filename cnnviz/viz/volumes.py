"""Figures for convolution over volumes: the stages of one CNN layer and the 1×1 bottleneck's cost (the
animation of one output cell's arithmetic is :func:`cnnviz.viz.frames.volume_animation`). Drawn only from engine
results."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..layer import Bottleneck, LayerMaps
from ..trace import format_number
from . import style
from .board import TEXT_COLOUR, Board, Slot, cell_texts, heatmap

TITLE = 1.1  # cells above a matrix for its title


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
