"""Dense as convolution: the convolutionalized head gives the dense head's scores, and a score map on larger inputs."""
from __future__ import annotations

import numpy as np
import pytest

from cnnviz.errors import CnnvizError
from cnnviz.fcn import convolutionalize, dense_scores, map_shape, random_head, score_map, window_of
from tests.reference import conv2d as reference_conv2d


def _matmul_head(head, x):
    """The head written out as sums over the flattened input (channels first), no numpy matmul."""
    flat = [float(v) for v in np.asarray(x, dtype=float).ravel()]
    units, classes = head.w2.shape
    hidden = [max(sum(flat[n] * head.w1[n, u] for n in range(len(flat))) + head.b1[u], 0.0) for u in range(units)]
    return np.array([sum(hidden[u] * head.w2[u, k] for u in range(units)) + head.b2[k] for k in range(classes)])


@pytest.mark.parametrize("c, h, w, units, classes", [(1, 3, 3, 4, 2), (2, 4, 3, 5, 3), (3, 2, 5, 1, 4)])
def test_the_convolutions_give_exactly_the_dense_scores(c, h, w, units, classes):
    head = random_head(c, h, w, units, classes, seed=c + h)
    x = np.random.default_rng(h).normal(size=(c, h, w))
    conv = convolutionalize(head)
    assert conv.k1.shape == (units, c, h, w) and conv.k2.shape == (classes, units, 1, 1)
    np.testing.assert_allclose(dense_scores(head, x), _matmul_head(head, x), atol=1e-12)
    np.testing.assert_allclose(score_map(conv, x)[:, 0, 0], _matmul_head(head, x), atol=1e-12)
    assert score_map(conv, x).shape == (classes, 1, 1)
    assert conv.params == head.params == c * h * w * units + units + units * classes + classes


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_a_larger_input_gives_a_map_whose_cells_are_the_dense_net_on_each_crop(stride):
    head = random_head(2, 3, 4, 3, 2, seed=stride)
    x = np.random.default_rng(stride).normal(size=(2, 9, 11))
    scores = score_map(convolutionalize(head), x, stride)
    oh, ow = (9 - 3) // stride + 1, (11 - 4) // stride + 1
    assert scores.shape == (2, oh, ow) == (2, *map_shape(head, 9, 11, stride))
    for i, j in np.ndindex(oh, ow):
        crop = x[:, i * stride: i * stride + 3, j * stride: j * stride + 4]
        np.testing.assert_array_equal(window_of(head, x, (i, j), stride), crop)
        np.testing.assert_allclose(scores[:, i, j], _matmul_head(head, crop), atol=1e-10)


def test_the_first_kernel_is_the_first_dense_column_reshaped():
    head = random_head(2, 3, 3, 2, 2, seed=5)
    k1 = convolutionalize(head).k1
    hidden = reference_conv2d(np.ones((1, 2, 3, 3)), k1)[0, :, 0, 0]
    np.testing.assert_allclose(hidden, head.w1.sum(axis=0))


def test_an_input_smaller_than_the_head_is_refused_in_words():
    with pytest.raises(CnnvizError):
        map_shape(random_head(1, 4, 4, 2, 2), 3, 8)
