"""conv2d / conv2d_loop: the course's worked examples, an independent oracle, and bad input."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from cnnviz import conv2d, conv2d_loop
from tests import reference as ref

PROPS = settings(max_examples=120, deadline=None)
IMG_3X3 = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
IMG_5X5 = np.array([[2, 1, 2, 0, 1], [1, 3, 2, 2, 3], [1, 1, 3, 3, 0], [2, 2, 0, 1, 1], [0, 0, 3, 1, 2]])
K_INT = np.array([[2, 3], [0, 1]])
K_DEC = np.array([[0.1, 0.2], [0.3, 0.4]])
OUT_INT = [[10, 10, 6, 6], [12, 15, 13, 13], [7, 11, 16, 7], [10, 7, 4, 7]]
OUT_DEC = [[1.9, 2.2, 1.6, 2.0], [1.4, 2.2, 2.7, 1.7], [1.7, 1.3, 1.3, 1.0], [0.6, 1.4, 1.5, 1.4]]
BOTH_IMPLEMENTATIONS = pytest.mark.parametrize("conv", [conv2d, conv2d_loop], ids=["fast", "loop"])


# ---------------------------------------------------------------- the course's worked examples
@BOTH_IMPLEMENTATIONS
def test_6x6_image_with_3x3_kernel_gives_4x4(conv):
    assert conv(np.ones((6, 6)), np.ones((3, 3))).shape == (4, 4)


@BOTH_IMPLEMENTATIONS
def test_vertical_edge_kernel_lights_up_the_step_between_10_and_0(conv):
    image = np.hstack([np.full((6, 3), 10), np.zeros((6, 3))])
    kernel = np.array([[1, 0, -1]] * 3)
    np.testing.assert_array_equal(conv(image, kernel), [[0, 30, 30, 0]] * 4)


@BOTH_IMPLEMENTATIONS
def test_2x2_ones_kernel_valid_and_same(conv):
    ones = np.ones((2, 2))
    np.testing.assert_array_equal(conv(IMG_3X3, ones), [[12, 16], [24, 28]])
    np.testing.assert_array_equal(conv(IMG_3X3, 10 * ones), [[120, 160], [240, 280]])
    np.testing.assert_array_equal(conv(IMG_3X3, -ones), [[-12, -16], [-24, -28]])
    same = [[12, 16, 9], [24, 28, 15], [15, 17, 9]]  # the odd pixel of padding goes after: bottom/right
    np.testing.assert_array_equal(conv(IMG_3X3, ones, padding="same"), same)
    np.testing.assert_array_equal(conv(IMG_3X3, 10 * ones, padding="same"), 10 * np.array(same))
    np.testing.assert_array_equal(conv(IMG_3X3, -ones, padding="same"), -np.array(same))


@BOTH_IMPLEMENTATIONS
def test_5x5_example_with_integer_and_decimal_kernels(conv):
    np.testing.assert_array_equal(conv(IMG_5X5, K_INT), OUT_INT)
    np.testing.assert_allclose(conv(IMG_5X5, K_DEC), OUT_DEC, atol=1e-12)


@BOTH_IMPLEMENTATIONS
def test_5x5_example_with_both_kernels_at_once(conv):
    both = np.stack([K_INT, K_DEC])[:, None]  # (K=2, C=1, 2, 2)
    out = conv(IMG_5X5[None], both)
    assert out.shape == (2, 4, 4)
    np.testing.assert_allclose(out, [OUT_INT, OUT_DEC], atol=1e-12)
    np.testing.assert_allclose(conv(IMG_5X5, both), [OUT_INT, OUT_DEC], atol=1e-12)  # (H, W) image, 4-D kernel


def test_28x28x3_with_twenty_5x5_filters_gives_24x24x20():
    rng = np.random.default_rng(0)
    assert conv2d(rng.normal(size=(3, 28, 28)), rng.normal(size=(20, 3, 5, 5))).shape == (20, 24, 24)
    assert conv2d(rng.normal(size=(3, 32, 32)), rng.normal(size=(6, 3, 5, 5))).shape == (6, 28, 28)


@BOTH_IMPLEMENTATIONS
def test_5x5x3_padding_1_two_3x3x3_filters_with_bias_stride_2(conv):
    rng = np.random.default_rng(1)
    x = rng.integers(0, 3, size=(3, 5, 5))
    w = rng.integers(-1, 2, size=(2, 3, 3, 3))
    b = np.array([1, 0])
    out = conv(x, w, b, stride=2, padding=1)
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out, ref.conv2d(x[None], w, b, (2, 2), ((1, 1), (1, 1)))[0])
    # one cell by hand: the top-left window covers padded rows/cols 0..2, i.e. x[:, 0:2, 0:2]
    by_hand = sum(x[c, i - 1, j - 1] * w[1, c, i, j] for c in range(3) for i in (1, 2) for j in (1, 2)) + b[1]
    assert out[1, 0, 0] == by_hand


# ---------------------------------------------------------------- independent oracle
def explicit_pads(padding, hw, fhw, stride, dilation):
    """Any accepted padding argument, read independently of the engine, as ((top, bottom), (left, right))."""
    out = []
    for axis in (0, 1):
        n, f, s, d = hw[axis], fhw[axis], stride[axis], dilation[axis]
        p = padding
        if isinstance(padding, tuple):
            p = padding[axis]
        if p == "valid":
            out.append((0, 0))
        elif p == "full":
            out.append((d * (f - 1),) * 2)
        elif p == "same":
            out.append(ref.same_pads(n, f, s, d))
        elif isinstance(p, tuple):
            out.append(p)
        else:
            out.append((p, p))
    return tuple(out)


small = st.integers(0, 3)
paddings_2d = st.one_of(
    small,  # each side
    st.tuples(small, small),  # (ph, pw)
    st.tuples(st.tuples(small, small), st.tuples(small, small)),  # ((top, bottom), (left, right))
    st.sampled_from(["valid", "same", "full"]),
)


@st.composite
def conv_cases(draw):
    n, c, k = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    hw = (draw(st.integers(1, 8)), draw(st.integers(1, 8)))
    fhw = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(paddings_2d)
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = rng.integers(-5, 6, size=(n, c) + hw).astype(float)
    w = rng.integers(-3, 4, size=(k, c) + fhw).astype(float)
    b = rng.integers(-3, 4, size=k).astype(float) if draw(st.booleans()) else None
    return x, w, b, stride, padding, dilation


def plain(a):
    """Ints stay ints, pairs stay tuples: how a user would pass the arguments."""
    return a if not isinstance(a, tuple) or a[0] != a[1] else a[0]


@given(case=conv_cases(), flip=st.booleans())
@PROPS
def test_conv2d_and_conv2d_loop_match_the_direct_definition(case, flip):
    x, w, b, stride, padding, dilation = case
    pads = explicit_pads(padding, x.shape[2:], w.shape[2:], stride, dilation)
    expected = ref.conv2d(x, w, b, stride, pads, dilation, flip)
    args = dict(stride=plain(stride), padding=padding, dilation=plain(dilation), flip=flip)
    if 0 in expected.shape:
        for conv in (conv2d, conv2d_loop):
            with pytest.raises(ValueError, match="larger than the padded input"):
                conv(x, w, b, **args)
        return
    np.testing.assert_allclose(conv2d(x, w, b, **args), expected, atol=1e-9)
    np.testing.assert_allclose(conv2d_loop(x, w, b, **args), expected, atol=1e-9)
    if x.shape[1] == w.shape[0] == 1:  # also as a plain (H, W) image with an (fh, fw) kernel
        np.testing.assert_allclose(conv2d(x[0, 0], w[0, 0], b, **args), expected[0, 0], atol=1e-9)


@given(case=conv_cases())
@PROPS
def test_flip_equals_correlation_with_the_kernel_rotated_180_degrees(case):
    x, w, b, stride, padding, dilation = case
    try:
        flipped = conv2d(x, w, b, stride, padding, dilation, flip=True)
    except ValueError:
        return  # impossible geometry, covered above
    rotated = np.rot90(w, 2, axes=(2, 3))
    np.testing.assert_allclose(flipped, conv2d(x, rotated, b, stride, padding, dilation), atol=1e-9)


@given(h=st.integers(1, 9), w=st.integers(1, 9), fh=st.integers(1, 4), fw=st.integers(1, 4),
       s=st.integers(1, 3), p=st.integers(0, 2), seed=st.integers(0, 999))
@PROPS
def test_single_channel_conv_matches_scipy_correlate2d_and_convolve2d(h, w, fh, fw, s, p, seed):
    rng = np.random.default_rng(seed)
    x, k = rng.normal(size=(h, w)), rng.normal(size=(fh, fw))
    if fh > h + 2 * p or fw > w + 2 * p:
        return
    xp = np.pad(x, p)
    np.testing.assert_allclose(conv2d(x, k, stride=s, padding=p), signal.correlate2d(xp, k, "valid")[::s, ::s],
                               atol=1e-12)
    np.testing.assert_allclose(conv2d(x, k, stride=s, padding=p, flip=True),
                               signal.convolve2d(xp, k, "valid")[::s, ::s], atol=1e-12)


def test_large_single_channel_image_matches_scipy_across_the_fast_paths_row_blocks():
    rng = np.random.default_rng(5)
    x, k = rng.normal(size=(301, 1100)), rng.normal(size=(3, 3))
    pads = ((2, 3), (1, 0))
    xp = np.pad(x, pads)
    expected = signal.correlate2d(xp, ref.dilate_kernel(k, (2, 1)), "valid")[::2, :]
    np.testing.assert_allclose(conv2d(x, k, stride=(2, 1), padding=pads, dilation=(2, 1)), expected, atol=1e-10)
    np.testing.assert_allclose(conv2d(x[None, None], k[None, None], stride=(2, 1), padding=pads, dilation=(2, 1)),
                               expected[None, None], atol=1e-10)


def test_full_padding_is_scipys_full_mode():
    rng = np.random.default_rng(3)
    x, k = rng.normal(size=(5, 7)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(conv2d(x, k, padding="full"), signal.correlate2d(x, k, "full"), atol=1e-12)


def test_batch_layout_is_n_k_h_w():
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=(3, 2, 6, 5)), rng.normal(size=(4, 2, 3, 2))
    out = conv2d(x, w, stride=(2, 1), padding=((1, 0), (0, 2)))
    assert out.shape == (3, 4, 3, 6)
    for n in range(3):  # every image of the batch on its own
        np.testing.assert_allclose(out[n], conv2d(x[n], w, stride=(2, 1), padding=((1, 0), (0, 2))), atol=1e-12)


def test_single_filter_keeps_the_filter_axis():
    out = conv2d(np.ones((2, 4, 4)), np.ones((1, 2, 3, 3)))
    assert out.shape == (1, 2, 2)
    np.testing.assert_array_equal(out, 18)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.float16])
def test_small_integer_images_do_not_overflow(dtype):
    x = np.full((3, 3), 100, dtype=dtype)
    w = np.full((2, 2), 3, dtype=dtype)
    expected = np.full((2, 2), 1200.0)
    np.testing.assert_array_equal(conv2d(x, w), expected)
    np.testing.assert_array_equal(conv2d_loop(x, w), expected)


def test_conv_does_not_mutate_its_inputs():
    x, w, b = IMG_5X5.copy(), K_INT.copy(), np.array([1])
    conv2d(x, w, b, padding=1, flip=True)
    conv2d_loop(x, w, b, padding=1, flip=True)
    np.testing.assert_array_equal(x, IMG_5X5)
    np.testing.assert_array_equal(w, K_INT)


def test_nested_lists_are_accepted():
    np.testing.assert_array_equal(conv2d(IMG_3X3.tolist(), [[1, 1], [1, 1]]), [[12, 16], [24, 28]])


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("x, w, kwargs, words", [
    (np.ones((3, 3)), np.ones((5, 5)), {}, r"kernel 5 is larger than the padded input 3 \+ 2·0 = 3"),
    (np.ones((3, 3)), np.ones((6, 6)), dict(padding=1), r"kernel 6 is larger than the padded input 3 \+ 2·1 = 5"),
    (np.ones((3, 3)), np.ones((2, 6)), dict(padding=(0, (1, 0))), r"kernel 6 is larger than the padded input 3 \+ 1 \+ 0 = 4"),
    (np.ones((4, 4)), np.ones((2, 2)), dict(stride=0), "stride must be at least 1"),
    (np.ones((4, 4)), np.ones((2, 2)), dict(dilation=(1, 0)), "dilation must be at least 1"),
    (np.ones((4, 4)), np.ones((2, 2)), dict(padding=-1), "padding must be at least 0"),
    (np.ones((4, 4)), np.ones((2, 2)), dict(padding=((0, 1), (-1, 0))), "padding must be at least 0"),
    (np.ones((4, 4)), np.ones((2, 2)), dict(padding="half"), "valid, same, full"),
    (np.ones((4, 4)), np.ones((2, 2)), dict(stride=(1, 2, 3)), "height, width"),
    (np.ones((3, 4, 4)), np.ones((2, 2, 3, 3)), {}, "3 channel.*2.*must match"),
    (np.ones((3, 4, 4)), np.ones((3, 3)), {}, r"\(K, C, fh, fw\)"),
    (np.ones((4, 4)), np.ones((1, 1, 2, 2)), dict(b=[1, 2]), "bias needs one value per filter"),
    (np.ones((2, 4, 4)), np.ones((3, 2, 2, 2)), dict(b=[1, 2]), r"bias needs one value per filter \(3\)"),
    ([["a", "b"], ["c", "d"]], np.ones((1, 1)), {}, "must contain numbers"),
    (np.ones((2, 2), dtype=bool), np.ones((1, 1)), {}, "must contain numbers"),
    (np.ones((2, 2)), np.array([[1 + 1j]]), {}, "must contain numbers"),
    ([[1, 2], [3]], np.ones((1, 1)), {}, "rectangular"),
    ([[1, None], [3, 4]], np.ones((1, 1)), {}, "must contain numbers"),
    (np.ones((2, 2)), np.ones((1, 1)), dict(b=["x"]), "bias must contain numbers"),
    (np.ones((0, 0)), np.ones((1, 1)), {}, "must not be empty"),
    (np.ones((1, 0, 3, 3)), np.ones((2, 0, 1, 1)), {}, "must not be empty"),
    (np.ones(4), np.ones((2, 2)), {}, r"input must be an image .* got shape \(4,\)"),
    (np.ones((1, 1, 1, 4, 4)), np.ones((1, 1, 2, 2)), {}, r"input must be an image"),
    (7, np.ones((1, 1)), {}, r"input must be an image"),
])
@BOTH_IMPLEMENTATIONS
def test_bad_arguments_raise_a_readable_value_error(conv, x, w, kwargs, words):
    with pytest.raises(ValueError, match=words):
        conv(x, w, **kwargs)


# ---------------------------------------------------------------- optional: PyTorch agrees (dev only)
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="dev-only check: torch is not installed")
@given(case=conv_cases())
@settings(max_examples=60, deadline=None)
def test_conv2d_agrees_with_torch(case):
    import torch
    x, w, b, stride, padding, dilation = case
    pads = explicit_pads(padding, x.shape[2:], w.shape[2:], stride, dilation)
    try:
        ours = conv2d(x, w, b, stride, padding, dilation)
    except ValueError:
        return
    (t, bot), (l, r) = pads
    xt = torch.nn.functional.pad(torch.from_numpy(x), (l, r, t, bot))
    theirs = torch.nn.functional.conv2d(xt, torch.from_numpy(w), None if b is None else torch.from_numpy(b),
                                        stride=stride, dilation=dilation)
    np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-9)


@given(hw=st.tuples(st.integers(0, 5), st.integers(0, 5)), fhw=st.tuples(st.integers(0, 6), st.integers(0, 6)),
       c=st.integers(0, 2), wc=st.integers(0, 2), k=st.integers(0, 2),
       stride=st.integers(-1, 3), dilation=st.integers(-1, 3),
       padding=st.one_of(st.integers(-1, 3), st.sampled_from(["valid", "same", "full", "", "SAME"])))
@settings(max_examples=150, deadline=None)
def test_any_argument_mix_gives_a_non_empty_result_or_a_value_error(hw, fhw, c, wc, k, stride, dilation, padding):
    x, w = np.ones((c,) + hw), np.ones((k, wc) + fhw)
    for conv in (conv2d, conv2d_loop):
        try:
            out = conv(x, w, stride=stride, padding=padding, dilation=dilation)
        except ValueError as err:
            assert str(err) and "Traceback" not in str(err)
            continue
        assert out.size > 0 and out.shape[0] == k
