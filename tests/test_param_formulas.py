"""The parameter formulas are the engine's counts written out: evaluating their own text gives the total,
and the total is the count from the definitions (K·f·f·C + K; in·out + out)."""
import re

import pytest

from cnnviz.layer import conv_vs_dense
from cnnviz.param_formulas import FormulaWords, conv_latex, dense_latex

WORDS = FormulaWords("filters", "kernel", "channels", "biases", "inputs", "outputs")
BRACE = re.compile(r"\\underbrace\{([^{}]*)\}_\{(?:[^{}]|\{[^{}]*\})*\}")


def evaluate(latex: str) -> tuple[int, int]:
    """(value of the left-hand side, the number on the right) of ``… = total``."""
    plain = latex.replace("{,}", "")
    left, right = plain.rsplit("=", 1)
    left = BRACE.sub(r"(\1)", left).replace(r"\cdot", "*")
    assert re.fullmatch(r"[\d\s()*+]+", left), left  # nothing but the numbers and the operations
    return eval(left), int(right)


@pytest.mark.parametrize("shape, k, f, stride, padding", [
    ((3, 5, 5), 2, 3, 2, 1), ((4, 6, 6), 3, 2, 2, 1), ((1, 3, 3), 1, 1, 3, 0), ((3, 224, 224), 4, 5, 1, 2)])
def test_each_formula_evaluates_to_its_total_and_the_total_is_the_definition(shape, k, f, stride, padding):
    cmp = conv_vs_dense(shape, k, f, stride, padding)
    c, h, w = shape
    out = (h + 2 * padding - f) // stride + 1  # by the output-size definition
    assert evaluate(conv_latex(cmp, WORDS)) == (k * f * f * c + k,) * 2
    n_in, n_out = c * h * w, k * out * out
    assert evaluate(dense_latex(cmp, WORDS)) == (n_in * n_out + n_out,) * 2


def test_the_words_go_under_the_braces_and_the_factors_are_named():
    latex = conv_latex(conv_vs_dense((4, 6, 6), 3, 2, 2, 1), FormulaWords("필터", "커널", "채널", "편향", "입력", "출력"))
    assert r"\underbrace{3}_{K\text{ 필터}}" in latex and r"\underbrace{4}_{C\text{ 채널}}" in latex
    assert r"_{f\cdot f\text{ 커널}}" in latex and latex.endswith("= 51")


def test_without_biases_the_formulas_drop_the_bias_term():
    cmp = conv_vs_dense((3, 5, 5), 2, 3, 2, 1, bias=False)
    assert "biases" not in conv_latex(cmp, WORDS) + dense_latex(cmp, WORDS)
    assert evaluate(conv_latex(cmp, WORDS)) == (2 * 3 * 3 * 3,) * 2
    assert evaluate(dense_latex(cmp, WORDS))[0] == 75 * 18


def test_large_counts_keep_latex_thousands_separators():
    latex = dense_latex(conv_vs_dense((3, 224, 224), 2, 3, 1, 1), WORDS)
    assert "{,}" in latex and "," not in latex.replace("{,}", "")
