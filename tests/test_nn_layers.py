"""cnnviz.nn layers: forward against the engine's loop specs, backward against finite differences."""
from __future__ import annotations

import numpy as np
import pytest

from cnnviz.conv import conv2d_loop
from cnnviz.nn.conv import block_size
from cnnviz.nn.initializers import initial_weights
from cnnviz.nn import AvgPool2d, Conv2d, Dense, Flatten, MaxPool2d, ReLU, Tanh, softmax, softmax_cross_entropy
from cnnviz.pool import pool2d
from cnnviz.shapes import conv_output_size

EPS = 1e-6


def numeric_gradient(f, x: np.ndarray) -> np.ndarray:
    """Centred differences of the scalar ``f()`` with respect to every entry of ``x`` (changed in place)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + EPS
        up = f()
        x[i] = old - EPS
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * EPS)
    return grad


def check_layer_gradients(layer, x: np.ndarray, rng) -> None:
    """Backward of ``layer`` at ``x`` equals finite differences of ``L = Σ out · g`` for a random ``g``."""
    out, cache = layer.forward(x)
    g = rng.standard_normal(out.shape)
    dx = layer.backward(g, cache)
    grads = {k: v.copy() for k, v in layer.grads.items()}

    def loss():
        return float((layer.forward(x)[0] * g).sum())

    np.testing.assert_allclose(dx, numeric_gradient(loss, x), rtol=1e-6, atol=1e-7)
    for key, param in layer.params.items():
        np.testing.assert_allclose(grads[key], numeric_gradient(loss, param), rtol=1e-6, atol=1e-7,
                                   err_msg=f"gradient of {key}")


def nchw(x):
    return x.transpose(0, 3, 1, 2)


# (H, W, C, K, kernel, stride, padding, dilation): overlapping windows everywhere, plus stride > 1,
# padding > 0 (symmetric, asymmetric, 'same'), non-square shapes, dilation, and a floor that leaves
# rows and columns unreached.
CONV_CASES = [
    (6, 7, 2, 3, 3, 1, 0, 1),
    (7, 8, 3, 2, 3, 2, 1, 1),
    (8, 6, 2, 2, (3, 2), (2, 1), ((1, 2), (0, 1)), 1),
    (7, 7, 1, 2, 3, 1, "same", 2),
    (9, 8, 2, 2, (2, 3), (3, 2), 0, 1),
    (5, 5, 1, 1, 5, 1, 2, 1),
    # enough filters that the forward pass splits each row into blocks of G < OW outputs
    (6, 10, 2, 16, 3, 1, 1, 1),
    (7, 14, 2, 16, 3, (1, 2), (1, 1), (1, 2)),
    (7, 12, 2, 11, 3, 2, (0, 1), 1),
]


@pytest.mark.parametrize("h, w, c, k, kernel, stride, padding, dilation", CONV_CASES)
def test_conv2d_forward_matches_the_loop_specification(h, w, c, k, kernel, stride, padding, dilation):
    rng = np.random.default_rng(1)
    conv = Conv2d(c, k, kernel, stride, padding, dilation, rng=rng, dtype=np.float64)
    conv.params["b"][...] = rng.standard_normal(k)
    x = rng.standard_normal((2, h, w, c))
    out, _ = conv.forward(x)
    expected = conv2d_loop(nchw(x), conv.kernels, conv.b, stride, padding, dilation)
    np.testing.assert_allclose(nchw(out), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("h, w, c, k, kernel, stride, padding, dilation", CONV_CASES)
def test_conv2d_backward_matches_finite_differences(h, w, c, k, kernel, stride, padding, dilation):
    rng = np.random.default_rng(2)
    conv = Conv2d(c, k, kernel, stride, padding, dilation, rng=rng, dtype=np.float64)
    conv.params["b"][...] = rng.standard_normal(k)
    check_layer_gradients(conv, rng.standard_normal((2, h, w, c)), rng)


def test_conv2d_blocks_split_rows_only_when_enough_filters_share_a_block():
    assert block_size(24, 6) == 6 and block_size(8, 16) == 2 and block_size(7, 6) == 7 and block_size(5, 40) == 1


def test_conv2d_output_size_follows_cnnviz_shapes():
    conv = Conv2d(3, 4, (5, 3), stride=(2, 3), padding=(1, 2))
    assert conv.output_shape((13, 11, 3)) == (conv_output_size(13, 5, 2, 1), conv_output_size(11, 3, 3, 2), 4)


def test_conv2d_first_layer_skips_the_input_gradient_but_still_fills_weight_gradients():
    rng = np.random.default_rng(3)
    conv = Conv2d(1, 2, 3, rng=rng, dtype=np.float64)
    x = rng.standard_normal((2, 5, 5, 1))
    out, cache = conv.forward(x)
    assert conv.backward(np.ones_like(out), cache, need_dx=False) is None
    assert np.abs(conv.grads["w"]).sum() > 0


def test_conv2d_kernels_show_the_weights_channels_first_and_read_only():
    conv = Conv2d(2, 3, (4, 5))
    assert conv.kernels.shape == (3, 2, 4, 5)
    np.testing.assert_array_equal(conv.kernels[2, 1], conv.w[:, :, 1, 2])
    with pytest.raises(ValueError):
        conv.kernels[0, 0, 0, 0] = 1.0


def test_conv2d_rejects_a_kernel_larger_than_the_input_in_words():
    with pytest.raises(ValueError, match="larger than the padded input"):
        Conv2d(1, 1, 5).output_shape((3, 3, 1))
    with pytest.raises(ValueError, match="input channel"):
        Conv2d(2, 1, 3).output_shape((8, 8, 3))


POOL_CASES = [  # (H, W, size, stride, padding): tiling, overlapping, strided with leftovers, padded
    (6, 6, 2, None, 0),
    (7, 6, 3, 1, 0),
    (7, 8, 3, 2, 1),
    (5, 7, (2, 3), (1, 2), (1, 1)),
    (7, 7, 2, None, 0),
]


@pytest.mark.parametrize("mode, layer_type", [("max", MaxPool2d), ("avg", AvgPool2d)])
@pytest.mark.parametrize("h, w, size, stride, padding", POOL_CASES)
def test_pooling_forward_matches_cnnviz_pool2d(mode, layer_type, h, w, size, stride, padding):
    x = np.random.default_rng(4).standard_normal((2, h, w, 3))
    out, _ = layer_type(size, stride, padding).forward(x)
    np.testing.assert_allclose(nchw(out), pool2d(nchw(x), size, stride, padding, mode=mode), rtol=1e-12)


@pytest.mark.parametrize("layer_type", [MaxPool2d, AvgPool2d])
@pytest.mark.parametrize("h, w, size, stride, padding", POOL_CASES)
def test_pooling_backward_matches_finite_differences(layer_type, h, w, size, stride, padding):
    rng = np.random.default_rng(5)
    x = rng.permutation(2 * h * w * 2).reshape(2, h, w, 2) * 0.01  # distinct values: no max ties
    check_layer_gradients(layer_type(size, stride, padding), x.astype(np.float64), rng)


def test_max_pool_tie_sends_the_whole_gradient_to_the_first_position_in_reading_order():
    x = np.array([[5.0, 1.0], [5.0, 5.0]]).reshape(1, 2, 2, 1)
    pool = MaxPool2d(2)
    out, cache = pool.forward(x)
    dx = pool.backward(np.array([[[[3.0]]]]), cache)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[3.0, 0.0], [0.0, 0.0]])
    assert out.item() == 5.0


def test_max_pool_overlapping_windows_add_their_gradients_on_a_shared_maximum():
    x = np.zeros((1, 3, 3, 1))
    x[0, 1, 1, 0] = 9.0  # the centre is the maximum of all four 2×2 windows (stride 1)
    pool = MaxPool2d(2, stride=1)
    out, cache = pool.forward(x)
    dx = pool.backward(np.ones_like(out), cache)
    assert dx[0, 1, 1, 0] == 4.0 and dx.sum() == 4.0


def test_relu_derivative_at_zero_is_zero():
    relu = ReLU()
    x = np.array([[-1.0, 0.0, 2.0]])
    out, cache = relu.forward(x)
    np.testing.assert_array_equal(out, [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(relu.backward(np.ones_like(x), cache), [[0.0, 0.0, 1.0]])


@pytest.mark.parametrize("layer", [ReLU(), Tanh(), Flatten()], ids=["relu", "tanh", "flatten"])
def test_elementwise_and_reshaping_layers_match_finite_differences(layer):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 4, 5, 2))
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU inputs away from the kink
    check_layer_gradients(layer, x, rng)


def test_flatten_orders_values_by_row_then_column_then_channel_like_keras():
    x = np.arange(12.0).reshape(1, 2, 3, 2)
    out, _ = Flatten().forward(x)
    np.testing.assert_array_equal(out[0], [x[0, r, c, ch] for r in range(2) for c in range(3) for ch in range(2)])


def test_dense_forward_and_backward():
    rng = np.random.default_rng(7)
    dense = Dense(5, 3, rng=rng, dtype=np.float64)
    dense.params["b"][...] = rng.standard_normal(3)
    x = rng.standard_normal((4, 5))
    np.testing.assert_allclose(dense.forward(x)[0], [[sum(x[n, i] * dense.w[i, j] for i in range(5)) + dense.b[j]
                                                      for j in range(3)] for n in range(4)])
    check_layer_gradients(dense, x, rng)


def test_softmax_cross_entropy_value_and_gradient():
    rng = np.random.default_rng(8)
    logits = rng.standard_normal((5, 10)) * 3
    labels = np.array([0, 3, 9, 3, 7])
    loss, dlogits, probs = softmax_cross_entropy(logits, labels)
    naive = -np.mean([np.log(np.exp(row[y]) / np.exp(row).sum()) for row, y in zip(logits, labels)])
    assert loss == pytest.approx(naive, rel=1e-12)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    numeric = numeric_gradient(lambda: softmax_cross_entropy(logits, labels)[0], logits)
    np.testing.assert_allclose(dlogits, numeric, rtol=1e-6, atol=1e-9)


def test_softmax_does_not_overflow_on_huge_scores():
    p = softmax(np.array([[1000.0, 0.0, -1000.0]]))
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0]])
    loss, _, _ = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))
    assert loss == pytest.approx(1000.0)


def test_he_and_xavier_initialisation_have_the_textbook_spread_and_follow_the_seed():
    he = initial_weights("he", (400, 500), fan_in=400, fan_out=500, rng=np.random.default_rng(0), dtype=np.float64)
    xavier = initial_weights("xavier", (400, 500), 400, 500, np.random.default_rng(0), np.float64)
    assert np.abs(he).max() <= np.sqrt(6 / 400) and he.var() == pytest.approx(2 / 400, rel=0.02)
    assert np.abs(xavier).max() <= np.sqrt(6 / 900) and xavier.var() == pytest.approx(2 / 900, rel=0.02)
    np.testing.assert_array_equal(he, initial_weights("he", (400, 500), 400, 500, np.random.default_rng(0), np.float64))
    with pytest.raises(ValueError, match="he, xavier"):
        initial_weights("zeros", (2, 2), 2, 2, None)
