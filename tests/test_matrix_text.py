"""Matrices typed as text: parsing with readable errors, and formatting that reads back exactly."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz.errors import CnnvizError
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


# ------------------------------------------------------------------------------ hostile text (issue 15)
@pytest.mark.parametrize("entry, code", [
    ("1/1e9999999", "matrix_exponent_out_of_range"),  # Fraction(10**9999999): 16 s holding the GIL
    ("0e999999999/1", "matrix_exponent_out_of_range"),
    ("1e10000000/1", "matrix_exponent_out_of_range"),
    ("1e" + "9" * 5000, "matrix_entry_too_long"),
    ("7" * 4300, "matrix_entry_too_long"),  # Python's int() would refuse it with its own 4,300-digit message
    ("1" * 31, "matrix_too_many_digits"),
    ("0." + "0" * 29 + "1", "matrix_too_many_digits"),
    ("1e401", "matrix_exponent_out_of_range"),
])
def test_numbers_beyond_the_digit_and_exponent_limits_are_refused_by_name(entry, code):
    with pytest.raises(CnnvizError) as err:
        parse_matrix(f"1 2\n3 {entry}")
    assert err.value.code == code and err.value.params["row"] == 2 and err.value.params["col"] == 2
    assert "Exceeds the limit" not in str(err.value) and "int()" not in str(err.value)


@pytest.mark.parametrize("entry, value", [("1e400/1e400", 1.0), ("1e-400/1e-399", 0.1), ("1e308", 1e308),
                                          ("1" * 30, 1e29 * 1.1111111111111111), ("-1e-400", -0.0)])
def test_numbers_at_the_limits_still_compute_exactly(entry, value):
    assert parse_matrix(entry)[0, 0] == pytest.approx(value, rel=1e-15)


def test_a_million_entries_are_refused_by_length_before_any_is_parsed(monkeypatch):
    import cnnviz.matrix_text as mt

    def must_not_run(*args):
        raise AssertionError("an entry was parsed")
    monkeypatch.setattr(mt, "_entry", must_not_run)
    with pytest.raises(CnnvizError) as err:
        parse_matrix("\n".join([" ".join(["1/3"] * 1000)] * 1000))
    assert err.value.code == "matrix_text_too_long"


def test_size_is_checked_before_entries_are_parsed(monkeypatch):
    import cnnviz.matrix_text as mt

    monkeypatch.setattr(mt, "_entry", lambda *args: pytest.fail("an entry was parsed"))
    with pytest.raises(CnnvizError) as err:
        parse_matrix("\n".join(["x"] * 16))  # 16 rows of non-numbers: the size is what is wrong first
    assert err.value.code == "matrix_too_big" and err.value.params["rows"] == 16


@pytest.mark.parametrize("text", ["\u3000", " \u3000\n\u00a0,\t", "[[ ]]", "\u2003;\u2003"])
def test_unicode_blank_text_is_an_empty_matrix(text):
    with pytest.raises(CnnvizError) as err:
        parse_matrix(text)
    assert err.value.code == "matrix_empty"


def test_matrix_errors_read_in_korean_with_the_students_text():
    with pytest.raises(CnnvizError) as err:
        parse_matrix("1 x", what="kernel")
    assert "'x'" in err.value.message("ko") and "숫자가 아닙니다" in err.value.message("ko")
    with pytest.raises(CnnvizError) as err:
        parse_matrix("\u3000", what="kernel")
    assert err.value.message("ko").startswith("커널")
