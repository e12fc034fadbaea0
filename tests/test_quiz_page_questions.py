"""Questions the concept pages build from their own settings: answers equal tests/reference.py, the worked
window is the page's trace, and they read in both languages."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from cnnviz.errors import CnnvizError
from cnnviz.quiz import (check, edge_pixel_question, network_params_question, output_shape_question,
                         pool_cell_question, say, transposed_size_question, written)
from tests import reference
from tests.test_pages_korean import english_words

POOL_CASES = list(itertools.product(("max", "avg", "min"), (2, 3), (1, 2), (0, 1), (False, True)))


@pytest.mark.parametrize("mode, size, stride, padding, ceil", POOL_CASES)
def test_pooled_cell_question_answers_what_the_naive_reference_pools(mode, size, stride, padding, ceil):
    if padding > size // 2:
        pytest.skip("PyTorch refuses padding above half the window")
    x = np.random.default_rng(size * 10 + stride).integers(-3, 10, (6, 5)).astype(float)
    pads = ((padding, padding), (padding, padding))
    expected = reference.pool2d(x, (size, size), (stride, stride), pads, mode, ceil_mode=ceil)
    for cell in np.ndindex(*expected.shape):
        q = pool_cell_question(x, size, stride, padding, mode, ceil, cell)
        assert q.answer.value == pytest.approx(expected[cell])
        assert check(q, written(q, q.answer.value)).outcome == "right"
        assert check(q, str(expected[cell] + 1)).outcome == "wrong"
        assert q.worked.formulas[0].endswith(f"= {written(q, q.answer.value)}") or mode == "avg"
        assert q.prompt.params["row"] == cell[0] + 1 and q.prompt.params["col"] == cell[1] + 1


def test_max_of_whole_numbers_is_exact_and_an_average_within_the_tolerance():
    x = np.array([[1.0, 2.0], [4.0, 4.0]])
    assert pool_cell_question(x, 2, mode="max").answer.form == "integer"
    average = pool_cell_question(x, 2, mode="avg")
    assert average.answer.form == "number" and check(average, "2.75").outcome == "right"
    assert check(average, "2.8").outcome == "wrong"


def test_a_pooled_cell_outside_the_output_is_refused_in_words():
    with pytest.raises(CnnvizError) as info:
        pool_cell_question(np.zeros((4, 4)), 2, 2, cell=(0, 2))
    assert info.value.code == "no_such_cell" and "{" not in info.value.message("ko")


@pytest.mark.parametrize("mode", ["max", "avg", "min"])
def test_pooled_cell_question_reads_in_korean_with_the_same_numbers(mode):
    q = pool_cell_question(np.arange(25.0).reshape(5, 5), 3, 2, 1, mode, True, (2, 1))
    korean = say(q.prompt, "ko")
    assert english_words(korean) == [] and english_words(say(q.worked.explain, "ko")) == []
    assert "3×3" in korean and "스트라이드 2" in korean and "패딩 1" in korean and "3행 2열" in korean


SHAPE_CASES = [((5, 5), (3, 3), 1, 0, 1), ((8, 7), (3, 2), (3, 2), (1, 0), 1), ((9, 6), (4, 3), 2, "same", (1, 2)),
               ((6, 11), (2, 5), 1, "full", 2), ((32, 32), (5, 5), 2, "valid", 1), ((7, 9), (3, 3), (2, 3), 2, (2, 1))]


def _axes(value):
    return value if isinstance(value, (tuple, list)) else (value, value)


@pytest.mark.parametrize("size, kernel, stride, padding, dilation", SHAPE_CASES)
def test_output_shape_question_answers_what_counting_window_positions_gives(size, kernel, stride, padding, dilation):
    q = output_shape_question(size, kernel, stride, padding, dilation)
    pads = (padding, padding) if isinstance(padding, str) else _axes(padding)
    expected = tuple(reference.output_size(n, f, s, p, d)
                     for n, f, s, p, d in zip(size, kernel, _axes(stride), pads, _axes(dilation)))
    assert q.answer.value == expected
    assert [f.rsplit("= ", 1)[1] for f in q.worked.formulas] == [str(v) for v in expected]  # one formula per axis
    h, w = expected
    for spelling in (f"{h}x{w}", f"{h} × {w}", f"({h}, {w})"):
        assert check(q, spelling).outcome == "right"
    assert check(q, f"{expected[0] + 1}x{expected[1]}").outcome == "wrong"
    if expected[0] != expected[1]:
        assert check(q, f"{expected[1]}x{expected[0]}").message.text_id == "quiz.verdict.order_output_shape"


def test_output_shape_question_states_the_settings_in_both_languages():
    q = output_shape_question((8, 7), 3, (3, 2), "same", 1)
    english, korean = say(q.prompt), say(q.prompt, "ko")
    assert "Input 8×7, kernel 3×3, padding same, stride 3, 2, dilation 1" in english
    assert "입력 8×7, 필터(커널) 3×3, 패딩 same, 스트라이드 3, 2" in korean
    assert english_words(korean) == []
    assert english_words(say(q.worked.explain, "ko")) == [] and written(q, q.answer.value) == "3×4"


SOBEL_X = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
NUMPY_BORDER = {"zeros": "constant", "reflect": "reflect", "replicate": "edge"}


@pytest.mark.parametrize("border", ["zeros", "reflect", "replicate"])
@pytest.mark.parametrize("pair", [True, False])
def test_edge_pixel_question_answers_the_strength_of_the_reference_correlation(border, pair):
    image = np.random.default_rng(3).integers(0, 10, (5, 6)).astype(float)
    kernels = (SOBEL_X, SOBEL_X.T) if pair else (SOBEL_X,)
    padded = np.pad(image, 1, mode=NUMPY_BORDER[border])  # 'same' size for a 3×3 kernel
    maps = [reference.conv2d(padded[None, None], k[None, None])[0, 0] for k in kernels]  # (H, W) each
    strength = np.sqrt(sum(m ** 2 for m in maps))
    for row, col in ((0, 0), (2, 3), (4, 5)):
        q = edge_pixel_question(image, kernels, border, row, col)
        assert q.answer.value == pytest.approx(strength[row, col])
        assert check(q, written(q, q.answer.value)).outcome == "right"
        assert check(q, str(strength[row, col] + 1)).outcome == "wrong"
        assert len(q.worked.formulas) == len(kernels) + 1 and q.answer.form == ("number" if pair else "integer")
        assert q.data["x"].shape == (3, 3) and q.prompt.params == {"row": row + 1, "col": col + 1}


def test_edge_pixel_question_reads_in_korean():
    q = edge_pixel_question(np.eye(4) * 9, (SOBEL_X, SOBEL_X.T), "zeros", 1, 2)
    assert "2행 3열" in say(q.prompt, "ko") and english_words(say(q.prompt, "ko")) == []
    assert english_words(say(q.worked.explain, "ko")) == []


@pytest.mark.parametrize("n, f, stride, padding, output_padding, dilation",
                         [(2, 2, 2, 0, 0, 1), (4, 3, 2, 1, 1, 1), (3, 3, 1, 1, 0, 2), (8, 5, 4, 4, 3, 3)])
def test_transposed_size_question_answers_the_reference_formula(n, f, stride, padding, output_padding, dilation):
    q = transposed_size_question(n, f, stride, padding, output_padding, dilation)
    expected = reference.transposed_output_size(n, f, stride, padding, output_padding, dilation)
    assert q.answer.value == expected and q.worked.formulas[0].endswith(f"= {expected}")
    assert check(q, str(expected)).outcome == "right" and check(q, str(expected + 1)).outcome == "wrong"


def test_network_params_question_adds_the_reference_counts_of_each_layer():
    from cnnviz.networks import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential

    net = Sequential([Conv2d(8, 3), ReLU(), MaxPool2d(2), Conv2d(4, 5, bias=False), Flatten(), Dense(10)])
    q = network_params_question(net, (3, 28, 28))  # sides 28 → 26 → 13 → 9: 4·9·9 values reach the dense layer
    expected = (reference.conv_param_count(3, 8, 3, 3) + reference.conv_param_count(8, 4, 5, 5, bias=False)
                + reference.dense_param_count(4 * 9 * 9, 10))
    assert q.answer.value == expected
    assert q.worked.formulas[0].endswith(f"= {expected:,}") and check(q, f"{expected:,}").outcome == "right"
    assert english_words(say(q.prompt, "ko")) == []
