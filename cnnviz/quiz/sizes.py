"""Size questions: a conv layer's output size, a transposed convolution's, a small network's shapes and
its receptive field. Answers come from :mod:`cnnviz.shapes`, :mod:`cnnviz.transpose` and
:func:`cnnviz.networks.summarize`; worked solutions are their substituted formulas."""
from __future__ import annotations

import numpy as np

from ..errors import CnnvizError
from ..networks import AxisField, Conv2d, MaxPool2d, Sequential, summarize
from ..shapes import axis_geometry
from ..transpose import transpose_axis
from .records import Answer, Phrase, Question, Worked


def _pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


def output_size(rng: np.random.Generator, level: int) -> Question:
    """Level 1: stride 1, padding a number. 2: stride 2–4 (the floor), valid / same. 3: dilation, full."""
    while True:
        n = int(rng.integers(4, 13)) if level == 1 else int(rng.integers(5, 33))
        f = _pick(rng, (2, 3, 5) if level == 1 else (1, 2, 3, 4, 5, 7))
        stride = 1 if level == 1 else int(rng.integers(2, 5)) if level == 2 else int(rng.integers(1, 5))
        dilation = 1 if level < 3 else int(rng.integers(1, 4))
        modes = (None,) if level == 1 else (None, None, "valid", "same") if level == 2 else \
            (None, "valid", "same", "full")
        mode = _pick(rng, modes)
        padding = int(rng.integers(0, 3 if level == 1 else 4)) if mode is None else mode
        try:
            axis_geometry(n, f, stride, padding, dilation)
        except CnnvizError:
            continue
        break
    return output_size_question(n, f, stride, padding, dilation)


def output_size_question(n: int, f: int, stride: int = 1, padding=0, dilation: int = 1) -> Question:
    """“What is the output size (one side)?” for one axis; ``padding`` a number (each side) or a mode."""
    geo = axis_geometry(n, f, stride, padding, dilation)
    prompt = Phrase("quiz.output_size.prompt" if dilation == 1 else "quiz.output_size.prompt_dilated",
                    {"n": n, "f": f, "stride": stride, "padding": padding, "dilation": dilation})
    explain = Phrase("quiz.output_size.explain", {"before": geo.before, "after": geo.after})
    return Question("output_size", None, None, prompt, Answer("integer", geo.out), Worked(explain, (geo.worked(),)))


def transposed_size(rng: np.random.Generator, level: int) -> Question:
    """Level 1: stride 2, no padding. 2: stride 1–3, padding. 3: output padding and dilation."""
    while True:
        n, f = int(rng.integers(2, 9)), int(rng.integers(2, 6))
        stride = 2 if level == 1 else int(rng.integers(1, 4))
        padding = 0 if level == 1 else int(rng.integers(0, 3))
        dilation = 1 if level < 3 else int(rng.integers(1, 3))
        output_padding = 0 if level < 3 else int(rng.integers(0, max(stride, dilation)))
        try:
            axis = transpose_axis(n, f, stride, padding, output_padding, dilation)
        except ValueError:
            continue
        break
    prompt = Phrase("quiz.transposed_size.prompt", {"n": n, "f": f, "stride": stride, "padding": padding,
                                                    "output_padding": output_padding, "dilation": dilation})
    worked = Worked(Phrase("quiz.transposed_size.explain"), (axis.formula(),))
    return Question("transposed_size", None, None, prompt, Answer("integer", axis.out), worked)


def _layer_phrase(layer) -> Phrase:
    if isinstance(layer, MaxPool2d):
        return Phrase("quiz.layer.pool", {"f": layer.kernel_size, "stride": layer.stride})
    params = {"k": layer.out_channels, "f": layer.kernel_size, "stride": layer.stride, "padding": layer.padding,
              "dilation": layer.dilation}
    return Phrase("quiz.layer.conv" if layer.dilation == 1 else "quiz.layer.conv_dilated", params)


def _random_layer(rng: np.random.Generator, level: int, pool_ok: bool):
    if pool_ok and level > 1 and rng.random() < 0.35:
        f = int(rng.integers(2, 4))
        return MaxPool2d(f, f if level == 2 else int(rng.integers(1, f + 1)))
    f = _pick(rng, (3, 5) if level == 1 else (1, 3, 5, 7))
    stride = 1 if level == 1 else int(rng.integers(1, 3))
    padding = 0 if level == 1 else _pick(rng, (0, 1, 2, "same", "valid"))
    dilation = 1 if level < 3 else _pick(rng, (1, 1, 2))
    return Conv2d(int(_pick(rng, (4, 6, 8, 16, 32, 64))), f, stride, padding, dilation)


def _network(rng: np.random.Generator, level: int, depth: int, size_range):
    """A random stack of conv / max-pool layers that fits its input, with its summary."""
    while True:
        layers = [_random_layer(rng, level, pool_ok=i > 0) for i in range(depth)]
        n, c = int(rng.integers(*size_range)), int(_pick(rng, (1, 3)))
        summary = summarize(Sequential(layers), (c, n, n), strict=False)
        if summary.ok:
            return layers, (n, c), summary


def layer_shape(rng: np.random.Generator, level: int) -> Question:
    """Level 1: two stride-1 convs. 2: three layers with pooling and padding. 3: four, strides and dilation."""
    depth = level + 1
    layers, (n, c), summary = _network(rng, level, depth, (8, 33) if level == 1 else (16, 65))
    k = int(rng.integers(1, depth + 1))
    formulas = []
    for row in summary.rows[:k]:
        geo = row.layer.apply(row.input_shape).window
        formulas.append(geo.rows.worked())
    c_out, h, w = summary.rows[k - 1].output_shape
    prompt = Phrase("quiz.layer_shape.prompt", {"n": n, "c": c, "layers": tuple(map(_layer_phrase, layers)),
                                                "k": k})
    explain = Phrase("quiz.layer_shape.explain", {"channels": c_out})
    return Question("layer_shape", None, None, prompt, Answer("tuple", (h, w, c_out)), Worked(explain, tuple(formulas)))


def receptive_field(rng: np.random.Generator, level: int) -> Question:
    """Level 1: two stride-1 convs. 2: three layers with a pool. 3: four, strides and dilation."""
    layers, _, summary = _network(rng, level, level + 1, (64, 129))
    formulas, field = [], AxisField()
    for row in summary.rows:
        span = row.layer.apply(row.input_shape).window.rows.span
        formulas.append(f"{field.size} + ({span} − 1)·{field.jump} = {row.rf.rows.size}")
        field = row.rf.rows
    prompt = Phrase("quiz.receptive_field.prompt", {"layers": tuple(map(_layer_phrase, layers))})
    worked = Worked(Phrase("quiz.receptive_field.explain"), tuple(formulas))
    return Question("receptive_field", None, None, prompt, Answer("integer", field.size), worked)
