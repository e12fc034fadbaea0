"""Engine errors of the core arithmetic: each code triggered through a public function, read in English and Korean.

Every case names the numbers (and shapes, options) the student typed; both languages must repeat them,
the Korean message must be Korean, and every translated word inside it must be the Korean term.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import cnnviz
from cnnviz.activations import activate
from cnnviz.conv import conv2d, conv2d_loop
from cnnviz.errors import CnnvizError, Term
from cnnviz.course import random_filters, random_integers, value_grid, with_more_channels
from cnnviz.kernels import parse_kernel
from cnnviz.layer import channel_contributions, conv_layer, conv_vs_dense
from cnnviz.locales import t
from cnnviz.padding import pad2d
from cnnviz.params import conv2d_params
from cnnviz.pool import pool2d
from cnnviz.shapes import (conv_geometry, conv_output_size, conv_transpose_output_size, pool_output_size,
                           resolve_padding, torch_same_padding)
from cnnviz.trace import conv2d_steps, pool2d_steps
from cnnviz.transpose import conv_transpose2d, conv_transpose2d_stamps

ONES = np.ones

# (case id, call, expected code, texts both languages must contain)
CASES = [
    ("kernel not whole", lambda: conv_output_size(5, 2.5), "not_whole_number", ["2.5"]),
    ("stride too small", lambda: conv_output_size(5, 3, stride=-2), "too_small", ["1", "-2"]),
    ("seed too small", lambda: random_filters(-4), "too_small", ["0", "-4"]),
    ("kernel too large", lambda: conv_output_size(3, 5), "window_too_large", ["5", "3 + 2·0 = 3"]),
    ("pool window too large", lambda: pool2d(ONES((3, 3)), 4), "window_too_large", ["4", "3 + 2·0 = 3"]),
    ("dilated kernel too large", lambda: conv_output_size(4, 3, 1, 0, 2), "dilated_window_too_large",
     ["3", "5", "2", "4 + 2·0 = 4"]),
    ("bad pair", lambda: conv_geometry((5, 5, 5), 3), "not_a_pair", ["(5, 5, 5)"]),
    ("padding mode", lambda: conv_output_size(5, 3, padding="half"), "not_one_of", ["valid, same, full", "'half'"]),
    ("pooling mode", lambda: pool2d(ONES((4, 4)), 2, mode="mean"), "not_one_of", ["max, avg, min", "'mean'"]),
    ("pad2d mode", lambda: pad2d(ONES((3, 3)), 1, "mirror"), "not_one_of",
     ["zeros, reflect, replicate, circular", "'mirror'"]),
    ("activation", lambda: activate([1.0], "swish"), "not_one_of", ["relu, leaky_relu, sigmoid, tanh", "'swish'"]),
    ("side pair", lambda: resolve_padding((1, 2, 3), 5, 3), "not_a_side_pair", ["(1, 2, 3)"]),
    ("row padding pair", lambda: pad2d(ONES((3, 3)), ((1, 2, 3), 1)), "not_a_side_pair", ["(1, 2, 3)"]),
    ("2-D padding", lambda: conv_geometry((5, 5), 3, padding=(1, 1, 1)), "not_a_padding_2d", ["(1, 1, 1)"]),
    ("torch same", lambda: torch_same_padding(5, 3, stride=2), "torch_same_needs_stride_1", ["2", "padding='same'"]),
    ("pool padding", lambda: pool_output_size(5, 3, 1, 2), "pool_padding_too_large", ["(2, 2)", "3 // 2 = 1"]),
    ("output padding", lambda: conv_transpose_output_size(3, 3, stride=2, output_padding=3),
     "output_padding_too_large", ["3", "2", "1"]),
    ("crop", lambda: conv_transpose_output_size(2, 2, padding=3), "padding_crops_output", ["3", "3 − 2·3 = -3"]),
    ("ragged", lambda: conv2d([[1, 2], [3]], ONES((1, 1))), "not_rectangular", []),
    ("ragged pad2d", lambda: pad2d([[1, 2], [3]], 1), "not_rectangular", []),
    ("letters in bias", lambda: conv2d(ONES((2, 2)), ONES((1, 1)), b=["x"]), "not_numbers", ["<U1"]),
    ("1-D input", lambda: conv2d(ONES(4), ONES((2, 2))), "not_an_image", ["(4,)"]),
    ("2-D kernel on 3-D input", lambda: conv2d(ONES((3, 4, 4)), ONES((2, 2))), "kernel_shape_mismatch",
     ["(3, 4, 4)", "(2, 2)"]),
    ("channels", lambda: conv2d(ONES((3, 4, 4)), ONES((2, 2, 2, 2))), "channel_mismatch", ["3", "2"]),
    ("empty", lambda: conv2d_loop(ONES((1, 0, 3, 3)), ONES((2, 0, 1, 1))), "empty_arrays",
     ["(1, 0, 3, 3)", "(2, 0, 1, 1)"]),
    ("bias count", lambda: conv2d(ONES((1, 4, 4)), ONES((2, 1, 2, 2)), b=[1, 2, 3]), "bias_per_filter", ["2", "3"]),
    ("transpose kernel", lambda: conv_transpose2d(ONES((2, 2)), ONES((1, 1, 2, 2))),
     "transpose_kernel_shape_mismatch", ["(2, 2)", "(1, 1, 2, 2)"]),
    ("transpose channels", lambda: conv_transpose2d(ONES((3, 2, 2)), ONES((2, 4, 3, 3))),
     "transpose_channel_mismatch", ["3", "2"]),
    ("transpose empty", lambda: conv_transpose2d(ONES((0, 2)), ONES((2, 2))), "empty_arrays", ["(0, 2)", "(2, 2)"]),
    ("transpose bias", lambda: conv_transpose2d(ONES((1, 2, 2)), ONES((1, 4, 2, 2)), b=[1, 2]),
     "bias_per_output_channel", ["4", "2"]),
    ("scatter", lambda: conv_transpose2d_stamps(ONES((1, 2, 2)), ONES((1, 1, 2, 2))), "scatter_needs_one_channel", []),
    ("pool input", lambda: pool2d(ONES(4), 2), "not_a_pool_input", ["(4,)"]),
    ("pad2d mode string", lambda: pad2d(ONES((3, 3)), "same"), "pad2d_needs_numbers", ["'same'"]),
    ("pad2d 1-D", lambda: pad2d(np.arange(3), 1), "pad2d_needs_image", ["(3,)"]),
    ("reflect", lambda: pad2d(ONES((2, 3)), ((2, 0), (1, 1)), "reflect"), "reflect_padding_too_large",
     ["2×3", "2/0", "1/1"]),
    ("circular", lambda: pad2d(ONES((2, 3)), ((3, 0), (0, 0)), "circular"), "circular_padding_too_large",
     ["2×3", "3/0", "0/0"]),
    ("conv trace of a batch", lambda: conv2d_steps(ONES((2, 1, 3, 3)), ONES((1, 1, 2, 2))), "trace_needs_one_image",
     ["(2, 1, 3, 3)"]),
    ("pool trace of a batch", lambda: pool2d_steps(ONES((2, 1, 4, 4)), 2), "trace_needs_one_image", ["(2, 1, 4, 4)"]),
    ("layer", lambda: conv_layer(ONES((4, 4)), ONES((2, 2)), [0]), "layer_needs_one_image", ["(4, 4)", "(2, 2)"]),
    ("contributions", lambda: channel_contributions(ONES((4, 4)), ONES((2, 2))), "contributions_need_one_filter",
     ["(4, 4)", "(2, 2)"]),
    ("volume shape", lambda: conv_vs_dense((3, 5), 2, 3), "not_a_volume_shape", ["(3, 5)"]),
    ("volume shape not a tuple", lambda: conv_vs_dense(7, 2, 3), "not_a_volume_shape", ["7"]),
    ("groups", lambda: conv2d_params(3, 4, 3, groups=2), "groups_must_divide", ["2", "3", "4"]),
    ("slope", lambda: activate([1.0], "leaky_relu", slope=1.5), "slope_out_of_range", ["1.5"]),
    ("kernel not typed", lambda: parse_kernel("  \n "), "kernel_not_typed", ["3×3", "5×5"]),
    ("kernel size", lambda: parse_kernel("1 2\n3 4"), "kernel_wrong_size", ["2", "3×3", "5×5"]),
    ("first channel", lambda: with_more_channels(ONES((1, 2, 2)), 2, 0), "first_channel_not_an_image",
     ["(1, 2, 2)"]),
    ("more channels", lambda: with_more_channels(ONES((2, 2)), 0, 0), "too_small", ["1", "0"]),
    ("random seed", lambda: random_integers((3, 3), seed=1.5), "not_whole_number", ["1.5"]),
    ("random shape", lambda: random_integers((3, -1)), "too_small", ["0", "-1"]),
    ("range", lambda: random_integers((2, 2), 5, 1), "empty_range", ["5", "1"]),
    ("grid values", lambda: value_grid("banana", 2), "not_one_of", ["from_one, from_zero, ones, random", "'banana'"]),
]
HANGUL = re.compile("[\uac00-\ud7a3]")
MODULES = ("shapes", "conv", "pool", "padding", "trace", "transpose", "layer", "params", "kernels", "activations",
           "course")


def _raised(call) -> CnnvizError:
    with pytest.raises(CnnvizError) as info:
        call()
    return info.value


@pytest.mark.parametrize("call, code, texts", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_has_its_code_and_both_languages_name_the_same_numbers(call, code, texts):
    err = _raised(call)
    assert isinstance(err, ValueError)
    assert err.code == code
    english, korean = str(err), err.message("ko")
    assert english == err.message("en")
    assert HANGUL.search(korean), korean
    for text in texts:
        assert text in english, (text, english)
        assert text in korean, (text, korean)


@pytest.mark.parametrize("call", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_words_inside_a_korean_message_are_the_korean_terms(call):
    err = _raised(call)
    korean = err.message("ko")
    for value in err.params.values():
        if isinstance(value, Term):
            assert t(value.text_id, "ko") in korean and HANGUL.search(t(value.text_id, "ko"))
            assert str(value) not in korean  # the English word does not leak into the Korean text


def test_choices_are_joined_by_the_languages_own_or():
    err = _raised(lambda: parse_kernel("", sizes=(3, 5, 7)))
    assert "3×3 or 5×5 or 7×7" in str(err)
    assert "3×3 또는 5×5 또는 7×7" in err.message("ko")


def test_no_library_message_reaches_the_student_for_ragged_input():
    err = _raised(lambda: conv2d([[1, 2], [3]], ONES((1, 1))))
    assert str(err) == "input must be a rectangular array of numbers (every row the same length)"
    assert "inhomogeneous" not in str(err) and "sequence" not in str(err)


def test_every_code_raised_by_the_core_arithmetic_is_triggered_above():
    root = Path(cnnviz.__file__).parent
    raised = {code for name in MODULES
              for code in re.findall(r'CnnvizError\(\s*"(\w+)"', (root / f"{name}.py").read_text(encoding="utf-8"))}
    raised |= {"not_whole_number", "too_small"}  # check_int's codes, raised from shapes.py
    assert raised, "the scan found no codes"
    assert sorted(raised - {case[2] for case in CASES}) == []


def test_every_message_of_errors_toml_is_triggered_above():
    import tomllib

    with (Path(cnnviz.__file__).parent / "locales" / "en" / "errors.toml").open("rb") as f:
        codes = set(tomllib.load(f)["error"])
    assert sorted(codes - {case[2] for case in CASES}) == []


def test_the_core_arithmetic_raises_no_bare_value_error():
    root = Path(cnnviz.__file__).parent
    bare = [(name, line) for name in MODULES
            for line in (root / f"{name}.py").read_text(encoding="utf-8").splitlines()
            if re.search(r"raise (ValueError|TypeError|IndexError|KeyError)\(", line)]
    assert bare == []
