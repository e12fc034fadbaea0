r"""Backpropagation through a convolution, step by step, in the record style of :mod:`cnnviz.trace`.

For one layer ``y = x ⋆ w + b`` on ``x (H, W)`` with ``w (fh, fw)``, stride ``s`` and zero padding, and
the loss gradient ``dy = ∂L/∂y (OH, OW)``:

* ``dw = xp ⋆ dy``: the padded input correlated with ``dy`` spread ``s`` apart (a dilation of ``s``);
  each ``dw[a, b]`` is one :class:`~cnnviz.trace.ConvStep`, ``Σ xp[a + s·i, b + s·j] · dy[i, j]``.
* ``dxp = full(dy↑s) ⋆ rot180(w)``: ``dy`` with ``s − 1`` zeros between its entries, zero-padded by
  ``f − 1`` on every side (plus the rows the floor left unreached, bottom / right), correlated with the
  kernel rotated 180° — a *full convolution*; cropping the forward padding off ``dxp`` gives ``dx``.
* ``db = Σ dy``.

Every record is an ordinary :class:`~cnnviz.trace.Trace`, so the forward animation's frame model draws it.
Dilation of the forward layer is 1 here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .conv import as_numeric
from .errors import CnnvizError
from .quiz.records import Answer, Phrase, Question, Worked
from .padding import pad2d
from .shapes import Geometry2D, conv_geometry
from .trace import Trace, conv2d_trace

GRADIENTS = ("ones", "ramp")  # example output gradients: L = Σ y, or L = Σ (1, 2, 3, …) · y
TOLERANCE = 0.005


@dataclass(frozen=True)
class BackwardTrace:
    """The two gradients of one convolution layer as traces (one step per gradient cell)."""

    geometry: Geometry2D  # the forward layer's
    dout: np.ndarray  # (OH, OW): ∂L/∂y
    weight: Trace  # correlation of the reached padded input with dy (dilation s): output (fh, fw) = dw
    spread: np.ndarray  # (s·(OH−1)+1, s·(OW−1)+1): dy with s − 1 zeros between entries
    input: Trace  # full correlation of ``spread`` with rot180(w): output (Hp, Wp) = dxp
    dw: np.ndarray  # (fh, fw)
    dx: np.ndarray  # (H, W): dxp without the forward padding
    db: float


def spread(dout: np.ndarray, stride: tuple[int, int]) -> np.ndarray:
    """``dout (OH, OW)`` with ``stride − 1`` zeros inserted between neighbouring entries."""
    sh, sw = stride
    oh, ow = dout.shape
    out = np.zeros((sh * (oh - 1) + 1, sw * (ow - 1) + 1))
    out[::sh, ::sw] = dout
    return out


def conv2d_backward_trace(x, w, dout, stride=1, padding=0) -> BackwardTrace:
    """Trace ``dw``, ``dx`` and ``db`` of ``conv2d(x, w, b, stride, padding)`` for ``dout (OH, OW)``."""
    x, w, dout = as_numeric("input", x), as_numeric("kernel", w), as_numeric("output gradient", dout)
    if x.ndim != 2 or w.ndim != 2:
        raise CnnvizError("backprop_not_2d", x_shape=str(x.shape), w_shape=str(w.shape))
    geo = conv_geometry(x.shape, w.shape, stride, padding)
    rows, cols = geo.rows, geo.cols
    if dout.shape != geo.out_shape:
        raise CnnvizError("backprop_gradient_shape", h=geo.out_shape[0], w=geo.out_shape[1],
                          got_h=dout.shape[0] if dout.ndim == 2 else 0, got_w=dout.shape[-1] if dout.ndim == 2 else 0)
    dout = dout.astype(np.float64)
    reached = pad2d(x.astype(np.float64), geo.pads)[: rows.padded - len(rows.unreached()),
                                                    : cols.padded - len(cols.unreached())]
    weight = conv2d_trace(reached, dout, dilation=(rows.stride, cols.stride))  # (fh, fw)
    up = spread(dout, (rows.stride, cols.stride))
    fh, fw = w.shape
    full = ((fh - 1, fh - 1 + len(rows.unreached())), (fw - 1, fw - 1 + len(cols.unreached())))
    inp = conv2d_trace(up, np.asarray(w, dtype=np.float64)[::-1, ::-1], padding=full)  # (Hp, Wp)
    dx = inp.output[rows.before: rows.before + rows.n, cols.before: cols.before + cols.n]
    return BackwardTrace(geo, dout, weight, up, inp, weight.output, dx, float(dout.sum()))


def example_gradient(kind: str, shape: tuple[int, int]) -> np.ndarray:
    """``∂L/∂y`` of an example loss: ``ones`` (L = Σ y) or ``ramp`` (1, 2, 3, … row by row)."""
    if kind == "ones":
        return np.ones(shape)
    if kind == "ramp":
        return np.arange(1, shape[0] * shape[1] + 1, dtype=np.float64).reshape(shape)
    raise CnnvizError("backprop_unknown_gradient", kind=kind, kinds=", ".join(GRADIENTS))


def gradient_question(back: BackwardTrace, which: str, step: int) -> Question:
    """“What is dw (or dx of the padded input) at this cell?” for step ``step`` (0-based) of ``which``
    (``weight`` | ``input``); the worked solution is that step's sum of products."""
    record = (back.weight if which == "weight" else back.input).steps[step]
    i, j = record.index
    whole = all(float(v).is_integer() for v in (*record.patch.ravel(), *record.kernel.ravel()))
    answer = Answer("integer", int(round(record.value))) if whole else Answer("number", record.value, TOLERANCE)
    worked = Worked(Phrase(f"backprop.predict.explain_{which}"), (record.equation,), (record,))
    return Question(f"backprop_{which}", None, None, Phrase(f"backprop.predict.{which}", {"row": i + 1, "col": j + 1}),
                    answer, worked)
