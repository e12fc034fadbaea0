"""Geometry helpers added for the padding & stride explorer: worked formulas and PyTorch's 'same'."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz.shapes import axis_geometry, pool_geometry, resolve_padding, torch_same_padding


def _evaluate(text: str) -> list[int]:
    """Every '='-separated part of a worked formula, evaluated (⌊a/b⌋ → a // b, ⌈a/b⌉ → −(−a // b))."""
    values = []
    for part in text.split(" = "):
        expr = part.replace("−", "-").replace("·", "*").replace("⌊", "(").replace("⌋", ")")
        expr = expr.replace("/", "//")
        expr = expr.replace("⌈", "-((-").replace("⌉", "))")  # ⌈a/b⌉ = −(−a // b)
        values.append(eval(expr, {}))  # the text holds only digits, brackets and + - * //
    return values


def test_worked_formula_shows_what_the_floor_drops():
    assert axis_geometry(8, 3, 2).worked() == "⌊(8 − 3)/2⌋ + 1 = ⌊5/2⌋ + 1 = 2 + 1 = 3"


def test_worked_formula_with_stride_1_has_no_division():
    assert axis_geometry(5, 3).worked() == "(5 − 3) + 1 = 2 + 1 = 3"


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 30), st.integers(1, 7), st.integers(1, 5), st.integers(0, 6), st.integers(1, 3))
def test_every_step_of_the_worked_formula_equals_the_output_size(n, f, s, p, d):
    try:
        geo = axis_geometry(n, f, s, p, d)
    except ValueError:
        return
    assert set(_evaluate(geo.worked())) == {geo.out}


@pytest.mark.parametrize("n, f, s, p", [(5, 2, 2, 0), (6, 3, 2, 1), (7, 2, 3, 1), (4, 3, 3, 0)])
def test_worked_formula_of_ceil_mode_pooling_evaluates_to_its_size(n, f, s, p):
    geo = pool_geometry((n, n), f, s, p, ceil_mode=True).rows
    assert set(_evaluate(geo.worked())) == {geo.out}


@pytest.mark.parametrize("f, d, expected", [(3, 1, (1, 1)), (4, 1, (1, 2)), (2, 1, (0, 1)), (6, 1, (2, 3)),
                                            (2, 3, (1, 2)), (3, 2, (2, 2)), (1, 1, (0, 0))])
def test_torch_same_padding_puts_the_odd_pixel_after(f, d, expected):
    assert torch_same_padding(9, f, 1, d) == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 9), st.integers(1, 4))
def test_torch_and_tensorflow_same_padding_agree_for_stride_1(n, f, d):
    assert torch_same_padding(n, f, 1, d) == resolve_padding("same", n, f, 1, d)


def test_torch_same_padding_refuses_strides_like_pytorch():
    with pytest.raises(ValueError, match="only with stride 1"):
        torch_same_padding(8, 3, stride=2)


def test_torch_same_padding_matches_pytorch_when_available():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for n, f, d in [(5, 4, 1), (6, 2, 1), (5, 3, 2), (5, 2, 3), (7, 6, 1)]:
        x = torch.from_numpy(rng.standard_normal((1, 1, n, n)))
        w = torch.from_numpy(rng.standard_normal((1, 1, f, f)))
        before, after = torch_same_padding(n, f, 1, d)
        padded = torch.nn.functional.pad(x, (before, after, before, after))
        with warnings.catch_warnings():  # PyTorch warns (once) that asymmetric 'same' copies the input
            warnings.simplefilter("ignore")
            same = torch.nn.functional.conv2d(x, w, padding="same", dilation=d)
        np.testing.assert_allclose(same.numpy(), torch.nn.functional.conv2d(padded, w, dilation=d).numpy())

