"""Parameter counts of single layers: the course's numbers, and counting the actual weight arrays."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz import conv2d, conv2d_params, dense_params


def test_twenty_5x5_filters_on_3_channels_have_1520_parameters():
    assert conv2d_params(3, 20, 5) == 20 * (5 * 5 * 3 + 1) == 1_520


def test_dense_layer_from_28x28x3_to_24x24x20_has_27_million_parameters():
    assert dense_params(28 * 28 * 3, 24 * 24 * 20) == 27_106_560


def test_six_5x5_filters_on_two_channels_have_306_parameters():
    assert conv2d_params(2, 6, 5) == 306


def test_32x32x3_to_28x28x6_conv_456_versus_dense_14_million():
    assert conv2d(np.zeros((3, 32, 32)), np.zeros((6, 3, 5, 5))).shape == (6, 28, 28)
    assert conv2d_params(3, 6, 5) == 456
    assert dense_params(32 * 32 * 3, 28 * 28 * 6) == 14_455_392


def test_3x3_128_to_64_channels_without_bias_is_73728():
    assert conv2d_params(128, 64, 3, bias=False) == 73_728


def test_1x1_bottleneck_saves_parameters():
    direct = conv2d_params(128, 128, 3, bias=False)
    bottleneck = conv2d_params(128, 32, 1, bias=False) + conv2d_params(32, 128, 3, bias=False)
    assert (direct, bottleneck) == (147_456, 40_960)


def test_two_3x3x3_filters_with_bias_have_56_parameters():
    assert conv2d_params(3, 2, 3) == 56


def test_rectangular_kernels_and_groups():
    assert conv2d_params(4, 6, (3, 1)) == 6 * 3 * 1 * 4 + 6
    assert conv2d_params(4, 6, 3, groups=2) == 6 * 9 * 2 + 6  # each filter sees 4/2 channels
    assert conv2d_params(8, 8, 3, bias=False, groups=8) == 72  # depthwise


@given(c=st.integers(1, 4), k=st.integers(1, 4), fh=st.integers(1, 4), fw=st.integers(1, 4), bias=st.booleans())
@settings(max_examples=25, deadline=None)
def test_conv_params_count_the_weights_that_conv2d_actually_uses(c, k, fh, fw, bias):
    """Perturbing any one weight or bias changes conv2d's output: each counted parameter is real."""
    rng = np.random.default_rng(c * 1000 + k * 100 + fh * 10 + fw)
    x = rng.normal(size=(c, fh + 1, fw + 1))
    w, b = rng.normal(size=(k, c, fh, fw)), (rng.normal(size=k) if bias else None)
    base = conv2d(x, w, b)
    used = 0
    for idx in np.ndindex(w.shape):
        w2 = w.copy()
        w2[idx] += 1.0
        used += not np.allclose(conv2d(x, w2, b), base)
    if bias:
        for i in range(k):
            b2 = b.copy()
            b2[i] += 1.0
            used += not np.allclose(conv2d(x, w, b2), base)
    assert conv2d_params(c, k, (fh, fw), bias=bias) == used


@pytest.mark.parametrize("call, words", [
    (lambda: conv2d_params(0, 4, 3), "input channels must be at least 1"),
    (lambda: conv2d_params(3, 0, 3), "output channels must be at least 1"),
    (lambda: conv2d_params(3, 4, 0), "kernel size must be at least 1"),
    (lambda: conv2d_params(3, 4, 3, groups=2), "groups 2 must divide"),
    (lambda: conv2d_params(3.0, 4, 3), "whole number"),
    (lambda: dense_params(0, 10), "input features must be at least 1"),
    (lambda: dense_params(10, -1), "output features must be at least 1"),
])
def test_bad_layer_sizes_raise_a_readable_value_error(call, words):
    with pytest.raises(ValueError, match=words):
        call()
