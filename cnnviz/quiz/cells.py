"""Value questions: one output cell of a convolution, a whole small feature map, a pooled value and the
pixel max pooling picks. Answers and worked solutions are the step records of :mod:`cnnviz.trace`."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..errors import CnnvizError
from ..padding import pad2d
from ..shapes import conv_geometry
from ..trace import ConvStep, conv2d_steps, pool2d_steps
from .records import Answer, Phrase, Question, Worked

TOLERANCE = 0.005  # decimals: right to two places


def _conv_problem(rng: np.random.Generator, level: int, n_range, f: int):
    """A small integer input, a kernel, and the geometry for ``level``."""
    n = int(rng.integers(*n_range))
    if level == 1:
        x, w = rng.integers(0, 4, (n, n)), rng.integers(-1, 2, (f, f))
        return x, w, 0.0, 1, 0, 1
    x = rng.integers(-2, 5, (n, n))
    if level == 2:
        return x, rng.integers(-2, 3, (f, f)), float(rng.integers(-2, 3)), int(rng.integers(1, 3)), 1, 1
    w = rng.integers(-2, 3, (f, f)) / 2  # halves: the answer is a decimal
    return x, w, float(rng.integers(-2, 3)), 2, 1, int(rng.integers(1, 3))


def _conv_data(x, w, bias, stride, padding, dilation, flip=False) -> dict:
    return {"x": x.astype(np.float64), "w": w.astype(np.float64), "bias": bias, "stride": stride,
            "padding": padding, "dilation": dilation, "flip": flip}


def _conv_prompt_params(bias, stride, padding, dilation) -> dict:
    return {"bias": bias, "stride": stride, "padding": padding, "dilation": dilation}


def _whole(*arrays) -> bool:
    return all(np.all(np.asarray(a) == np.round(a)) for a in arrays)


def _one_step(x, w, bias, stride, padding, dilation, flip, cell) -> ConvStep:
    """The trace record of one output cell: the trace of its window alone, placed back at ``cell``
    (as :func:`cnnviz.edges.pixel_trace` does), instead of tracing every cell."""
    geo = conv_geometry(x.shape, w.shape, stride, padding, dilation)
    i, j = cell
    if not (0 <= i < geo.rows.out and 0 <= j < geo.cols.out):
        raise CnnvizError("no_such_cell", row=i + 1, col=j + 1, rows=geo.rows.out, cols=geo.cols.out)
    rows, cols = geo.rows.window(i), geo.cols.window(j)
    window = pad2d(x, geo.pads)[rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1]  # (span_h, span_w)
    (step,) = conv2d_steps(window, w, np.array([bias]), 1, 0, dilation, flip)
    return replace(step, index=(i, j), rows=tuple(int(r) for r in rows), cols=tuple(int(c) for c in cols))


def conv_cell_question(x, w, bias: float = 0.0, stride=1, padding=0, dilation=1, cell=(0, 0),
                       flip: bool = False) -> Question:
    """“What value goes into output cell ``cell`` (0-based ``(i, j)``)?” for input ``(H, W)``, kernel ``(fh, fw)``.

    Exact for whole numbers, else within :data:`TOLERANCE`. Pages build this from their own settings.
    """
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    step = _one_step(x, w, bias, stride, padding, dilation, flip, tuple(cell))
    i, j = step.index
    prompt = Phrase("quiz.conv_cell.prompt_flipped" if flip else "quiz.conv_cell.prompt",
                    {"row": i + 1, "col": j + 1, **_conv_prompt_params(bias, stride, padding, dilation)})
    answer = Answer("integer", int(step.value)) if _whole(x, w, bias) else Answer("number", step.value, TOLERANCE)
    worked = Worked(Phrase("quiz.conv_cell.explain", {"rows": ", ".join(str(r + 1) for r in step.rows),
                                                      "cols": ", ".join(str(c + 1) for c in step.cols)}),
                    (step.equation,), (step,))
    return Question("conv_cell", None, None, prompt, answer, worked,
                    _conv_data(x, w, bias, stride, padding, dilation, flip))


def conv_cell(rng: np.random.Generator, level: int) -> Question:
    """Level 1: 0/±1 kernel, valid, stride 1. 2: padding 1, stride 1–2, bias. 3: halves, stride 2, dilation."""
    x, w, bias, stride, padding, dilation = _conv_problem(rng, level, (4, 7), 3)
    rows, cols = conv_geometry(x.shape, w.shape, stride, padding, dilation).out_shape
    cell = int(rng.integers(rows)), int(rng.integers(cols))
    return conv_cell_question(x, w, bias, stride, padding, dilation, cell)


def feature_map_question(x, w, bias: float = 0.0, stride=1, padding=0, dilation=1,
                         flip: bool = False) -> Question:
    """“Compute the whole feature map” for a 2-D input and kernel; every cell within :data:`TOLERANCE`."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    steps = conv2d_steps(x, w, np.array([bias]), stride, padding, dilation, flip)  # row by row
    out = np.array([s.value for s in steps]).reshape(steps[-1].index[0] + 1, -1)  # (OH, OW)
    prompt = Phrase("quiz.feature_map.prompt_flipped" if flip else "quiz.feature_map.prompt",
                    _conv_prompt_params(bias, stride, padding, dilation))
    worked = Worked(Phrase("quiz.feature_map.explain", {"rows": out.shape[0], "cols": out.shape[1]}),
                    tuple(s.equation for s in steps), steps)
    return Question("feature_map", None, None, prompt, Answer("matrix", out, TOLERANCE), worked,
                    _conv_data(x, w, bias, stride, padding, dilation, flip))


def feature_map(rng: np.random.Generator, level: int) -> Question:
    """The whole (small) output map. Level 1: 3×3 input, 2×2 kernel. 2: 4×4, 3×3, bias. 3: halves, stride 2."""
    f = 2 if level == 1 else 3
    x, w, bias, stride, padding, dilation = _conv_problem(rng, level, (3, 4) if level == 1 else (4, 6), f)
    if level == 2:
        stride, padding = 1, 0
    if level == 3:
        dilation = 1
    return feature_map_question(x, w, bias, stride, padding, dilation)


def _pool_problem(rng: np.random.Generator, level: int, mode: str):
    if level == 1:
        return rng.integers(0, 10, (4, 4)), 2, 2
    if level == 2:
        return (rng.integers(0, 10, (4, 4)), 2, 2) if mode == "avg" else (rng.integers(0, 10, (5, 5)), 3, 2)
    n = int(rng.integers(5, 8))
    return rng.integers(-3, 10, (n, n)), 3, 2


def pool_value(rng: np.random.Generator, level: int) -> Question:
    """Level 1: max 2×2. 2: average 2×2 or max 3×3 stride 2. 3: average 3×3 stride 2 (ninths)."""
    mode = "max" if level == 1 else ("avg", "max")[int(rng.integers(2))] if level == 2 else "avg"
    x, f, stride = _pool_problem(rng, level, mode)
    steps = pool2d_steps(x, f, stride, 0, mode)
    step = steps[int(rng.integers(len(steps)))]
    i, j = step.index
    prompt = Phrase(f"quiz.pool_value.prompt_{mode}", {"f": f, "stride": stride, "row": i + 1, "col": j + 1})
    answer = Answer("integer", int(step.value)) if mode == "max" else Answer("number", step.value, TOLERANCE)
    worked = Worked(Phrase("quiz.pool_value.explain", {"rows": ", ".join(str(r + 1) for r in step.rows),
                                                       "cols": ", ".join(str(c + 1) for c in step.cols)}),
                    (step.equation,), (step,))
    return Question("pool_value", None, None, prompt, answer, worked,
                    {"x": x.astype(np.float64), "f": f, "stride": stride, "mode": mode})


def pool_winner(rng: np.random.Generator, level: int) -> Question:
    """Which input pixel max pooling picks, as (row, column) from 1. Level 3 has a tie in the window."""
    x, f, stride = _pool_problem(rng, level, "max")
    steps = pool2d_steps(x, f, stride, 0, "max")
    step = steps[int(rng.integers(len(steps)))]
    if level == 3:  # a second copy of the maximum: the first one in reading order wins
        r, c = step.rows, step.cols
        cells = [(a, b) for a in r for b in c if (a, b) != step.winner]
        a, b = cells[int(rng.integers(len(cells)))]
        x = x.copy()
        x[a, b] = x[step.winner]
        steps = pool2d_steps(x, f, stride, 0, "max")
        step = next(s for s in steps if s.index == step.index)
    i, j = step.index
    row, col = step.winner
    prompt = Phrase("quiz.pool_winner.prompt", {"f": f, "stride": stride, "row": i + 1, "col": j + 1})
    worked = Worked(Phrase("quiz.pool_winner.explain", {"value": step.value, "row": row + 1, "col": col + 1}),
                    (step.equation,), (step,))
    return Question("pool_winner", None, None, prompt, Answer("tuple", (row + 1, col + 1)), worked,
                    {"x": x.astype(np.float64), "f": f, "stride": stride, "mode": "max"})
