"""pool2d (max / avg / min): the course's examples, PyTorch's padding and ceil-mode rules, bad input."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz import conv2d, pool2d
from tests import reference as ref

PROPS = settings(max_examples=150, deadline=None)


# ---------------------------------------------------------------- the course's examples
def test_max_pool_2x2_valid_stride_1_keeps_the_largest():
    np.testing.assert_array_equal(pool2d([[4, 3], [2, 1]], 2, stride=1), [[4]])


def test_max_pool_2x2_same_stride_1_pads_after_and_keeps_the_shape():
    np.testing.assert_array_equal(pool2d([[4, 3], [2, 1]], 2, stride=1, padding="same"), [[4, 3], [2, 1]])


def test_same_conv_then_same_pool_takes_28_to_14_to_7():
    x = np.random.default_rng(0).normal(size=(28, 28))
    y = conv2d(x, np.ones((3, 3)), stride=2, padding="same")
    assert y.shape == (14, 14)
    assert pool2d(y, 2, stride=2, padding="same").shape == (7, 7)


def test_2x2_max_pool_halves_and_picks_each_blocks_maximum():
    x = np.array([[1, 3, 2, 1], [4, 6, 5, 0], [7, 2, 9, 8], [1, 0, 3, 4]])
    np.testing.assert_array_equal(pool2d(x, 2), [[6, 5], [7, 9]])
    np.testing.assert_array_equal(pool2d(x, 2, mode="min"), [[1, 0], [0, 3]])
    np.testing.assert_allclose(pool2d(x, 2, mode="avg"), [[3.5, 2.0], [2.5, 6.0]])


# ---------------------------------------------------------------- padding rules
def test_avg_pool_counts_padded_zeros_like_pytorch():
    out = pool2d([[1, 2], [3, 4]], 2, stride=1, padding=1, mode="avg")
    np.testing.assert_allclose(out, [[0.25, 0.75, 0.5], [1.0, 2.5, 1.5], [0.75, 1.75, 1.0]])


def test_max_pool_ignores_padding_even_when_all_values_are_negative():
    out = pool2d([[-1, -2], [-3, -4]], 2, stride=1, padding=1, mode="max")
    np.testing.assert_array_equal(out, [[-1, -1, -2], [-1, -1, -2], [-3, -3, -4]])
    out = pool2d([[1, 2], [3, 4]], 2, stride=1, padding=1, mode="min")
    np.testing.assert_array_equal(out, [[1, 1, 2], [1, 1, 2], [3, 3, 4]])


def test_ceil_mode_avg_does_not_count_the_overhang():
    x = np.arange(25.0).reshape(5, 5)
    out = pool2d(x, 2, ceil_mode=True, mode="avg")
    assert out.shape == (3, 3)
    assert out[2, 2] == 24.0  # the last window sees only x[4, 4]: 24 / 1
    assert out[0, 2] == (4 + 9) / 2


def test_ceil_mode_drops_a_last_window_that_would_start_in_the_right_padding():
    out = pool2d(np.ones((2, 2)), 2, stride=3, padding=1, ceil_mode=True)
    assert out.shape == (1, 1)


def test_same_pool_puts_the_odd_pixel_after():
    x = np.arange(9.0).reshape(3, 3)
    # 3 with size 2 stride 2: ⌈3/2⌉ = 2 outputs need 1 pixel of padding, which goes bottom/right
    np.testing.assert_array_equal(pool2d(x, 2, padding="same"), [[4, 5], [7, 8]])
    np.testing.assert_allclose(pool2d(x, 2, padding="same", mode="avg"), [[8 / 4, 7 / 4], [13 / 4, 8 / 4]])


# ---------------------------------------------------------------- against the naive reference
small = st.integers(0, 2)
paddings_2d = st.one_of(
    small, st.tuples(small, small), st.tuples(st.tuples(small, small), st.tuples(small, small)),
    st.sampled_from(["valid", "same"]))


def explicit_pads(padding, hw, fhw, stride):
    out = []
    for axis in (0, 1):
        p = padding[axis] if isinstance(padding, tuple) else padding
        if p == "valid":
            out.append((0, 0))
        elif p == "same":
            out.append(ref.same_pads(hw[axis], fhw[axis], stride[axis]))
        else:
            out.append(p if isinstance(p, tuple) else (p, p))
    return tuple(out)


@st.composite
def pool_cases(draw):
    c = draw(st.integers(1, 3))
    hw = (draw(st.integers(1, 8)), draw(st.integers(1, 8)))
    fhw = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = draw(st.none() | st.tuples(st.integers(1, 4), st.integers(1, 4)))
    padding = draw(paddings_2d)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.integers(-4, 5, size=(c,) + hw).astype(float)  # few distinct values: plenty of ties
    return x, fhw, stride, padding


@given(case=pool_cases(), mode=st.sampled_from(["max", "avg", "min"]), ceil_mode=st.booleans())
@PROPS
def test_pool2d_matches_the_naive_reference(case, mode, ceil_mode):
    x, fhw, stride, padding = case
    strides = fhw if stride is None else stride
    pads = explicit_pads(padding, x.shape[1:], fhw, strides)
    size = fhw[0] if fhw[0] == fhw[1] else fhw
    fits = all(f <= n + sum(p) for n, f, p in zip(x.shape[1:], fhw, pads))
    if not fits or any(max(p) > f // 2 for f, p in zip(fhw, pads)):
        with pytest.raises(ValueError, match="larger than the padded input|at most half"):
            pool2d(x, size, stride, padding, mode, ceil_mode)
        return
    out = pool2d(x, size, stride, padding, mode, ceil_mode)
    expected = np.stack([ref.pool2d(ch, fhw, strides, pads, mode, ceil_mode) for ch in x])
    np.testing.assert_allclose(out, expected, atol=1e-12)
    np.testing.assert_allclose(pool2d(x[0], size, stride, padding, mode, ceil_mode), expected[0], atol=1e-12)
    np.testing.assert_allclose(pool2d(x[None], size, stride, padding, mode, ceil_mode), expected[None], atol=1e-12)


def test_pool2d_keeps_channels_apart_and_does_not_mutate_its_input():
    x = np.stack([np.full((4, 4), 1.0), np.full((4, 4), 5.0)])
    before = x.copy()
    np.testing.assert_array_equal(pool2d(x, 2, mode="avg"), np.stack([np.full((2, 2), 1.0), np.full((2, 2), 5.0)]))
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int64, np.float32])
def test_integer_images_pool_without_overflow_or_sign_trouble(dtype):
    x = np.array([[250, 251], [252, 253]]).astype(dtype)
    np.testing.assert_allclose(pool2d(x, 2, stride=1, padding=1, mode="avg")[1, 1], 251.5)
    assert pool2d(x, 2, stride=1, padding=1, mode="max")[0, 0] == 250
    assert pool2d(x, 2, stride=1, padding=1, mode="min")[2, 2] == 253


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("x, kwargs, words", [
    (np.ones((3, 3)), dict(size=4), r"pooling window 4 is larger than the padded input 3 \+ 2·0 = 3"),
    (np.ones((4, 4)), dict(size=0), "pool size must be at least 1"),
    (np.ones((4, 4)), dict(size=2, stride=0), "stride must be at least 1"),
    (np.ones((4, 4)), dict(size=2, padding=-1), "padding must be at least 0"),
    (np.ones((4, 4)), dict(size=2, padding=2), "at most half the window"),
    (np.ones((4, 4)), dict(size=2, mode="mean"), "max, avg, min"),
    (np.ones((4, 4)), dict(size=2, padding="half"), "valid, same, full"),
    (np.ones((4, 4)), dict(size=(2, 2, 2)), "height, width"),
    (np.ones((4, 4)), dict(size=2.5), "whole number"),
    (np.ones(4), dict(size=2), r"\(H, W\)"),
    (np.ones((1, 1, 1, 4, 4)), dict(size=2), r"\(H, W\)"),
    (np.ones((0, 4)), dict(size=1), r"\(H, W\)"),
    (np.ones((2, 2), dtype=bool), dict(size=1), "must contain numbers"),
    ([[1, 2], [3]], dict(size=1), "rectangular"),
    ([["a"]], dict(size=1), "must contain numbers"),
])
def test_bad_arguments_raise_a_readable_value_error(x, kwargs, words):
    with pytest.raises(ValueError, match=words):
        pool2d(x, **kwargs)


# ---------------------------------------------------------------- optional: PyTorch agrees (dev only)
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="dev-only check: torch is not installed")
@given(case=pool_cases(), mode=st.sampled_from(["max", "avg"]), ceil_mode=st.booleans(), p=small)
@settings(max_examples=80, deadline=None)
def test_pool2d_agrees_with_torch(case, mode, ceil_mode, p):
    import torch
    import torch.nn.functional as F

    x, fhw, stride, _ = case
    try:
        ours = pool2d(x, fhw, stride, p, mode, ceil_mode)
    except ValueError:
        if any(f > n + 2 * p for n, f in zip(x.shape[1:], fhw)):
            return  # the issue rejects a window larger than the padded input; PyTorch's ceil mode allows it
        with pytest.raises(RuntimeError):
            (F.max_pool2d if mode == "max" else F.avg_pool2d)(torch.from_numpy(x), fhw, stride, p, ceil_mode=ceil_mode)
        return
    fn = F.max_pool2d if mode == "max" else F.avg_pool2d
    theirs = fn(torch.from_numpy(x), fhw, stride, p, ceil_mode=ceil_mode).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


@given(hw=st.tuples(st.integers(0, 5), st.integers(0, 5)), size=st.tuples(st.integers(-1, 6), st.integers(0, 6)),
       stride=st.none() | st.integers(-1, 3), padding=st.one_of(st.integers(-1, 3), st.sampled_from(["valid", "same", "x"])),
       mode=st.sampled_from(["max", "avg", "min", "sum"]), ceil_mode=st.booleans())
@settings(max_examples=150, deadline=None)
def test_any_argument_mix_gives_a_non_empty_result_or_a_value_error(hw, size, stride, padding, mode, ceil_mode):
    try:
        out = pool2d(np.ones(hw), size, stride, padding, mode, ceil_mode)
    except ValueError as err:
        assert str(err)
        return
    assert out.size > 0 and np.all(np.isfinite(out))
