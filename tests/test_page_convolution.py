"""The "Convolution, step by step" page, driven like a user would."""
import json

import numpy as np
import pytest

import cnnviz
from tests.conftest import assert_no_exception, run_page

PAGE = "pages/lessons/convolution.py"


def _chart(at, i=0):
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def test_default_page_shows_the_vertical_edge_example():
    at = run_page(PAGE)
    assert_no_exception(at)
    fig = _chart(at)
    final = np.array(fig["frames"][-1]["data"][0]["z"], dtype=float)
    assert final.tolist() == [[0, 30, 30, 0]] * 4
    assert any("Output size** 4 × 4" in m.value for m in at.markdown)


def test_the_formula_is_substituted_with_the_users_numbers():
    at = run_page(PAGE, **{"conv.input_text": "\n".join(["1 2 3 4 5 6 7"] * 7), "conv.kernel_text": "1 1 1\n1 1 1\n1 1 1",
                           "conv.pad_h": 1, "conv.pad_w": 1, "conv.stride_h": 2, "conv.stride_w": 2})
    assert_no_exception(at)
    assert any("⌊(7 + 2·1 − 3)/2⌋ + 1 = 4" in m.value for m in at.markdown)


def test_unreached_columns_are_announced():
    at = run_page(PAGE, **{"conv.input_text": "\n".join(["1 2 3 4 5 6 7 8"] * 8), "conv.kernel_text": "1 0 -1\n1 0 -1\n1 0 -1",
                           "conv.stride_h": 2, "conv.stride_w": 2})
    assert_no_exception(at)
    assert any("never reaches" in w.value and "columns 8 " in w.value for w in at.warning)  # 1-based


def test_loading_a_preset_fills_the_text_and_the_picture_follows():
    at = run_page(PAGE)
    at.selectbox(key="conv.input_preset").select("course_5x5").run()
    at.selectbox(key="conv.kernel_preset").select("course_2x2_b").run()
    assert_no_exception(at)
    final = np.array(_chart(at)["frames"][-1]["data"][0]["z"], dtype=float)
    np.testing.assert_allclose(final, [[1.9, 2.2, 1.6, 2.0], [1.4, 2.2, 2.7, 1.7], [1.7, 1.3, 1.3, 1.0],
                                       [0.6, 1.4, 1.5, 1.4]])


@pytest.mark.parametrize("mode, size", [("valid", 2), ("same", 3), ("full", 4)])
def test_padding_modes_change_the_output_size(mode, size):
    at = run_page(PAGE, **{"conv.input_text": "1 2 3\n4 5 6\n7 8 9", "conv.kernel_text": "1 1\n1 1"})
    at.radio(key="conv.padding_mode").set_value(mode).run()
    assert_no_exception(at)
    final = np.array(_chart(at)["frames"][-1]["data"][0]["z"], dtype=float)
    assert final.shape == (size, size)
    np.testing.assert_array_equal(final, cnnviz.conv2d(np.arange(1, 10).reshape(3, 3), np.ones((2, 2)), padding=mode))


def test_true_convolution_flips_the_kernel():
    at = run_page(PAGE, **{"conv.input_text": "1 2 3\n4 5 6\n7 8 9", "conv.kernel_text": "1 2\n3 4"})
    at.toggle(key="conv.flip").set_value(True).run()
    assert_no_exception(at)
    fig = _chart(at)
    kernel = [t for t in fig["data"] if t.get("xaxis") == "x2"][0]
    assert np.array(kernel["z"]).tolist() == [[4, 3], [2, 1]]


@pytest.mark.parametrize("state, words", [
    ({"conv.kernel_text": "1 1 1 1\n1 1 1 1\n1 1 1 1\n1 1 1 1", "conv.input_text": "1 2\n3 4"}, "larger than the padded input"),
    ({"conv.kernel_text": "1 x\n0 1"}, "row 1, entry 2"),
    ({"conv.input_text": "1 2 3\n4 5"}, "row 2 has 2 entries"),
    ({"conv.input_text": ""}, "empty"),
    ({"conv.dilation_h": 5, "conv.dilation_w": 5}, "dilated kernel"),
])
def test_impossible_settings_show_a_clear_message_and_keep_the_controls(state, words):
    at = run_page(PAGE, **state)
    assert_no_exception(at)
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
    assert at.text_area(key="conv.input_text").value == state.get("conv.input_text", at.text_area(key="conv.input_text").value)


def test_extreme_values_still_render():
    big = "\n".join(" ".join(str((i * 7 + j * 3) % 10 - 4) for j in range(15)) for i in range(15))
    at = run_page(PAGE, **{"conv.input_text": big, "conv.kernel_text": "1 2 1\n0 0 0\n-1 -2 -1",
                           "conv.padding_mode": "full", "conv.stride_h": 1, "conv.stride_w": 10,
                           "conv.dilation_h": 3, "conv.dilation_w": 1, "conv.bias": -100.5})
    assert_no_exception(at)
    assert not at.error
    assert at.get("plotly_chart")


def test_many_outputs_step_with_a_server_slider_instead_of_frames():
    big = "\n".join(" ".join("1" for _ in range(15)) for _ in range(15))
    at = run_page(PAGE, **{"conv.input_text": big, "conv.kernel_text": "1 1 1\n1 1 1\n1 1 1", "conv.pad_h": 2, "conv.pad_w": 2})
    assert_no_exception(at)
    assert "frames" not in _chart(at)
    at.slider(key="conv.step").set_value(50).run()  # 17×17 outputs: cell 50 is row 3, column 16 (1-based)
    assert any("Output cell (row 3, column 16)" in m.value for m in at.markdown)
    assert np.count_nonzero(~np.isnan(np.array(_chart(at)["data"][-1]["z"], dtype=float))) == 50


def test_a_single_output_cell_shows_its_arithmetic_without_a_step_slider():
    at = run_page(PAGE, **{"conv.input_text": "1 2\n3 4", "conv.kernel_text": "1 1\n1 1"})
    assert_no_exception(at)
    assert any("Output size** 1 × 1" in m.value for m in at.markdown)
    assert any("1·1 + 2·1 + 3·1 + 4·1 = 10" in m.value for m in at.markdown)


@pytest.mark.parametrize("pad, title", [(0, "Input"), (1, "Input (grey: padding)")])
def test_the_input_title_mentions_padding_only_when_there_is_some(pad, title):
    at = run_page(PAGE, **{"conv.pad_h": pad, "conv.pad_w": pad})
    assert_no_exception(at)
    titles = [a["text"].removeprefix("<b>").removesuffix("</b>") for a in _chart(at)["layout"]["annotations"]]
    assert title in titles and ("Input (grey: padding)" in titles) == bool(pad)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the overflow is the point
def test_results_too_large_to_represent_are_announced_not_silently_blank():
    at = run_page(PAGE, **{"conv.input_text": "1e308 1e308\n1e308 1e308", "conv.kernel_text": "10"})
    assert_no_exception(at)
    assert any("overflow" in w.value for w in at.warning)
