"""Figures for the live-training page: learning curves, filters, activations, softmax, confusion.

Plotly figures are plain dicts (cheap to build several times a second); small digit images are
uint8 arrays, enlarged with whole-pixel blocks so they stay sharp on a projector. Every word a
figure shows comes from a labels dataclass that the page fills in.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import style
from .style import shape_text

MAX_POINTS = 1500  # per-step curves are thinned to this many points (a 10-epoch full-MNIST run has 9,380)
LOSS_COLOUR = "#1f77b4"
TRAIN_COLOUR = "#ff7f0e"
TEST_COLOUR = "#2ca02c"
WRONG_COLOUR = "#d62728"
GREYS = [[0.0, "#000000"], [1.0, "#ffffff"]]  # MNIST convention: 0 = black background, 255 = white ink


@dataclass(frozen=True)
class CurveLabels:
    loss: str = "Training loss (cross-entropy)"
    accuracy: str = "Accuracy (%)"
    step: str = "Batches trained"
    batch_loss: str = "loss of each batch"
    smoothed: str = "smoothed"
    train_accuracy: str = "training (running)"
    test_accuracy: str = "held-out test images"


def _thin(*arrays: np.ndarray, limit: int = MAX_POINTS):
    n = len(arrays[0])
    if n <= limit:
        return arrays
    keep = np.unique(np.linspace(0, n - 1, limit).round().astype(int))
    return tuple(a[keep] for a in arrays)


@dataclass(frozen=True)
class RunCurves:
    """One run's history to compare against: smoothed training loss per batch, held-out accuracy per check.

    ``steps, running_loss`` ``(S,)``; ``eval_steps, eval_accuracy`` ``(E,)`` (fractions); ``name`` labels it.
    """

    name: str
    steps: np.ndarray
    running_loss: np.ndarray
    eval_steps: np.ndarray
    eval_accuracy: np.ndarray


RUN_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")  # one per run in a comparison
PREVIOUS_COLOUR = "#7f7f7f"


def _run_traces(run: RunCurves, colour: str, dash: str, width: float, legend: bool) -> list[dict]:
    steps, smooth = _thin(np.asarray(run.steps, float), np.asarray(run.running_loss, float))
    common = {"type": "scatter", "name": run.name, "legendgroup": run.name, "hoverinfo": "x+y+name",
              "line": {"color": colour, "width": width, "dash": dash}}
    return [
        {**common, "mode": "lines", "x": steps.tolist(), "y": np.round(smooth, 4).tolist(), "xaxis": "x",
         "yaxis": "y", "showlegend": legend},
        {**common, "mode": "lines+markers", "x": np.asarray(run.eval_steps, float).tolist(),
         "y": np.round(100 * np.asarray(run.eval_accuracy, float), 2).tolist(), "marker": {"size": 7},
         "xaxis": "x2", "yaxis": "y2", "showlegend": False},
    ]


def _two_panels(x_max: float, y_loss: float, labels: "CurveLabels", legend: bool) -> dict:
    axis = {"gridcolor": "#e5e5e5", "zeroline": False, "tickfont": {"size": 15}}
    # No linked axes: they make every live update markedly slower to draw; both x axes get the same range.
    return {
        "font": style.FONT, "height": 460, "margin": {"l": 70, "r": 20, "t": 40 if legend else 20, "b": 55},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "uirevision": "curves", "showlegend": legend,
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 15}},
        "xaxis": {**axis, "range": [0, x_max], "domain": [0, 1], "anchor": "y", "showticklabels": False},
        "yaxis": {**axis, "range": [0, y_loss], "domain": [0.56, 1], "title": {"text": labels.loss}},
        "xaxis2": {**axis, "range": [0, x_max], "anchor": "y2", "title": {"text": labels.step}},
        "yaxis2": {**axis, "range": [0, 100], "domain": [0, 0.46], "title": {"text": labels.accuracy}},
    }


def comparison_figure(runs: Sequence[RunCurves], total_steps: int | None, labels: "CurveLabels" = None) -> dict:
    """Several runs on one chart: smoothed loss (top) and held-out accuracy (bottom), one colour each, a legend."""
    labels = labels or CurveLabels()
    data = [trace for run, colour in zip(runs, RUN_COLOURS) for trace in _run_traces(run, colour, "solid", 3, True)]
    longest = max([float(np.max(r.steps)) for r in runs if len(r.steps)] + [float(total_steps or 0), 1.0])
    highest = max([float(np.nanmax(r.running_loss)) * 1.05 for r in runs if len(r.running_loss)] + [2.5])
    return {"data": data, "layout": _two_panels(longest, highest, labels, legend=True)}


def curves_figure(steps, loss, running_loss, accuracy, eval_steps, eval_accuracy, total_steps: int | None,
                  labels: CurveLabels = CurveLabels(), previous: RunCurves | None = None) -> dict:
    """Loss (top) and accuracy (bottom) against batches trained; the x axis spans the whole run.

    ``steps, loss, running_loss, accuracy`` ``(S,)``: one entry per batch — the batch's loss, its
    smoothed average, the running training accuracy (a fraction); ``eval_steps, eval_accuracy``
    ``(E,)``: the periodic held-out evaluation. ``previous``, if given, is drawn dashed grey behind
    (say, the same network without BatchNorm), so a change of settings shows on the curves.
    """
    steps, loss, running_loss, accuracy = (np.asarray(a, float) for a in (steps, loss, running_loss, accuracy))
    eval_steps, eval_accuracy = np.asarray(eval_steps, float), np.asarray(eval_accuracy, float)
    t_steps, t_loss, t_smooth, t_acc = _thin(steps, loss, running_loss, accuracy)
    x_max = max(total_steps or 0, float(steps.max()) if len(steps) else 1.0, 1.0)
    y_loss = max(2.5, float(np.nanmax(loss)) * 1.05) if len(loss) else 2.5
    line = {"mode": "lines", "hoverinfo": "x+y"}
    data = [
        {**line, "type": "scatter", "x": t_steps.tolist(), "y": np.round(t_loss, 4).tolist(),
         "name": labels.batch_loss, "line": {"color": LOSS_COLOUR, "width": 1}, "opacity": 0.35,
         "xaxis": "x", "yaxis": "y"},
        {**line, "type": "scatter", "x": t_steps.tolist(), "y": np.round(t_smooth, 4).tolist(),
         "name": labels.smoothed, "line": {"color": LOSS_COLOUR, "width": 3}, "xaxis": "x", "yaxis": "y"},
        {**line, "type": "scatter", "x": t_steps.tolist(), "y": np.round(100 * t_acc, 2).tolist(),
         "name": labels.train_accuracy, "line": {"color": TRAIN_COLOUR, "width": 2}, "xaxis": "x2", "yaxis": "y2"},
        {"type": "scatter", "mode": "lines+markers", "x": eval_steps.tolist(),
         "y": np.round(100 * eval_accuracy, 2).tolist(), "name": labels.test_accuracy, "hoverinfo": "x+y",
         "line": {"color": TEST_COLOUR, "width": 3}, "marker": {"size": 9}, "xaxis": "x2", "yaxis": "y2"},
    ]
    if previous is not None:  # behind the live curves; x range unchanged, so the live run keeps its scale
        data = _run_traces(previous, PREVIOUS_COLOUR, "dash", 2, False) + data
    # No legend: it makes every live update markedly slower to draw; the page names the colours in its caption.
    return {"data": data, "layout": _two_panels(x_max, y_loss, labels, legend=False)}


def mosaic(maps: np.ndarray, columns: int | None = None, gap: int = 1) -> np.ndarray:
    """``(C, H, W)`` maps side by side in a grid, ``gap`` NaN pixels between them → ``(R·(H+gap)−gap, …)``.

    ``columns`` defaults to a near-square grid.
    """
    maps = np.asarray(maps, float)
    c, h, w = maps.shape
    columns = columns or int(np.ceil(np.sqrt(c)))
    rows = int(np.ceil(c / columns))
    out = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), np.nan)
    for k in range(c):
        r, q = divmod(k, columns)
        out[r * (h + gap):r * (h + gap) + h, q * (w + gap):q * (w + gap) + w] = maps[k]
    return out


def vector_grid(values: np.ndarray, width: int | None = None) -> np.ndarray:
    """A vector of N units folded into rows of ``width`` (default: near-square), NaN-padded."""
    values = np.asarray(values, float).ravel()
    width = width or int(np.ceil(np.sqrt(len(values))))
    rows = int(np.ceil(len(values) / width))
    out = np.full(rows * width, np.nan)
    out[:len(values)] = values
    return out.reshape(rows, width)


def course_stages(stages: Sequence[tuple[str, np.ndarray]], kinds: Sequence[str],
                  activation_kinds: Sequence[str] = ("batchnorm", "relu", "tanh", "dropout"),
                  ) -> list[tuple[str, np.ndarray]]:
    """``Model.activations`` output → the stages the course draws (28×28×1 → 24×24×6 → … → 10).

    ``stages`` is ``[("input", …), one per layer …, ("softmax", …)]`` and ``kinds`` the layers' kinds.
    The output of a layer that keeps the shape — BatchNorm, the activation function, Dropout — replaces
    the stage before it under that stage's name (a conv panel shows its maps after BatchNorm and ReLU);
    the softmax is left out (it is drawn as bars).
    """
    if len(stages) != len(kinds) + 2:
        raise ValueError(f"expected input, {len(kinds)} layers and softmax; got {len(stages)} stages")
    out = [stages[0]]
    for (name, values), kind in zip(stages[1:-1], kinds):
        if kind in activation_kinds and len(out) > 1:
            out[-1] = (out[-1][0], values)
        else:
            out.append((name, values))
    return out


def _heatmap(z: np.ndarray, colour: dict, hover: str) -> dict:
    return {"type": "heatmap", "z": np.where(np.isfinite(z), np.round(z, 3), None).tolist(),
            "showscale": False, "hoverongaps": False,
            "hovertemplate": hover + "<extra></extra>", "xgap": 0, "ygap": 0, **colour}


def _colour(values: np.ndarray) -> dict:
    """Greys for non-negative values (0 black, like MNIST), blue–white–red around 0 for signed ones."""
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() < 0:
        return style.value_scale(finite)
    top = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    return {"colorscale": GREYS, "zmin": 0, "zmax": top}


def filters_figure(weights: np.ndarray, title: str = "") -> dict:
    """First-layer filters ``(K, 1, kh, kw)`` as a row of small images, one shared scale centred at 0.

    Red = positive weight, blue = negative, white = 0.
    """
    w = np.asarray(weights, float)
    w = w[:, 0] if w.ndim == 4 else w
    grid = mosaic(w, columns=len(w))
    m = float(np.nanmax(np.abs(grid))) or 1.0
    trace = _heatmap(grid, {"colorscale": style.DIVERGING, "zmin": -m, "zmax": m}, "%{z}")
    k, kh, kw = w.shape
    ticks = [i * (kw + 1) + (kw - 1) / 2 for i in range(k)]
    layout = {"font": style.FONT, "height": 150, "margin": {"l": 10, "r": 10, "t": 40 if title else 5, "b": 30},
              "plot_bgcolor": "white", "paper_bgcolor": "white", "title": {"text": title, "x": 0.01},
              "xaxis": {"tickvals": ticks, "ticktext": [str(i + 1) for i in range(k)], "showgrid": False,
                        "zeroline": False, "range": [-0.5, grid.shape[1] - 0.5], "constrain": "domain",
                        "tickfont": {"size": 15}},
              "yaxis": {"visible": False, "range": [grid.shape[0] - 0.5, -0.5], "scaleanchor": "x",
                        "constrain": "domain"}}
    return {"data": [trace], "layout": layout}


def activations_figure(layers: Sequence[tuple[str, np.ndarray]], height: int = 190, panel: float = 60.0,
                       gap: float = 12.0) -> dict:
    """Every layer's output for one image, left to right: ``(name, array)`` with arrays ``(C, H, W)``
    (maps in a near-square grid) or ``(N,)`` (units folded into a near-square grid), each drawn
    ``panel`` units across whatever its size, and captioned above with its shape in the course's
    notation (``24×24×6``) and its name. The first panel is the image as the network reads it, in
    grey levels from its darkest to its brightest value (the engine standardises pixels).

    All panels share one pair of axes (one heatmap each, placed with ``x0``/``dx``): drawing one
    subplot is much cheaper than nine, which matters for a chart that updates while training.
    """
    data, annotations, left = [], [], 0.0
    for i, (name, values) in enumerate(layers):
        values = np.asarray(values, float)
        z = mosaic(values) if values.ndim == 3 else values if values.ndim == 2 else vector_grid(values)
        h, w = z.shape
        scale = panel / max(h, w)  # units per cell
        colour = _colour(z) if i else {"colorscale": GREYS, "zmin": float(np.nanmin(z)), "zmax": float(np.nanmax(z))}
        trace = _heatmap(z, colour, f"{name}<br>%{{z}}")
        trace.update(x0=left + scale / 2, dx=scale, y0=scale / 2, dy=scale)
        data.append(trace)
        annotations.append({"text": f"<b>{shape_text(values.shape)}</b><br>{name}", "showarrow": False,
                            "xref": "x", "yref": "paper", "x": left + w * scale / 2, "y": 1, "xanchor": "center",
                            "yanchor": "bottom", "yshift": 4, "font": {"size": 15}})
        left += panel + gap
    width = left - gap
    layout = {"font": style.FONT, "height": height, "margin": {"l": 5, "r": 5, "t": 60, "b": 5},
              "plot_bgcolor": "white", "paper_bgcolor": "white", "annotations": annotations,
              "xaxis": {"visible": False, "range": [0, width], "constrain": "domain"},
              "yaxis": {"visible": False, "range": [panel, 0], "scaleanchor": "x", "constrain": "domain",
                        "constraintoward": "top"}}
    return {"data": data, "layout": layout}


def probabilities_figure(probabilities: np.ndarray, true_label: int | None = None, title: str = "",
                         height: int = 300) -> dict:
    """Softmax output ``(10,)`` as bars; the predicted digit's bar is dark, a wrong one red,
    and the true digit (if known) is outlined in green."""
    p = np.asarray(probabilities, float).ravel()
    pred = int(np.argmax(p))
    colours = ["#9ecae1"] * len(p)
    colours[pred] = LOSS_COLOUR if true_label is None or pred == true_label else WRONG_COLOUR
    outline = [TEST_COLOUR if true_label is not None and k == true_label else "rgba(0,0,0,0)" for k in range(len(p))]
    bar = {"type": "bar", "x": [str(k) for k in range(len(p))], "y": np.round(100 * p, 2).tolist(),
           "marker": {"color": colours, "line": {"color": outline, "width": 4}},
           "text": [f"{100 * v:.0f}%" if v >= 0.005 else "" for v in p], "textposition": "outside",
           "textfont": {"size": 15}, "hovertemplate": "%{x}: %{y:.2f}%<extra></extra>", "cliponaxis": False}
    layout = {"font": style.FONT, "height": height, "margin": {"l": 50, "r": 10, "t": 45 if title else 15, "b": 40},
              "plot_bgcolor": "white", "paper_bgcolor": "white", "title": {"text": title, "x": 0.01},
              "xaxis": {"type": "category", "tickfont": {"size": 18}, "tickvals": bar["x"], "ticktext": bar["x"]},
              "yaxis": {"range": [0, 112], "ticksuffix": "%", "gridcolor": "#e5e5e5", "tickvals": [0, 25, 50, 75, 100]},
              "bargap": 0.25}
    return {"data": [bar], "layout": layout}


def confusion_figure(confusion: np.ndarray, true_axis: str = "true digit", predicted_axis: str = "predicted digit",
                     height: int = 460) -> dict:
    """A 10×10 confusion matrix of counts (rows: true, columns: predicted), the count in every cell."""
    c = np.asarray(confusion, np.int64)
    k = len(c)
    off = c.copy()
    np.fill_diagonal(off, 0)
    # The diagonal would swamp the colour scale: colour mistakes red, correct answers blue.
    z_wrong = np.where(off > 0, off, np.nan)
    z_right = np.where(np.eye(k, dtype=bool), c, np.nan)
    labels = [str(i) for i in range(k)]
    common = {"type": "heatmap", "x": labels, "y": labels, "texttemplate": "%{z}", "textfont": {"size": 15},
              "showscale": False, "hoverongaps": False, "xgap": 2, "ygap": 2,
              "hovertemplate": f"{true_axis} %{{y}}, {predicted_axis} %{{x}}: %{{z}}<extra></extra>"}
    top_wrong = max(float(np.nanmax(z_wrong)) if np.isfinite(z_wrong).any() else 1.0, 1.0)
    data = [
        {**common, "z": np.where(np.isfinite(z_right), z_right, None).tolist(),
         "colorscale": [[0, "#c6dbef"], [1, "#2171b5"]], "zmin": 0, "zmax": max(float(c.max()), 1.0)},
        {**common, "z": np.where(np.isfinite(z_wrong), z_wrong, None).tolist(),
         "colorscale": [[0, "#fee0d2"], [1, "#cb181d"]], "zmin": 0, "zmax": top_wrong},
    ]
    layout = {"font": style.FONT, "height": height, "margin": {"l": 70, "r": 10, "t": 10, "b": 60},
              "plot_bgcolor": "#f7f7f7", "paper_bgcolor": "white",
              "xaxis": {"title": {"text": predicted_axis}, "type": "category", "side": "bottom", "tickfont": {"size": 16}},
              "yaxis": {"title": {"text": true_axis}, "type": "category", "autorange": "reversed",
                        "tickfont": {"size": 16}, "scaleanchor": "x", "constrain": "domain"}}
    return {"data": data, "layout": layout}


def per_class_figure(per_class: np.ndarray, axis_title: str = "accuracy per digit (%)", height: int = 300) -> dict:
    """Bars of each digit's accuracy (fractions in, percent shown)."""
    p = np.asarray(per_class, float)
    bar = {"type": "bar", "x": [str(k) for k in range(len(p))], "y": np.round(100 * p, 1).tolist(),
           "marker": {"color": [TEST_COLOUR if v >= 0.9 else TRAIN_COLOUR if v >= 0.7 else WRONG_COLOUR for v in p]},
           "text": [f"{100 * v:.0f}" for v in p], "textposition": "outside", "textfont": {"size": 15},
           "hovertemplate": "%{x}: %{y:.1f}%<extra></extra>", "cliponaxis": False}
    layout = {"font": style.FONT, "height": height, "margin": {"l": 60, "r": 10, "t": 15, "b": 40},
              "plot_bgcolor": "white", "paper_bgcolor": "white",
              "xaxis": {"type": "category", "tickfont": {"size": 18}},
              "yaxis": {"range": [0, 112], "title": {"text": axis_title}, "gridcolor": "#e5e5e5",
                        "tickvals": [0, 25, 50, 75, 100]}}
    return {"data": [bar], "layout": layout}


# ---------------------------------------------------------------- images (uint8 arrays for st.image)
def fit_square(image: np.ndarray, size: int = 160, fill=(225, 225, 225), margin: int = 8) -> np.ndarray:
    """``image`` (grey or RGB) enlarged in whole-pixel blocks to fit a ``size``×``size`` RGB tile,
    centred on a light-grey ``fill`` with at least ``margin`` px around it, so steps of different
    shapes line up at one size."""
    a = _rgb(image)
    h, w = a.shape[:2]
    inner = size - 2 * margin
    factor = max(1, inner // max(h, w))
    if factor > 1:
        a = np.repeat(np.repeat(a, factor, axis=0), factor, axis=1)
    elif max(h, w) > inner:  # larger than the tile: take every k-th pixel (a preview, not a measurement)
        step = int(np.ceil(max(h, w) / inner))
        a = a[::step, ::step]
    h, w = a.shape[:2]
    out = np.empty((size, size, 3), np.uint8)
    out[...] = fill
    top, left = (size - h) // 2, (size - w) // 2
    out[top:top + h, left:left + w] = a
    return out


def enlarge(image: np.ndarray, size: int = 112) -> np.ndarray:
    """A small image shown about ``size`` px tall: whole-pixel blocks (sharp) when enlarging,
    nothing when it is already that large. Float images in [0, 1] become uint8."""
    a = np.asarray(image)
    if a.dtype != np.uint8:
        a = np.round(np.clip(a, 0, 1) * 255).astype(np.uint8)
    factor = max(1, size // max(a.shape[0], 1))
    if factor > 1:
        a = np.repeat(np.repeat(a, factor, axis=0), factor, axis=1)
    return a


def _rgb(image: np.ndarray) -> np.ndarray:
    a = np.asarray(image)
    if a.dtype != np.uint8:
        a = np.round(np.clip(a, 0, 1) * 255).astype(np.uint8)
    return np.repeat(a[..., None], 3, axis=2) if a.ndim == 2 else a.copy()


def with_box(image: np.ndarray, box: tuple[int, int, int, int], colour=(255, 127, 14), width: int = 2) -> np.ndarray:
    """An RGB copy of ``image`` with the rectangle ``(top, bottom, left, right)`` (exclusive) drawn on it."""
    out = _rgb(image)
    top, bottom, left, right = box
    h, w = out.shape[:2]
    t0, b1 = max(top - width, 0), min(bottom + width, h)
    l0, r1 = max(left - width, 0), min(right + width, w)
    out[t0:top, l0:r1] = colour
    out[bottom:b1, l0:r1] = colour
    out[t0:b1, l0:left] = colour
    out[t0:b1, right:r1] = colour
    return out


def with_centre_marks(image: np.ndarray, centre: tuple[float, float], target: tuple[float, float],
                      size: int = 224) -> np.ndarray:
    """An enlarged RGB ``image`` with a green cross at ``target`` (the field's centre) and an orange dot
    at ``centre`` (the ink's centre of mass), both in pixel indices of the small image."""
    out = _rgb(enlarge(image, size))
    f = out.shape[0] / np.asarray(image).shape[0]
    h, w = out.shape[:2]
    ty, tx = int((target[0] + 0.5) * f), int((target[1] + 0.5) * f)
    out[max(ty - 1, 0):ty + 2, :] = (44, 160, 44)
    out[:, max(tx - 1, 0):tx + 2] = (44, 160, 44)
    cy, cx = (centre[0] + 0.5) * f, (centre[1] + 0.5) * f
    rows, cols = np.ogrid[:h, :w]
    out[(rows - cy) ** 2 + (cols - cx) ** 2 <= (0.25 * f) ** 2 + 9] = (255, 127, 14)
    return out
