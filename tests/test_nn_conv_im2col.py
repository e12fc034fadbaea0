"""The readable im2col convolution agrees with the fast row-Toeplitz Conv2d, forward and backward."""
from __future__ import annotations

import numpy as np
import pytest

from cnnviz.nn import Conv2d, Im2colConv2d, lenet
from tests.test_nn_layers import CONV_CASES, check_layer_gradients


def twins(c, k, kernel, stride, padding, dilation, seed):
    fast = Conv2d(c, k, kernel, stride, padding, dilation, rng=np.random.default_rng(seed), dtype=np.float64)
    readable = Im2colConv2d(c, k, kernel, stride, padding, dilation, rng=np.random.default_rng(seed),
                            dtype=np.float64)
    fast.params["b"][...] = readable.params["b"][...] = np.random.default_rng(seed + 1).standard_normal(k)
    return fast, readable


@pytest.mark.parametrize("h, w, c, k, kernel, stride, padding, dilation", CONV_CASES)
def test_im2col_conv_gives_the_fast_layers_outputs_and_gradients(h, w, c, k, kernel, stride, padding, dilation):
    fast, readable = twins(c, k, kernel, stride, padding, dilation, seed=10)
    np.testing.assert_array_equal(readable.w, fast.w)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((3, h, w, c))
    (out_f, cache_f), (out_r, cache_r) = fast.forward(x), readable.forward(x)
    np.testing.assert_allclose(out_r, out_f, rtol=1e-12, atol=1e-12)
    dout = rng.standard_normal(out_f.shape)
    np.testing.assert_allclose(readable.backward(dout, cache_r), fast.backward(dout, cache_f), rtol=1e-11, atol=1e-12)
    for key in ("w", "b"):
        np.testing.assert_allclose(readable.grads[key], fast.grads[key], rtol=1e-11, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("case", [CONV_CASES[1], CONV_CASES[3]], ids=["strided padded", "dilated same"])
def test_im2col_conv_backward_matches_finite_differences(case):
    h, w, c, k, kernel, stride, padding, dilation = case
    rng = np.random.default_rng(12)
    _, readable = twins(c, k, kernel, stride, padding, dilation, seed=13)
    check_layer_gradients(readable, rng.standard_normal((2, h, w, c)), rng)


def test_a_lenet_with_the_readable_conv_reads_digits_exactly_like_the_fast_one():
    fast = lenet(seed=3, dtype=np.float64)
    readable = lenet(seed=3, dtype=np.float64)
    for i, layer in enumerate(readable.layers):
        if isinstance(layer, Conv2d):
            swap = Im2colConv2d(layer.in_channels, layer.out_channels, layer.kernel_size, name=layer.name,
                                dtype=np.float64)
            swap.params = layer.params  # the same views into the model's parameter vector
            swap.grads = layer.grads
            readable.layers[i] = swap
    images = np.random.default_rng(14).integers(0, 256, (4, 28, 28)).astype(np.uint8)
    np.testing.assert_allclose(readable.predict(images), fast.predict(images), rtol=1e-10)
