"""Every question kind, every level, 1,000 seeds: the answer equals an independent reference, the worked
solution's arithmetic evaluates to it, ``check`` takes the answer in several spellings and refuses a wrong one."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.ndimage import correlate

from cnnviz.quiz import KINDS, LEVELS, check, make_question, say
from tests import reference as ref

SEEDS = range(1000)

# The choices of "which kernel", written from their definitions (cross-correlation, not flipped).
KERNELS = {
    "sobel_x": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "sobel_y": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "box_blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
}


def evaluate(expression: str) -> float:
    """A formula as the app writes it (·, −, ⌊⌋, ⌈⌉, max/min) evaluated as arithmetic."""
    python = (expression.replace("·", "*").replace("−", "-").replace("⌊", "floor(").replace("⌋", ")")
              .replace("⌈", "ceil(").replace("⌉", ")"))
    return eval(python, {"__builtins__": {}}, {"floor": math.floor, "ceil": math.ceil, "max": max, "min": min})


def formula_value(formula: str, tolerance: float = 0.0) -> float:
    """Every side of ``a = b = … = v`` evaluates to the same number; returns it."""
    sides = [evaluate(side) for side in formula.split(" = ")]
    assert all(abs(side - sides[-1]) <= tolerance for side in sides), formula
    return sides[-1]


def spellings(question) -> list[str]:
    """Ways a student might type the right answer."""
    a = question.answer
    if a.form == "integer":
        return [str(a.value), f" {a.value} ", f"{a.value}.0", f"{a.value:,}", str(a.value).replace("-", "−")]
    if a.form == "number":
        exact = Fraction(a.value).limit_denominator(100)
        return [f"{a.value:.3f}", f"{exact.numerator}/{exact.denominator}", str(a.value).replace("-", "−")]
    if a.form == "tuple":
        return ["x".join(map(str, a.value)), " × ".join(map(str, a.value)), str(tuple(a.value)),
                "[" + " ".join(map(str, a.value)) + "]"]
    if a.form == "matrix":
        return ["\n".join(" ".join(f"{v:g}" for v in row) for row in a.value),
                str([[float(v) for v in row] for row in a.value])]
    return [a.value, say_choice(a.value, "en"), say_choice(a.value, "ko")]


def say_choice(key: str, lang: str) -> str:
    from cnnviz.locales import t
    return t(f"quiz.choice.{key}", lang)


def wrong_spelling(question) -> str:
    a = question.answer
    if a.form == "integer":
        return str(a.value + 1)
    if a.form == "number":
        return f"{a.value + 10 * a.tolerance + 0.01:.4f}"
    if a.form == "tuple":
        return "x".join(map(str, (a.value[0] + 1,) + a.value[1:]))
    if a.form == "matrix":
        off = a.value.copy()
        off[0, 0] += 1
        return "\n".join(" ".join(f"{v:g}" for v in row) for row in off)
    return next(c for c in a.choices if c != a.value)


def expected(question):
    """The answer recomputed from the question's own numbers with the independent reference."""
    p, d, kind = question.prompt.params, question.data, question.kind
    if kind == "output_size":
        return ref.output_size(p["n"], p["f"], p["stride"], p["padding"], p["dilation"])
    if kind == "transposed_size":
        return ref.transposed_output_size(p["n"], p["f"], p["stride"], p["padding"], p["output_padding"],
                                          p["dilation"])
    if kind in ("layer_shape", "receptive_field"):
        return network_answer(question)
    if kind in ("conv_cell", "feature_map"):
        pad, s, dil = d["padding"], d["stride"], d["dilation"]
        out = ref.conv2d(d["x"][None, None], d["w"][None, None], [d["bias"]], (s, s), ((pad, pad), (pad, pad)),
                         (dil, dil))[0, 0]
        return out if kind == "feature_map" else out[p["row"] - 1, p["col"] - 1]
    if kind == "pool_value":
        out = ref.pool2d(d["x"], (d["f"],) * 2, (d["stride"],) * 2, ((0, 0), (0, 0)), d["mode"])
        return out[p["row"] - 1, p["col"] - 1]
    if kind == "pool_winner":
        r, c = ref.max_pool_argmax(d["x"], d["f"], d["stride"], p["row"] - 1, p["col"] - 1)
        return r + 1, c + 1
    if kind == "conv_params":
        return ref.conv_param_count(p["c"], p["k"], p["f"], p["f"], bias="no_bias" not in question.prompt.text_id)
    if kind == "dense_params":
        n_in = p["n"] if "n" in p else p["h"] * p["h"] * p["c"]
        return ref.dense_param_count(n_in, p["out"])
    if kind == "bottleneck_params":
        one = ref.conv_param_count(p["c"], p["r"], 1, 1)
        pair = one + ref.conv_param_count(p["r"], p["k"], p["f"], p["f"])
        direct = ref.conv_param_count(p["c"], p["k"], p["f"], p["f"])
        return {1: one, 2: pair, 3: direct - pair}[question.level]
    if kind == "which_kernel":
        made = [key for key in question.answer.choices
                if np.allclose(correlate(d["image"], np.array(KERNELS[key]), mode="constant"), d["map"], atol=1e-4)]
        assert len(made) == 1, made  # exactly one choice could have made this map
        return made[0]
    raise AssertionError(kind)


def network_answer(question):
    """Walk the layers as the question lists them, with the reference's window counting."""
    p = question.prompt.params
    if question.kind == "receptive_field":
        return ref.receptive_field_size([(q.params["f"], q.params["stride"], q.params.get("dilation", 1))
                                         for q in p["layers"]])
    n, c = p["n"], p["c"]
    for layer in p["layers"][: p["k"]]:
        q = layer.params
        if layer.text_id == "quiz.layer.pool":
            n = ref.output_size(n, q["f"], q["stride"], 0)
        else:
            n, c = ref.output_size(n, q["f"], q["stride"], q["padding"], q["dilation"]), q["k"]
    return n, n, c


def check_worked(question) -> None:
    """The worked solution's numbers evaluate to the answer."""
    a, w = question.answer, question.worked
    if question.kind == "feature_map":
        values = [formula_value(f, 1e-3) for f in w.formulas]
        assert np.allclose(np.reshape(values, a.value.shape), a.value, atol=1e-3)
        for step in w.steps:
            assert np.array_equal(step.products, step.patch * step.kernel)
        return
    last = formula_value(w.formulas[-1], 1e-3)
    if question.kind == "pool_winner":
        assert last == question.data["x"][a.value[0] - 1, a.value[1] - 1]
    elif question.kind == "which_kernel":
        step = w.steps[0]
        row, col = (int(v) - 1 for v in (w.explain.params["row"], w.explain.params["col"]))
        assert abs(last - question.data["map"][row, col]) < 1e-3
        assert np.allclose(step.products, step.patch * step.kernel)
    elif question.kind == "layer_shape":
        assert round(last) == a.value[0]
    else:
        assert abs(last - a.value) <= 1e-3, (w.formulas, a.value)
    for formula in w.formulas[:-1]:
        formula_value(formula, 1e-3)
    if question.kind in ("conv_cell", "pool_value"):
        step = w.steps[0]
        assert abs(step.value - a.value) < 1e-9
        if question.kind == "conv_cell":
            assert np.array_equal(step.products, step.patch * step.kernel)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("kind", KINDS)
def test_answer_matches_reference_worked_solution_adds_up_and_check_reads_spellings(kind, level):
    for seed in SEEDS:
        q = make_question(kind, seed, level)
        want = expected(q)
        if q.answer.form == "matrix":
            assert np.allclose(q.answer.value, want, atol=1e-9), seed
        elif q.answer.form == "number":
            assert abs(q.answer.value - want) < 1e-9, seed
        else:
            assert q.answer.value == want, seed
        check_worked(q)
        for text in spellings(q):
            assert check(q, text).outcome == "right", (seed, text)
        assert check(q, wrong_spelling(q)).outcome == "wrong", seed
        if seed % 50 == 0:
            for lang in ("en", "ko"):
                for phrase in (q.prompt, q.worked.explain, q.hint):
                    assert "{" not in say(phrase, lang)


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_gives_the_same_question_and_other_seeds_vary(kind):
    prompts = set()
    for seed in range(0, 1000, 50):
        a, b = make_question(kind, seed, 2), make_question(kind, seed, 2)
        assert say(a.prompt) == say(b.prompt)
        assert np.array_equal(np.asarray(a.answer.value), np.asarray(b.answer.value))
        assert a.worked.formulas == b.worked.formulas
        prompts.add((say(a.prompt), str(a.answer.value), a.worked.formulas))
    assert len(prompts) > 5
