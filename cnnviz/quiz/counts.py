"""Parameter-count questions: a conv layer, a dense layer, a 1×1 bottleneck. Answers come from
:mod:`cnnviz.params`; the worked solution writes the count as weights-per-filter × filters + biases."""
from __future__ import annotations

import numpy as np

from ..networks import summarize
from ..params import conv2d_params, dense_params
from .records import Answer, Phrase, Question, Worked


def _pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


def conv_formula(c: int, k: int, f: int, bias: bool = True) -> str:
    """``K·(f·f·C) + K = total``, the numbers substituted."""
    return f"{k}·({f}·{f}·{c})" + (f" + {k}" if bias else "") + f" = {conv2d_params(c, k, f, bias)}"


def conv_params(rng: np.random.Generator, level: int) -> Question:
    """Level 1: 1 or 3 input channels. 2: deeper layers, 1×1 to 7×7. 3: some without bias (batch norm follows)."""
    c = _pick(rng, (1, 3)) if level == 1 else _pick(rng, (3, 16, 32, 64, 128))
    k = int(rng.integers(2, 17)) if level == 1 else _pick(rng, (8, 16, 32, 64, 128, 256))
    f = _pick(rng, (3, 5)) if level == 1 else _pick(rng, (1, 3, 5, 7))
    bias = level < 3 or bool(rng.integers(2))
    return conv_params_question(c, k, f, bias)


def conv_params_question(c: int, k: int, f: int, bias: bool = True) -> Question:
    """“How many parameters?” of a conv layer of ``k`` filters ``f×f`` over ``c`` channels, as the volumes page
    sets it up."""
    prompt = Phrase("quiz.conv_params.prompt" if bias else "quiz.conv_params.prompt_no_bias",
                    {"c": c, "k": k, "f": f})
    return Question("conv_params", None, None, prompt, Answer("integer", conv2d_params(c, k, f, bias)), Worked(
        Phrase("quiz.conv_params.explain", {"per_filter": f * f * c}), (conv_formula(c, k, f, bias),)))


def dense_params_question(rng: np.random.Generator, level: int) -> Question:
    """Level 1: small vectors. 2: after flattening a small feature map. 3: a larger map, more units."""
    out = int(rng.integers(2, 21)) if level == 1 else _pick(rng, (10, 84, 120, 128, 256, 1000))
    if level == 1:
        n_in = int(rng.integers(4, 101))
        prompt = Phrase("quiz.dense_params.prompt", {"n": n_in, "out": out})
        formula = f"{n_in}·{out} + {out} = {dense_params(n_in, out)}"
    else:
        h = int(rng.integers(2, 8)) if level == 2 else _pick(rng, (5, 6, 7, 8, 14))
        c = _pick(rng, (4, 8, 16)) if level == 2 else _pick(rng, (16, 32, 64, 128))
        n_in = h * h * c
        prompt = Phrase("quiz.dense_params.prompt_flatten", {"h": h, "c": c, "out": out})
        formula = f"({h}·{h}·{c})·{out} + {out} = {dense_params(n_in, out)}"
    return Question("dense_params", None, None, prompt, Answer("integer", dense_params(n_in, out)), Worked(
        Phrase("quiz.dense_params.explain", {"n": n_in}), (formula,)))


def bottleneck_params(rng: np.random.Generator, level: int) -> Question:
    """Level 1: the 1×1 layer alone. 2: 1×1 then f×f together. 3: how many parameters the bottleneck saves."""
    c = _pick(rng, (64, 128, 192, 256, 512))
    r = _pick(rng, tuple(v for v in (16, 24, 32, 48, 64) if v < c))
    k, f = _pick(rng, (32, 64, 128)), _pick(rng, (3, 5))
    one = conv_formula(c, r, 1)
    pair = conv2d_params(c, r, 1) + conv2d_params(r, k, f)
    both = f"{conv2d_params(c, r, 1)} + {conv2d_params(r, k, f)} = {pair}"
    if level == 1:
        answer, formulas = conv2d_params(c, r, 1), (one,)
    elif level == 2:
        answer, formulas = pair, (one, conv_formula(r, k, f), both)
    else:
        direct = conv2d_params(c, k, f)
        answer = direct - pair
        formulas = (conv_formula(c, k, f), one, conv_formula(r, k, f), both, f"{direct} − {pair} = {answer}")
    prompt = Phrase(f"quiz.bottleneck_params.prompt_{level}", {"c": c, "r": r, "k": k, "f": f})
    worked = Worked(Phrase("quiz.bottleneck_params.explain"), formulas)
    return Question("bottleneck_params", None, None, prompt, Answer("integer", answer), worked)


def network_params_question(network, input_shape) -> Question:
    """“How many trainable parameters does this network have?” for a network that fits ``input_shape``
    ``(C, H, W)``, as the layer-chain and architectures pages build it; the worked solution adds the layers that
    have any."""
    summary = summarize(network, input_shape)
    c, h, w = input_shape
    counted = [r for r in summary.rows if r.params]
    terms = " + ".join(f"{r.params:,}" for r in counted) or "0"
    formulas = (f"{terms} = {summary.total_params:,}",)
    explain = Phrase("quiz.network_params.explain", {"layers": ", ".join(r.name for r in counted) or "—"})
    prompt = Phrase("quiz.network_params.prompt", {"c": c, "h": h, "w": w, "layers": len(summary.rows)})
    return Question("network_params", None, None, prompt, Answer("integer", summary.total_params),
                    Worked(explain, formulas))
