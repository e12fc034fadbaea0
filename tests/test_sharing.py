"""Why convolutions?: the course's parameter counts, and translation equivariance with its border effects."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import correlate2d

from cnnviz.sharing import compare_layers, params_question, shift, translation
from cnnviz.quiz import check
from tests.reference import conv_param_count, dense_param_count


def test_the_course_numbers_456_against_about_14_million():
    c = compare_layers(32, 32, 3, 6, 5)
    assert c.output_shape == (28, 28, 6)
    assert c.conv_params == 5 * 5 * 3 * 6 + 6 == 456
    assert c.dense_params == 3072 * 4704 + 4704 == 14_455_392
    assert c.conv_formula() == "6·(5·5·3) + 6 = 456"
    assert c.dense_formula() == "3,072·4,704 + 4,704 = 14,455,392"
    assert (c.conv_reads, c.dense_reads, c.uses_per_weight) == (75, 3072, 784)


@pytest.mark.parametrize("h, w, c, k, f, s, p", [(7, 9, 2, 4, 3, 2, 1), (10, 10, 1, 1, 1, 1, 0), (5, 8, 3, 2, 5, 3, 2)])
def test_counts_match_the_definitions_for_other_sizes(h, w, c, k, f, s, p):
    cmp = compare_layers(h, w, c, k, f, s, p)
    oh, ow = (h + 2 * p - f) // s + 1, (w + 2 * p - f) // s + 1
    assert cmp.output_shape == (oh, ow, k)
    assert cmp.conv_params == conv_param_count(c, k, f, f)
    assert cmp.dense_params == dense_param_count(h * w * c, oh * ow * k)
    assert cmp.uses_per_weight == oh * ow


def test_the_prediction_question_is_answered_by_the_conv_count():
    q = params_question(compare_layers(32, 32, 3, 6, 5))
    assert check(q, "456").right and not check(q, "455").right


def test_shift_moves_content_and_fills_zeros():
    x = np.arange(1, 13).reshape(3, 4)
    assert shift(x, 1, -1).tolist() == [[0, 0, 0, 0], [2, 3, 4, 0], [6, 7, 8, 0]]
    assert shift(x, 0, 0).tolist() == x.tolist()
    assert not shift(x, 3, 0).any()


@pytest.mark.parametrize("dy, dx", [(1, 2), (-2, 1), (0, -3), (2, 0)])
@pytest.mark.parametrize("padding", [0, 1])
def test_a_shifted_input_gives_the_shifted_feature_map_away_from_the_border(dy, dx, padding):
    rng = np.random.default_rng(abs(dy * 7 + dx) + padding)
    x, w = rng.normal(size=(8, 9)), rng.normal(size=(3, 3))
    t = translation(x, w, dy, dx, padding)
    xp = np.pad(shift(x, dy, dx), padding)
    reference = correlate2d(xp, w, mode="valid")  # independent of cnnviz.conv
    np.testing.assert_allclose(t.of_shifted, reference, atol=1e-12)
    original = correlate2d(np.pad(x, padding), w, mode="valid")
    for i, j in zip(*np.nonzero(t.exact)):
        assert abs(reference[i, j] - original[i - dy, j - dx]) < 1e-9
    assert t.exact.any() and not t.exact.all()
    border = ~t.exact
    assert np.abs(reference - t.shifted_map)[border].max() > 1e-6  # the border effect is real, not a cautious mask
