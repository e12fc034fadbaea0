"""Questions the concept pages build from their own settings: answers equal tests/reference.py, the worked
window is the page's trace, and they read in both languages."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from cnnviz.errors import CnnvizError
from cnnviz.quiz import check, pool_cell_question, say, written
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
