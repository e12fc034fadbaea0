"""Step records (conv2d_steps, pool2d_steps, *_trace): every number a picture or caption shows."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz import conv2d, conv2d_steps, conv2d_trace, format_number, pool2d, pool2d_steps, pool2d_trace
from tests import reference as ref

PROPS = settings(max_examples=80, deadline=None)
IMG_3X3 = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
IMG_5X5 = np.array([[2, 1, 2, 0, 1], [1, 3, 2, 2, 3], [1, 1, 3, 3, 0], [2, 2, 0, 1, 1], [0, 0, 3, 1, 2]])


def number(text: str) -> float:
    """Read back a number as format_number writes it: '−' minus, optional parentheses."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    assert "-" not in text, f"ASCII hyphen in {text!r}: the engine writes '−'"
    return float(text.replace("−", "-").replace("∞", "inf"))


def evaluate_conv_equation(equation: str) -> tuple[float, float, list[tuple[float, float]]]:
    """'a·b + c·d + bias = v' → (sum of the left side, v, [(a, b), ...])."""
    left, right = equation.rsplit(" = ", 1)
    pairs, total = [], 0.0
    for term in left.split(" + "):
        if "·" in term:
            a, b = term.split("·")
            pairs.append((number(a), number(b)))
            total += number(a) * number(b)
        else:
            total += number(term)
    return total, number(right), pairs


# ---------------------------------------------------------------- equations people read
def test_equation_reads_like_the_course():
    first = conv2d_steps(IMG_3X3, [[2, 3], [0, 1]])[0]
    assert first.equation == "1·2 + 2·3 + 4·0 + 5·1 = 13"  # patch value · kernel weight, row by row
    dec = conv2d_steps(IMG_5X5, [[0.1, 0.2], [0.3, 0.4]])[0]
    assert dec.equation == "2·0.1 + 1·0.2 + 1·0.3 + 3·0.4 = 1.9"


def test_negative_numbers_use_a_real_minus_in_parentheses_and_bias_is_added_last():
    step = conv2d_steps([[-1, 2]], [[3, -2]], b=None)[0]
    assert step.equation == "(−1)·3 + 2·(−2) = −7"
    step = conv2d_steps(np.array([[[-1, 2]]]), np.array([[[[3, -2]]]]), b=[-1.5])[0]
    assert step.equation == "(−1)·3 + 2·(−2) + (−1.5) = −8.5"
    assert (step.total, step.bias, step.value) == (-7, -1.5, -8.5)


def test_format_number_writes_numbers_as_a_person_would():
    assert [format_number(v) for v in (3, 3.0, 2.5, -0.125, -0.0, 1e-9, 1 / 3, -np.inf, np.inf, np.nan)] == [
        "3", "3", "2.5", "−0.125", "0", "0", "0.3333", "−∞", "∞", "NaN"]
    assert format_number(np.float32(0.1)) == "0.1"
    assert format_number(np.int64(-12)) == "−12"


def test_a_nan_in_the_input_shows_up_instead_of_crashing_the_trace():
    steps = conv2d_steps([[np.nan, 1.0], [1.0, 1.0]], [[1.0]])
    assert steps[0].equation == "NaN·1 = NaN"
    assert np.isnan(pool2d_steps([[np.nan, 1.0]], (1, 2))[0].value)


# ---------------------------------------------------------------- conv steps against the oracle
@st.composite
def conv_cases(draw):
    c, k = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    hw, fhw = tuple(draw(st.integers(1, 7)) for _ in range(2)), tuple(draw(st.integers(1, 3)) for _ in range(2))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(2))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(2))
    pads = tuple(tuple(draw(st.integers(0, 2)) for _ in range(2)) for _ in range(2))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.integers(-5, 6, size=(c,) + hw)
    wt = rng.integers(-3, 4, size=(k, c) + fhw)
    b = rng.integers(-3, 4, size=k) if draw(st.booleans()) else None
    return x, wt, b, stride, pads, dilation


@given(case=conv_cases(), flip=st.booleans())
@PROPS
def test_conv_steps_reproduce_the_direct_definition_cell_by_cell(case, flip):
    x, w, b, stride, pads, dilation = case
    expected = ref.conv2d(x[None], w, b, stride, pads, dilation, flip)[0]  # (K, Ho, Wo)
    if 0 in expected.shape:
        with pytest.raises(ValueError):
            conv2d_steps(x, w, b, stride, pads, dilation, flip)
        return
    steps = conv2d_steps(x, w, b, stride, pads, dilation, flip)
    k_out, ho, wo = expected.shape
    assert [s.index for s in steps] == [(k, i, j) for k in range(k_out) for i in range(ho) for j in range(wo)]
    xp = ref.zero_pad(x, pads)
    kernels = np.rot90(w, 2, axes=(2, 3)) if flip else w
    for s in steps:
        k, i, j = s.index
        rows = [i * stride[0] + u * dilation[0] for u in range(w.shape[2])]
        cols = [j * stride[1] + v * dilation[1] for v in range(w.shape[3])]
        assert s.rows == tuple(rows) and s.cols == tuple(cols)
        np.testing.assert_array_equal(s.patch, xp[:, rows][:, :, cols])
        np.testing.assert_array_equal(s.kernel, kernels[k])
        np.testing.assert_array_equal(s.products, s.patch * kernels[k])
        np.testing.assert_allclose(s.channel_sums, (s.patch * kernels[k]).sum(axis=(1, 2)))
        assert s.total == pytest.approx(sum(s.channel_sums))
        assert s.bias == (0 if b is None else b[k])
        assert s.value == pytest.approx(expected[k, i, j]) == pytest.approx(s.total + s.bias)
        left, right, pairs = evaluate_conv_equation(s.equation)
        assert left == pytest.approx(right) == pytest.approx(s.value)
        assert pairs == list(zip(s.patch.ravel().tolist(), s.kernel.ravel().tolist()))
    np.testing.assert_allclose([s.value for s in steps], conv2d(x, w, b, stride, pads, dilation, flip).ravel())


def test_conv_steps_of_a_2d_image_use_2d_records():
    steps = conv2d_steps(IMG_5X5, [[2, 3], [0, 1]], stride=2, padding=1)
    assert [s.index for s in steps] == [(i, j) for i in range(3) for j in range(3)]
    assert steps[0].patch.shape == steps[0].kernel.shape == (2, 2)
    assert steps[0].rows == (0, 1) and steps[-1].cols == (4, 5)
    np.testing.assert_array_equal(steps[0].patch, [[0, 0], [0, 2]])  # padding shows as zeros
    np.testing.assert_array_equal([s.value for s in steps], conv2d(IMG_5X5, [[2, 3], [0, 1]], stride=2, padding=1).ravel())


def test_conv_steps_refuse_a_batch():
    with pytest.raises(ValueError, match="one image"):
        conv2d_steps(np.ones((2, 1, 3, 3)), np.ones((1, 1, 2, 2)))


def test_conv_trace_bundles_padded_input_mask_output_and_steps():
    tr = conv2d_trace(IMG_3X3, np.ones((2, 2)), padding="same")
    np.testing.assert_array_equal(tr.padded, ref.zero_pad(IMG_3X3, ((0, 1), (0, 1))))
    assert tr.real.sum() == 9 and not tr.real[-1].any() and not tr.real[:, -1].any()
    np.testing.assert_array_equal(tr.output, [[12, 16, 9], [24, 28, 15], [15, 17, 9]])
    assert [s.value for s in tr.steps] == tr.output.ravel().tolist()
    assert tr.geometry.out_shape == (3, 3)


# ---------------------------------------------------------------- pool steps
@st.composite
def pool_cases(draw):
    c = draw(st.integers(1, 2))
    hw = tuple(draw(st.integers(1, 7)) for _ in range(2))
    fhw = tuple(draw(st.integers(1, 4)) for _ in range(2))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(2))
    pads = tuple(tuple(draw(st.integers(0, f // 2)) for _ in range(2)) for f in fhw)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    return rng.integers(-3, 4, size=(c,) + hw), fhw, stride, pads


@given(case=pool_cases(), mode=st.sampled_from(["max", "avg", "min"]), ceil_mode=st.booleans())
@PROPS
def test_pool_steps_reproduce_pool2d_cell_by_cell(case, mode, ceil_mode):
    x, fhw, stride, pads = case
    if any(f > n + sum(p) for n, f, p in zip(x.shape[1:], fhw, pads)):
        return
    steps = pool2d_steps(x, fhw, stride, pads, mode, ceil_mode)
    out = pool2d(x, fhw, stride, pads, mode, ceil_mode)
    c, ho, wo = out.shape
    assert [s.index for s in steps] == [(ch, i, j) for ch in range(c) for i in range(ho) for j in range(wo)]
    (t, _), (l, _) = pads
    for s in steps:
        ch, i, j = s.index
        assert s.rows == tuple(i * stride[0] + u for u in range(fhw[0]))
        assert s.cols == tuple(j * stride[1] + v for v in range(fhw[1]))
        assert s.value == pytest.approx(out[ch, i, j]) and s.mode == mode
        real = [(r, q) for r in s.rows for q in s.cols if t <= r < t + x.shape[1] and l <= q < l + x.shape[2]]
        assert s.inside.sum() == len(real) > 0
        values = [x[ch, r - t, q - l] for r, q in real]
        left, right = s.equation.rsplit(" = ", 1)
        assert number(right) == pytest.approx(s.value, abs=5e-5)  # printed with 4 decimals
        if mode == "avg":
            assert s.winner is None
            terms, divisor = re.fullmatch(r"\((.*)\)/(\d+)", left).groups()
            # padded zeros are counted, ceil mode's overhang is not
            hp, wp = x.shape[1] + sum(pads[0]), x.shape[2] + sum(pads[1])
            in_padded = sum(1 for r in s.rows for q in s.cols if r < hp and q < wp)
            assert int(divisor) == in_padded
            assert sorted(number(v) for v in terms.split(" + ")) == sorted(values + [0] * (in_padded - len(values)))
            assert sum(number(v) for v in terms.split(" + ")) / int(divisor) == pytest.approx(s.value)
        else:
            best = max(values) if mode == "max" else min(values)
            first = next((r, q) for r, q in real if x[ch, r - t, q - l] == best)  # row-major: first on ties
            assert s.winner == first
            assert left == f"{mode}({', '.join(format_number(v) for v in values)})"


def test_max_pool_ties_go_to_the_first_position_in_the_window():
    steps = pool2d_steps([[5, 5], [5, 1]], 2)
    assert steps[0].winner == (0, 0) and steps[0].equation == "max(5, 5, 5, 1) = 5"
    assert pool2d_steps([[1, 5], [5, 5]], 2)[0].winner == (0, 1)
    assert pool2d_steps([[1, 0], [0, 0]], 2, mode="min")[0].winner == (0, 1)


def test_max_pool_padding_never_wins_even_against_negative_pixels():
    steps = pool2d_steps([[-4, -3], [-2, -1]], 2, stride=1, padding=1)
    assert steps[0].winner == (1, 1) and steps[0].value == -4
    assert steps[0].equation == "max(−4) = −4"
    assert steps[0].inside.tolist() == [[False, False], [False, True]]


def test_max_pool_winner_is_a_real_pixel_even_when_it_ties_with_the_padding_value():
    step = pool2d_steps([[-np.inf, 1.0]], (2, 1), stride=1, padding=(1, 0))[0]
    assert step.winner == (1, 0) and step.value == -np.inf and step.equation == "max(−∞) = −∞"


def test_avg_pool_equation_lists_padded_zeros_and_divides_by_the_window():
    steps = pool2d_steps([[1, 2], [3, 4]], 2, stride=1, padding=1, mode="avg")
    assert steps[0].equation == "(0 + 0 + 0 + 1)/4 = 0.25"
    assert steps[4].equation == "(1 + 2 + 3 + 4)/4 = 2.5"


def test_ceil_mode_avg_equation_leaves_out_the_overhang():
    steps = pool2d_steps(np.arange(25).reshape(5, 5), 2, ceil_mode=True, mode="avg")
    assert steps[-1].equation == "(24)/1 = 24"
    assert steps[2].equation == "(4 + 9)/2 = 6.5"


def test_pool_steps_of_the_course_example():
    steps = pool2d_steps([[4, 3], [2, 1]], 2, stride=1, padding="same")
    assert [s.value for s in steps] == [4, 3, 2, 1]
    assert [s.equation for s in steps] == ["max(4, 3, 2, 1) = 4", "max(3, 1) = 3", "max(2, 1) = 2", "max(1) = 1"]


def test_pool_steps_refuse_a_batch():
    with pytest.raises(ValueError, match="one image"):
        pool2d_steps(np.ones((1, 1, 4, 4)), 2)


def test_pool_trace_bundles_padded_input_mask_output_and_steps():
    tr = pool2d_trace(np.arange(9).reshape(3, 3), 2, padding="same", mode="avg")
    np.testing.assert_array_equal(tr.padded, ref.zero_pad(np.arange(9).reshape(3, 3), ((0, 1), (0, 1))))
    assert tr.real.sum() == 9
    np.testing.assert_allclose(tr.output, [[2, 7 / 4], [13 / 4, 2]])
    assert [s.value for s in tr.steps] == pytest.approx(tr.output.ravel().tolist())
    assert all(math.isfinite(v) for v in tr.output.ravel())
