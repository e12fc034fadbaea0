"""One CNN layer as data: activations vs their definitions, conv → bias → activation vs a naive loop,
and parameter comparisons vs the course's numbers."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

from cnnviz.activations import ACTIVATIONS, activate, activation_latex, leaky_relu, relu, sigmoid, tanh
from cnnviz.layer import bottleneck, channel_contributions, conv_layer, conv_vs_dense
from cnnviz.course import random_filters, random_volume

finite = st.floats(-50, 50, allow_nan=False)
values = st.lists(finite, min_size=1, max_size=30).map(np.array)


# ---------------------------------------------------------------- activations
@given(values)
def test_relu_keeps_positives_and_zeroes_the_rest(z):
    assert relu(z).tolist() == [max(v, 0.0) for v in z]


@given(values, st.floats(0, 0.99))
def test_leaky_relu_scales_negatives_by_its_slope(z, slope):
    assert leaky_relu(z, slope).tolist() == [v if v > 0 else slope * v for v in z]


def test_leaky_relu_slope_is_applied_to_negative_inputs_only():
    np.testing.assert_array_equal(activate(np.array([-10.0, -1.0, 0.0, 2.0]), "leaky_relu", 0.1),
                                  [-1.0, -0.1, 0.0, 2.0])


def test_relu_of_zero_is_zero():
    assert relu(np.array([0.0, -0.0])).tolist() == [0.0, 0.0]


@given(values)
def test_sigmoid_matches_its_definition(z):
    np.testing.assert_allclose(sigmoid(z), [1 / (1 + math.exp(-v)) for v in z], rtol=1e-12)


def test_sigmoid_saturates_without_overflow_for_huge_inputs():
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):
        out = sigmoid(z)
    np.testing.assert_allclose(out, expit(z), rtol=1e-12, atol=0)
    assert out[2] == 0.5


@given(values)
def test_tanh_matches_its_definition(z):
    np.testing.assert_allclose(tanh(z), [math.tanh(v) for v in z], rtol=1e-12, atol=1e-15)


def test_activate_rejects_unknown_names_and_bad_slopes_in_words():
    with pytest.raises(ValueError, match="activation must be one of relu"):
        activate([1.0], "softmax")
    with pytest.raises(ValueError, match="slope must be at least 0 and below 1"):
        activate([1.0], "leaky_relu", slope=1.5)


def test_activations_keep_the_shape_of_their_input():
    z = np.arange(24.0).reshape(2, 3, 4) - 12
    for name in ACTIVATIONS:
        assert activate(z, name).shape == (2, 3, 4)


# ---------------------------------------------------------------- one layer
def naive_conv(x, w, stride, padding):
    """Independent reference: explicit sums over channels and window taps."""
    c, h, wd = x.shape
    k, _, f, _ = w.shape
    xp = np.zeros((c, h + 2 * padding, wd + 2 * padding))
    xp[:, padding:padding + h, padding:padding + wd] = x
    ho, wo = (h + 2 * padding - f) // stride + 1, (wd + 2 * padding - f) // stride + 1
    out = np.zeros((k, ho, wo))
    for kk in range(k):
        for i in range(ho):
            for j in range(wo):
                out[kk, i, j] = sum(xp[ch, i * stride + a, j * stride + bb] * w[kk, ch, a, bb]
                                    for ch in range(c) for a in range(f) for bb in range(f))
    return out


def test_conv_layer_on_the_cs231n_demo_gives_a_3x3x2_volume():
    x, bank = random_volume(0), random_filters(0)
    maps = conv_layer(x, bank.w, bank.b, stride=2, padding=1, activation="relu")
    assert maps.conv.shape == maps.biased.shape == maps.activated.shape == (2, 3, 3)
    np.testing.assert_array_equal(maps.conv, naive_conv(x, bank.w, 2, 1))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2),
       st.sampled_from(ACTIVATIONS), st.floats(0, 0.5))
def test_conv_layer_stages_are_conv_then_bias_then_activation(seed, c, k, stride, padding, name, slope):
    x = random_volume(seed, c, 6)
    bank = random_filters(seed, k, c, 3)
    b = bank.b - 0.5  # signed biases, so the activation sees both signs
    maps = conv_layer(x, bank.w, b, stride, padding, name, slope)
    conv = naive_conv(x, bank.w, stride, padding)
    np.testing.assert_allclose(maps.conv, conv)
    np.testing.assert_allclose(maps.biased, conv + b[:, None, None])
    g = {"relu": lambda v: max(v, 0.0), "leaky_relu": lambda v: v if v > 0 else slope * v,
         "sigmoid": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh}[name]
    np.testing.assert_allclose(maps.activated, np.vectorize(g)(conv + b[:, None, None]), rtol=1e-12)


def test_conv_layer_rejects_a_batch_or_a_channel_mismatch():
    bank = random_filters(0)
    with pytest.raises(ValueError, match="one layer takes one"):
        conv_layer(np.zeros((2, 3, 5, 5)), bank.w, bank.b)
    with pytest.raises(ValueError, match="channel"):
        conv_layer(np.zeros((4, 5, 5)), bank.w, bank.b)


# ---------------------------------------------------------------- parameters
def test_conv_vs_dense_for_the_cs231n_demo():
    cmp = conv_vs_dense((3, 5, 5), 2, 3, stride=2, padding=1)
    assert cmp.output_shape == (2, 3, 3)
    assert (cmp.conv.weights, cmp.conv.biases, cmp.conv.total) == (2 * 27, 2, 56)  # 2·(3·3·3) + 2
    assert (cmp.dense.weights, cmp.dense.biases, cmp.dense.total) == (75 * 18, 18, 1368)
    assert cmp.ratio == pytest.approx(1368 / 56)


def test_conv_vs_dense_on_a_32x32x3_image_with_six_5x5_filters():
    # deeplearning.ai "Why convolutions?": 3,072 inputs → 4,704 outputs needs about 14 million weights.
    cmp = conv_vs_dense((3, 32, 32), 6, 5)
    assert cmp.output_shape == (6, 28, 28)
    assert cmp.dense.weights == 3072 * 4704 == 14_450_688
    assert cmp.conv.total == 6 * (5 * 5 * 3) + 6 == 456


def test_ten_3x3x3_filters_have_280_parameters_whatever_the_image_size():
    for size in (6, 64, 1000):
        assert conv_vs_dense((3, size, size), 10, 3).conv.total == 280


def test_conv_vs_dense_without_bias_counts_weights_only():
    cmp = conv_vs_dense((3, 5, 5), 2, 3, stride=2, padding=1, bias=False)
    assert (cmp.conv.biases, cmp.dense.biases) == (0, 0)
    assert cmp.conv.total == 54


def test_conv_vs_dense_reports_a_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv_vs_dense((3, 3, 3), 2, 5)


def test_bottleneck_128_to_32_matches_the_course_numbers():
    bn = bottleneck(128, 32, 128, 3)
    assert bn.direct.total == 3 * 3 * 128 * 128 == 147_456
    assert (bn.reduce.total, bn.expand.total) == (1 * 1 * 128 * 32, 3 * 3 * 32 * 128) == (4_096, 36_864)
    assert bn.bottleneck_params == 40_960
    assert bn.saving == pytest.approx(1 - 40_960 / 147_456)


def test_bottleneck_multiplications_match_the_inception_example():
    # deeplearning.ai "Inception network motivation": 28×28×192 → 5×5 same conv → 28×28×32.
    bn = bottleneck(192, 16, 32, 5, spatial=28)
    assert bn.direct_mults == 28 * 28 * 32 * 5 * 5 * 192 == 120_422_400
    assert (bn.reduce_mults, bn.expand_mults) == (2_408_448, 10_035_200)
    assert bn.bottleneck_mults == 12_443_648


def test_bottleneck_with_bias_adds_one_per_output_channel():
    bn = bottleneck(128, 32, 128, 3, bias=True)
    assert (bn.direct.biases, bn.reduce.biases, bn.expand.biases) == (128, 32, 128)
    assert bn.bottleneck_params == 40_960 + 32 + 128


def test_a_wide_bottleneck_costs_more_and_says_so_with_a_negative_saving():
    assert bottleneck(32, 128, 32, 3).saving < 0


# ---------------------------------------------------------------- channel contributions
@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4), st.integers(1, 3), st.integers(1, 2), st.integers(0, 1))
def test_channel_contributions_are_per_channel_convolutions_that_sum_to_the_filter_output(seed, c, f, stride, pad):
    x, bank = random_volume(seed, c, 5), random_filters(seed, 1, c, f)
    parts = channel_contributions(x, bank.w[0], stride, pad)
    for ch in range(c):
        np.testing.assert_array_equal(parts[ch], naive_conv(x[ch:ch + 1], bank.w[:, ch:ch + 1], stride, pad)[0])
    np.testing.assert_array_equal(parts.sum(axis=0), naive_conv(x, bank.w, stride, pad)[0])


def test_channel_contributions_reject_a_filter_with_the_wrong_depth():
    with pytest.raises(ValueError, match="channel"):
        channel_contributions(np.zeros((3, 4, 4)), np.zeros((2, 2, 2)))


def test_each_activation_has_its_definition_as_latex_with_the_leaky_slope_written_in():
    assert activation_latex("leaky_relu", 0.2).count("0.2") == 1
    assert r"\max(z,\,0)" in activation_latex("relu") and "e^{-z}" in activation_latex("sigmoid")
    assert len({activation_latex(name) for name in ACTIVATIONS}) == len(ACTIVATIONS)
    with pytest.raises(ValueError, match="relu"):
        activation_latex("banana")
