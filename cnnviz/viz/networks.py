"""Figures and notation for network summaries: per-layer bar charts, receptive fields, short numbers.

Builders take ``cnnviz.networks`` rows (anything with ``name``, ``kind``, ``params``, ``activations``)
and return plain figure dicts; every word shown comes from the caller (``GroupLabels`` for the legend).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from . import style

__all__ = ["GroupLabels", "field_text", "kind_group", "layer_bars", "short_number"]

GROUPS = {  # layer kind → colour group
    "Conv2d": "conv", "Dense": "dense", "MaxPool2d": "pool", "AvgPool2d": "pool", "GlobalAvgPool": "pool",
    "AdaptiveAvgPool2d": "pool", "GlobalMaxPool": "pool", "BatchNorm2d": "norm", "LocalResponseNorm": "norm",
    "Add": "merge", "Concat": "merge", "Residual": "block", "Sequential": "block",
}
COLOURS = {"conv": "#1f77b4", "dense": "#ff7f0e", "pool": "#2ca02c", "norm": "#7f7f7f", "merge": "#9467bd",
           "block": "#17becf", "other": "#bcbd22"}
MAX_TICK_LABELS = 40  # more bars than this: names only on hover


@dataclass(frozen=True)
class GroupLabels:
    """Legend entries of the colour groups."""

    conv: str = "Convolution"
    dense: str = "Dense"
    pool: str = "Pooling"
    norm: str = "Normalisation"
    merge: str = "Add / concat"
    block: str = "Block"
    other: str = "Activation / reshape"


def kind_group(kind: str) -> str:
    return GROUPS.get(kind, "other")


def short_number(n: float) -> str:
    """``61706`` → ``61.7 K``, ``1814073344`` → ``1.81 G`` (3 significant digits; below 1000 as is);
    from 10¹⁵ on ``1.23e+20``, exact for integers of any size (a network with padding 1e154 has 1e308+ MACs)."""
    if isinstance(n, int) and abs(n) >= 10**15:
        return _scientific(int(n))
    n = float(n)
    if not math.isfinite(n):
        return "∞" if n > 0 else "−∞" if n < 0 else "—"
    if abs(n) >= 1e15:
        return f"{n:.2e}"
    for factor, unit in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= factor:
            value = n / factor
            digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
            return f"{value:.{digits}f} {unit}"
    return f"{n:g}"


def _scientific(n: int) -> str:
    """An integer ≥ 10¹⁵ in magnitude as ``d.dde+X``, rounded half up, without converting it to a float."""
    m = abs(n)
    exp = max(3, int(m.bit_length() * math.log10(2)) - 1)  # a lower bound: adjusted below
    while m >= 10 ** (exp + 1):
        exp += 1
    lead = (m + 5 * 10 ** (exp - 3)) // 10 ** (exp - 2)  # three digits, rounded
    if lead >= 1000:
        lead, exp = lead // 10, exp + 1
    return f"{'-' if n < 0 else ''}{lead // 100}.{lead % 100:02d}e+{exp}"


def field_text(rf) -> str:
    """A receptive field as ``14×14`` (jump 1) or ``14×14 · jump 2``; ``—`` when there is none."""
    if rf is None:
        return "—"
    (h, w), (jh, jw) = rf.size, rf.jump
    jump = "" if (jh, jw) == (1, 1) else f" · jump {jh}" if jh == jw else f" · jump {jh}×{jw}"
    return f"{h}×{w}{jump}"


def layer_bars(rows: Sequence, value: str, title: str, y_title: str, labels: GroupLabels = GroupLabels(),
               height: int = 440) -> dict:
    """Bars of ``row.<value>`` per row, coloured by layer group, in the rows' order.

    ``value='params'`` shows the rows that hold parameters; ``value='activations'`` the rows that
    change the shape or hold parameters (a ReLU or batch norm repeats its input's size).
    """
    if value == "params":
        rows = [r for r in rows if r.params]
    else:
        rows = [r for r in rows if r.params or r.output_shape != r.input_shape]
    names = [r.name for r in rows]
    traces: dict[str, dict] = {}
    for r in rows:
        group = kind_group(r.kind)
        trace = traces.setdefault(group, {
            "type": "bar", "name": getattr(labels, group), "x": [], "y": [], "customdata": [],
            "marker": {"color": COLOURS[group]},
            "hovertemplate": "<b>%{x}</b> (%{customdata})<br>%{y:,}<extra></extra>"})
        trace["x"].append(r.name)
        trace["y"].append(int(getattr(r, value)))
        trace["customdata"].append(r.kind)
    many = len(names) > MAX_TICK_LABELS
    layout = {
        "title": {"text": title, "font": {"size": 20}, "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top"},
        "font": style.FONT, "height": height, "barmode": "overlay", "bargap": 0.15,
        "plot_bgcolor": "white", "paper_bgcolor": "white",
        "margin": {"l": 70, "r": 10, "t": 95, "b": 30 if many else 110},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"},
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": names,
                  "showticklabels": not many, "tickangle": -45, "automargin": True},
        "yaxis": {"title": {"text": y_title}, "tickformat": "~s", "gridcolor": "#e5e5e5", "rangemode": "tozero"},
    }
    return {"data": list(traces.values()), "layout": layout}
