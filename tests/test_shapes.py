"""Output sizes, padding modes, geometry and coverage (cnnviz.shapes) against counting and the course."""
from __future__ import annotations

import importlib.util
import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz import (
    conv_geometry,
    conv_output_size,
    conv_transpose_output_size,
    coverage,
    pool_geometry,
    pool_output_size,
    resolve_padding,
)
from cnnviz.shapes import axis_geometry, torch_same_padding
from tests import reference as ref

PROPS = settings(max_examples=150, deadline=None)


def evaluate(expr: str) -> int:
    """Evaluate a formula as the engine prints it (⌊⌋ floor, ⌈⌉ ceil, · times, − minus)."""
    py = (expr.replace("⌊", "math.floor(").replace("⌋", ")").replace("⌈", "math.ceil(").replace("⌉", ")")
          .replace("·", "*").replace("−", "-"))
    assert set(py) <= set("0123456789+-*/() mathflorcei."), expr
    return eval(py)  # noqa: S307 - digits and operators only, checked above



# ---------------------------------------------------------------- the course's worked examples
def test_conv_output_size_6_with_3x3_kernel_is_4():
    assert conv_output_size(6, 3) == 4
    assert conv_geometry((6, 6), (3, 3)).out_shape == (4, 4)


def test_conv_output_size_7_kernel_3_stride_2_is_3():
    assert conv_geometry((7, 7), 3, stride=2).out_shape == (3, 3)


def test_conv_output_size_floors_when_stride_does_not_divide():
    # 8 − 3 = 5 is odd: ⌊5/2⌋ + 1 = 3, and the last input column is never reached
    assert conv_output_size(8, 3, stride=2) == 3
    assert axis_geometry(8, 3, 2).unreached() == (7,)


def test_conv_output_sizes_of_the_lenet_style_examples():
    assert conv_output_size(28, 5) == 24
    assert conv_output_size(32, 5) == 28


def test_same_padding_halves_28_then_pool_halves_14():
    assert conv_output_size(28, 3, stride=2, padding="same") == 14
    assert pool_output_size(14, 2, stride=2, padding="same") == 7


def test_5x5_input_padding_1_kernel_3_stride_2_gives_3():
    assert conv_geometry((5, 5), (3, 3), stride=2, padding=1).out_shape == (3, 3)


# ---------------------------------------------------------------- formula text and messages
def test_formula_substitutes_the_numbers_like_the_course():
    assert axis_geometry(7, 3, 2, 1).formula() == "⌊(7 + 2·1 − 3)/2⌋ + 1 = 4"


def test_formula_without_padding_or_stride_stays_short():
    text = axis_geometry(6, 3).formula()
    assert text.endswith("= 4") and "6" in text and "3" in text and "·" not in text


def test_formula_shows_asymmetric_padding_and_dilation():
    geo = axis_geometry(7, 3, 2, (0, 1), 2)
    assert geo.formula() == f"⌊(7 + 0 + 1 − (2·(3−1) + 1))/2⌋ + 1 = {geo.out}"
    assert geo.out == (7 + 1 - 5) // 2 + 1


@given(n=st.integers(1, 30), f=st.integers(1, 6), s=st.integers(1, 4), p=st.integers(0, 4), d=st.integers(1, 3))
@PROPS
def test_formula_evaluates_to_the_output_size(n, f, s, p, d):
    """Evaluating the substituted formula (⌊⌋ → //) gives the size it claims."""
    if d * (f - 1) + 1 > n + 2 * p:
        return
    left, right = axis_geometry(n, f, s, p, d).formula().split(" = ")
    assert evaluate(left) == int(right) == conv_output_size(n, f, s, p, d)


def test_kernel_larger_than_padded_input_message_shows_the_sum():
    with pytest.raises(ValueError, match=r"kernel 5 is larger than the padded input 3 \+ 2·0 = 3"):
        conv_output_size(3, 5)


def test_dilated_kernel_too_large_says_how_far_it_spans():
    with pytest.raises(ValueError, match=r"spans 5 pixels"):
        conv_output_size(4, 3, dilation=2)


# ---------------------------------------------------------------- against counting window positions
paddings_1d = st.one_of(
    st.integers(0, 4), st.tuples(st.integers(0, 4), st.integers(0, 4)), st.sampled_from(["valid", "same", "full"]))


def explicit_1d(padding, n, f, s, d):
    """An independent reading of the padding modes (the 'same' size is checked separately)."""
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "full":
            return d * (f - 1), d * (f - 1)
        return resolve_padding(padding, n, f, s, d)
    return (padding, padding) if isinstance(padding, int) else padding


@given(n=st.integers(1, 25), f=st.integers(1, 7), s=st.integers(1, 5), d=st.integers(1, 4), padding=paddings_1d)
@PROPS
def test_conv_output_size_counts_window_positions(n, f, s, d, padding):
    before, after = explicit_1d(padding, n, f, s, d)
    count = len(ref.positions(n, d * (f - 1) + 1, s, before, after))
    if count == 0:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv_output_size(n, f, s, padding, d)
    else:
        assert conv_output_size(n, f, s, padding, d) == count


@given(n=st.integers(1, 40), f=st.integers(1, 7), s=st.integers(1, 5), d=st.integers(1, 3))
@PROPS
def test_same_padding_gives_ceil_n_over_s_with_least_padding_and_odd_pixel_after(n, f, s, d):
    before, after = resolve_padding("same", n, f, s, d)
    assert after - before in (0, 1)
    assert len(ref.positions(n, d * (f - 1) + 1, s, before, after)) == math.ceil(n / s)
    if before + after:  # one pixel less padding would lose an output
        assert len(ref.positions(n, d * (f - 1) + 1, s, before + after - 1, 0)) < math.ceil(n / s)


def test_same_padding_puts_the_odd_pixel_after():
    assert resolve_padding("same", 4, 2) == (0, 1)
    assert resolve_padding("same", 28, 3, stride=2) == (0, 1)
    assert resolve_padding("same", 5, 4) == (1, 2)


@pytest.mark.parametrize("f, d, expected", [(3, 1, (1, 1)), (4, 1, (1, 2)), (2, 1, (0, 1)), (6, 1, (2, 3)),
                                            (2, 3, (1, 2)), (3, 2, (2, 2)), (1, 1, (0, 0))])
def test_torch_same_padding_puts_the_odd_pixel_after(f, d, expected):
    assert torch_same_padding(9, f, 1, d) == expected


@given(n=st.integers(1, 40), f=st.integers(1, 9), d=st.integers(1, 4))
@settings(max_examples=60, deadline=None)
def test_torch_and_tensorflow_same_padding_agree_for_stride_1(n, f, d):
    assert torch_same_padding(n, f, 1, d) == resolve_padding("same", n, f, 1, d)


def test_torch_same_padding_refuses_strides_like_pytorch():
    with pytest.raises(ValueError, match="only with stride 1"):
        torch_same_padding(8, 3, stride=2)


def test_valid_and_full_padding():
    assert resolve_padding("valid", 5, 3) == (0, 0)
    assert resolve_padding("full", 5, 3) == (2, 2)
    assert resolve_padding("full", 5, 3, dilation=3) == (6, 6)
    assert conv_output_size(5, 3, padding="full") == 7


@given(n=st.integers(1, 25), f=st.integers(1, 6), s=st.none() | st.integers(1, 5), p=st.integers(0, 3),
       ceil_mode=st.booleans())
@PROPS
def test_pool_output_size_counts_pytorch_windows(n, f, s, p, ceil_mode):
    stride = f if s is None else s
    if p > f // 2:
        with pytest.raises(ValueError, match="at most half"):
            pool_output_size(n, f, s, p, ceil_mode)
        return
    count = len(ref.positions(n, f, stride, p, p))
    if count == 0:
        with pytest.raises(ValueError, match="larger than the padded input"):
            pool_output_size(n, f, s, p, ceil_mode)
        return
    expected = len(ref.pool_positions(n, f, stride, p, p, ceil_mode))
    assert pool_output_size(n, f, s, p, ceil_mode) == expected
    assert pool_geometry((n, n), f, s, p, ceil_mode).out_shape == (expected, expected)


def test_pool_ceil_mode_rounds_up():
    assert pool_output_size(5, 2) == 2
    assert pool_output_size(5, 2, ceil_mode=True) == 3


def test_pool_ceil_mode_drops_a_window_that_would_start_in_the_right_padding():
    # padded 1+2+1 = 4; ⌈(4−2)/3⌉+1 = 2, but the 2nd window would start at 3, in the right padding
    assert pool_output_size(2, 2, stride=3, padding=1, ceil_mode=True) == 1


def test_pool_output_size_rejects_padding_larger_than_half_the_window():
    with pytest.raises(ValueError, match="at most half"):
        pool_output_size(5, 2, padding=3)


def test_pool_formula_in_ceil_mode_rounds_up():
    geo = pool_geometry((5, 5), 2, 2, 0, ceil_mode=True)
    assert geo.rows.formula() == "⌈(5 − 2)/2⌉ + 1 = 3"


@given(n=st.integers(1, 20), f=st.integers(1, 6), s=st.integers(1, 5), p=st.integers(0, 3), ceil_mode=st.booleans())
@PROPS
def test_pool_formula_evaluates_to_the_pool_output_size(n, f, s, p, ceil_mode):
    if p > f // 2 or f > n + 2 * p:
        return
    left, right = pool_geometry((n, n), f, s, p, ceil_mode).rows.formula().split(" = ")
    assert evaluate(left) == int(right) == pool_output_size(n, f, s, p, ceil_mode)


@given(n=st.integers(1, 12), f=st.integers(1, 5), s=st.integers(1, 4), p=st.integers(0, 3),
       a=st.integers(0, 3), d=st.integers(1, 3))
@PROPS
def test_conv_transpose_output_size_matches_scattering_the_kernel(n, f, s, p, a, d):
    expected = ref.transposed_output_size(n, f, s, p, a, d)
    assert expected == s * (n - 1) + d * (f - 1) + 1 - 2 * p + a  # the relation o = s(i−1) + d(k−1) + 1 − 2p + a
    if a >= max(s, d):
        with pytest.raises(ValueError, match="output padding"):
            conv_transpose_output_size(n, f, s, p, a, d)
    elif expected < 1:
        with pytest.raises(ValueError, match="crops away"):
            conv_transpose_output_size(n, f, s, p, a, d)
    else:
        o = conv_transpose_output_size(n, f, s, p, a, d)
        assert o == expected
        if a < s:  # a transposed conv undoes the size change of the matching conv
            assert conv_output_size(o, f, s, p, d) == n


def test_conv_transpose_doubles_with_kernel_4_stride_2_padding_1():
    assert conv_transpose_output_size(7, 4, stride=2, padding=1) == 14


# ---------------------------------------------------------------- geometry
def test_windows_list_the_padded_coordinates_of_the_taps():
    geo = axis_geometry(7, 3, stride=2, padding=1, dilation=2)
    assert [list(geo.window(i)) for i in range(geo.out)] == [[0, 2, 4], [2, 4, 6], [4, 6, 8]]
    assert (geo.before, geo.after, geo.padded, geo.span) == (1, 1, 9, 5)


@given(n=st.integers(1, 25), f=st.integers(1, 6), s=st.integers(1, 5), p=st.integers(0, 3), d=st.integers(1, 3))
@PROPS
def test_unreached_lists_exactly_the_padded_positions_after_the_last_window(n, f, s, p, d):
    span = d * (f - 1) + 1
    starts = ref.positions(n, span, s, p, p)
    if not starts:
        return
    geo = axis_geometry(n, f, s, p, d)
    touched = set(range(starts[-1] + span))  # everything up to the end of the last window
    assert geo.unreached() == tuple(q for q in range(n + 2 * p) if q not in touched)
    assert (geo.remainder == 0) == (starts[-1] + span == n + 2 * p)


def test_conv_geometry_takes_per_side_padding_for_rows_and_columns():
    geo = conv_geometry((5, 6), (3, 2), stride=(1, 2), padding=((0, 1), (2, 3)), dilation=(2, 1))
    assert geo.pads == ((0, 1), (2, 3))
    assert geo.out_shape == (len(ref.positions(5, 5, 1, 0, 1)), len(ref.positions(6, 2, 2, 2, 3)))


def test_conv_geometry_pair_padding_is_height_then_width():
    assert conv_geometry((5, 5), 3, padding=(0, 1)).pads == ((0, 0), (1, 1))


# ---------------------------------------------------------------- coverage
def test_coverage_without_padding_uses_a_corner_once_and_the_centre_most():
    cov = coverage(5, 3)
    assert cov[0, 0] == cov[0, -1] == cov[-1, 0] == cov[-1, -1] == 1
    expected = np.outer([1, 2, 3, 2, 1], [1, 2, 3, 2, 1])  # the course's 5×5 / 3×3 picture
    np.testing.assert_array_equal(cov, expected)


def test_full_padding_makes_every_pixels_coverage_equal():
    cov = coverage(5, 3, padding="full")
    assert np.all(cov == 9)


def test_padding_evens_out_the_coverage():
    spreads = [coverage(5, 3, padding=p) for p in (0, 1, 2)]
    assert [int(c.max() - c.min()) for c in spreads] == [8, 5, 0]
    np.testing.assert_array_equal(spreads[1][0], [4, 6, 6, 6, 4])


@given(h=st.integers(1, 9), w=st.integers(1, 9), fh=st.integers(1, 4), fw=st.integers(1, 4),
       sh=st.integers(1, 3), sw=st.integers(1, 3), dh=st.integers(1, 3), dw=st.integers(1, 3),
       t=st.integers(0, 3), b=st.integers(0, 3), l=st.integers(0, 3), r=st.integers(0, 3))
@PROPS
def test_coverage_matches_counting_every_tap(h, w, fh, fw, sh, sw, dh, dw, t, b, l, r):
    if not ref.positions(h, dh * (fh - 1) + 1, sh, t, b) or not ref.positions(w, dw * (fw - 1) + 1, sw, l, r):
        return
    cov = coverage((h, w), (fh, fw), (sh, sw), ((t, b), (l, r)), (dh, dw))
    np.testing.assert_array_equal(cov, ref.coverage((h, w), (fh, fw), (sh, sw), ((t, b), (l, r)), (dh, dw)))


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize("kwargs, words", [
    (dict(n=5, f=3, stride=0), "stride must be at least 1"),
    (dict(n=5, f=0), "kernel size must be at least 1"),
    (dict(n=5, f=3, dilation=0), "dilation must be at least 1"),
    (dict(n=0, f=1), "input size must be at least 1"),
    (dict(n=5, f=3, padding=-1), "padding must be at least 0"),
    (dict(n=5, f=3, padding=(1, -1)), "padding must be at least 0"),
    (dict(n=5, f=3, padding=(1, 2, 3)), "(before, after) pair"),
    (dict(n=5, f=3, padding="half"), "valid, same, full"),
    (dict(n=5, f=3, stride=1.5), "stride must be a whole number"),
    (dict(n=5, f=True), "kernel size must be a whole number"),
    (dict(n="5", f=3), "input size must be a whole number"),
])
def test_conv_output_size_rejects_bad_arguments_in_words(kwargs, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        conv_output_size(**kwargs)


def test_numpy_integers_are_accepted():
    assert conv_output_size(np.int64(7), np.int32(3), np.int8(2), np.uint8(1)) == 4


def test_conv_geometry_rejects_a_bad_pair_and_a_bad_2d_padding():
    with pytest.raises(ValueError, match="height, width"):
        conv_geometry((5, 5, 5), 3)
    with pytest.raises(ValueError, match="padding must be"):
        conv_geometry((5, 5), 3, padding=(1, 1, 1))


# ---------------------------------------------------------------- optional: PyTorch agrees (dev only)
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="dev-only check: torch is not installed")
def test_conv_transpose_output_size_agrees_with_torch():
    import torch

    for n, f, s, p, a, d in itertools.product((1, 4), (1, 3), (1, 2, 3), (0, 1, 2), (0, 1, 2), (1, 2)):
        try:
            ours = conv_transpose_output_size(n, f, s, p, a, d)
        except ValueError:
            ours = None  # torch raises, or returns an empty tensor, which the engine refuses
        try:
            out = torch.nn.functional.conv_transpose2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, f, f), stride=s,
                                                       padding=p, output_padding=a, dilation=d)
            theirs = out.shape[-1] or None
        except RuntimeError:
            theirs = None
        assert ours == theirs, (n, f, s, p, a, d)


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="dev-only check: torch is not installed")
def test_torch_same_padding_matches_pytorch():
    import torch

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


def test_worked_formula_shows_the_floor_cutting():
    assert axis_geometry(8, 3, 2).worked() == "⌊(8 − 3)/2⌋ + 1 = ⌊5/2⌋ + 1 = 2 + 1 = 3"


def test_worked_formula_with_stride_1_has_no_division():
    assert axis_geometry(5, 3).worked() == "(5 − 3) + 1 = 2 + 1 = 3"


@given(n=st.integers(1, 20), f=st.integers(1, 6), s=st.integers(1, 5), p=st.integers(0, 3), d=st.integers(1, 3),
       pool=st.booleans(), ceil_mode=st.booleans())
@PROPS
def test_every_step_of_the_worked_formula_equals_the_output_size(n, f, s, p, d, pool, ceil_mode):
    if pool:
        if p > f // 2 or f > n + 2 * p:
            return
        geo = pool_geometry((n, n), f, s, p, ceil_mode).rows
    else:
        if d * (f - 1) + 1 > n + 2 * p:
            return
        geo = axis_geometry(n, f, s, p, d)
    steps = geo.worked().split(" = ")
    assert steps[0] == geo.formula().rsplit(" = ", 1)[0]
    assert [evaluate(step) for step in steps] == [geo.out] * len(steps)
