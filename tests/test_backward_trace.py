"""Backpropagation through a convolution: the traced dw, dx and db against finite differences, cnnviz.nn's
Conv2d backward and a scatter loop written from the chain rule."""
from __future__ import annotations

import numpy as np
import pytest

from cnnviz.backward_trace import conv2d_backward_trace, spread
from cnnviz.errors import CnnvizError
from cnnviz.nn.conv import Conv2d
from tests.reference import conv2d as reference_conv2d

CASES = [((5, 5), (3, 3), 1, 0), ((5, 6), (3, 2), 2, 1), ((6, 6), (2, 2), 2, 0), ((7, 5), (3, 3), 3, (1, 2)),
         ((4, 4), (2, 3), 1, 1)]


def _pads(padding):
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    return (ph, ph), (pw, pw)


def _loss(x, w, dy, stride, padding):
    y = reference_conv2d(x[None, None], w[None, None], stride=(stride, stride), pads=_pads(padding))[0, 0]
    return float((y * dy).sum())


def _problem(shape, kshape, stride, padding, seed=0):
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=shape), rng.normal(size=kshape)
    out = reference_conv2d(x[None, None], w[None, None], stride=(stride, stride), pads=_pads(padding))[0, 0]
    return x, w, rng.normal(size=out.shape)


@pytest.mark.parametrize("shape, kshape, stride, padding", CASES)
def test_gradients_match_centred_finite_differences(shape, kshape, stride, padding):
    x, w, dy = _problem(shape, kshape, stride, padding)
    t = conv2d_backward_trace(x, w, dy, stride, padding)
    eps = 1e-6
    for array, grad in ((w, t.dw), (x, t.dx)):
        numeric = np.zeros_like(array)
        for idx in np.ndindex(array.shape):
            e = np.zeros_like(array)
            e[idx] = eps
            a_plus, a_minus = (array + e, array - e)
            args = ((x, a_plus), (x, a_minus)) if array is w else ((a_plus, w), (a_minus, w))
            numeric[idx] = (_loss(*args[0], dy, stride, padding) - _loss(*args[1], dy, stride, padding)) / (2 * eps)
        np.testing.assert_allclose(grad, numeric, atol=1e-6)
    assert t.db == pytest.approx(dy.sum())


@pytest.mark.parametrize("shape, kshape, stride, padding", CASES)
def test_gradients_match_the_nn_layer_backward(shape, kshape, stride, padding):
    x, w, dy = _problem(shape, kshape, stride, padding, seed=1)
    layer = Conv2d(1, 1, kshape, stride, padding, dtype=np.float64)
    layer.params["w"][...] = w[:, :, None, None]
    _, cache = layer.forward(x[None, :, :, None])
    dx = layer.backward(dy[None, :, :, None], cache)
    t = conv2d_backward_trace(x, w, dy, stride, padding)
    np.testing.assert_allclose(t.dw, layer.grads["w"][:, :, 0, 0], atol=1e-10)
    np.testing.assert_allclose(t.dx, dx[0, :, :, 0], atol=1e-10)


def test_each_step_is_one_gradient_cell_with_its_own_products():
    x, w, dy = _problem((5, 6), (3, 2), 2, 1, seed=2)
    t = conv2d_backward_trace(x, w, dy, 2, 1)
    assert len(t.weight.steps) == w.size and len(t.input.steps) == 7 * 8
    step = t.weight.steps[4]  # dw[2, 0]: rows 2, 4, 6 and columns 0, 2, 4, 6 of the padded input
    xp = np.pad(x, 1)
    np.testing.assert_allclose(step.patch, xp[2::2, 0::2])
    assert step.value == pytest.approx(float((xp[2::2, 0::2] * dy).sum()))
    # every dx cell written by scatter: each output gradient sends dy[i, j]·w back to its window
    scatter = np.zeros_like(xp)
    for i, j in np.ndindex(dy.shape):
        scatter[2 * i: 2 * i + 3, 2 * j: 2 * j + 2] += dy[i, j] * w
    np.testing.assert_allclose(t.input.output, scatter, atol=1e-12)
    np.testing.assert_allclose(t.dx, scatter[1:-1, 1:-1], atol=1e-12)


def test_spread_puts_stride_minus_one_zeros_between_entries():
    assert spread(np.array([[1.0, 2.0], [3.0, 4.0]]), (2, 3)).tolist() == [[1, 0, 0, 2], [0, 0, 0, 0], [3, 0, 0, 4]]


def test_a_gradient_of_the_wrong_shape_is_refused_in_words():
    with pytest.raises(CnnvizError) as err:
        conv2d_backward_trace(np.ones((5, 5)), np.ones((3, 3)), np.ones((2, 2)))
    assert err.value.code == "backprop_gradient_shape" and "3" in err.value.message("ko")
