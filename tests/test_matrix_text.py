"""Matrices typed as text: parsing with readable errors, and formatting that reads back exactly."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz.matrix_text import format_matrix, parse_matrix


@pytest.mark.parametrize("text, expected", [
    ("1 0 -1\n2 0 −2", [[1, 0, -1], [2, 0, -2]]),
    ("[[1, 0], [0, 1]]", [[1, 0], [0, 1]]),
    ("1/9 1/9\n1 2", [[1 / 9, 1 / 9], [1, 2]]),
    ("1, 2; 3, 4", [[1, 2], [3, 4]]),
    ("\n 5 \n\n", [[5]]),
])
def test_parse_matrix_reads_the_ways_people_type_numbers(text, expected):
    np.testing.assert_array_equal(parse_matrix(text), expected)


@pytest.mark.parametrize("text, message", [
    ("1 x", "row 1, entry 2: 'x' is not a number"),
    ("1 2\n3", "row 2 has 1 entries but row 1 has 2"),
    ("", "empty"),
    ("1 1/0", "divides by zero"),
    ("1e999 1", "row 1, entry 1: '1e999' is too large"),  # float() would silently give infinity
    ("1 1e400/1e-400", "row 1, entry 2: .* too large"),
    ("\n".join(["1 " * 16] * 2), "at most 15×15"),
])
def test_parse_matrix_errors_name_the_problem(text, message):
    with pytest.raises(ValueError, match=message):
        parse_matrix(text)


@pytest.mark.parametrize("matrix, words", [
    ([[1, 0, -1]], ["1", "0", "-1"]),
    ([[0.1, 0.25]], ["0.1", "0.25"]),
    ([[1 / 16, 2 / 16]], ["1/16", "2/16"]),
    (np.full((1, 2), 1 / 9), ["1/9", "1/9"]),
])
def test_format_matrix_writes_what_a_person_would(matrix, words):
    assert format_matrix(matrix).split() == words


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(st.integers(-99, 99).map(float),
                                   st.floats(-100, 100, allow_nan=False, width=64),
                                   st.fractions(max_denominator=64).map(float).filter(lambda v: abs(v) < 1e3)),
                         min_size=3, max_size=3), min_size=1, max_size=4))
def test_format_matrix_reads_back_exactly(rows):
    a = np.array(rows, dtype=float)
    np.testing.assert_array_equal(parse_matrix(format_matrix(a)), a)


def test_format_matrix_writes_whole_numerators_over_a_common_denominator():
    a = np.array([[0.0, 1 / 13, 24869 / 273]])  # float(1/13) · 273 is not exactly 21
    assert format_matrix(a).split() == ["0", "21/273", "24869/273"]
    np.testing.assert_array_equal(parse_matrix(format_matrix(a)), a)
