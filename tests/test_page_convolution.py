"""The "Convolution, step by step" page, driven like a user would."""

import re

import numpy as np
import pytest

import cnnviz
from tests.conftest import assert_no_exception, plain, player_data, player_values, run_page

PAGE = "ui/lessons/convolution.py"


def _output(at) -> np.ndarray:
    """The output map as the player draws it once every step is written."""
    return player_values(player_data(at, "conv.player"), 2)


def test_default_page_shows_the_vertical_edge_example():
    at = run_page(PAGE)
    assert_no_exception(at)
    assert _output(at).tolist() == [[0, 30, 30, 0]] * 4
    assert any("Output size** 4 × 4" in plain(m.value) for m in at.markdown)


def test_the_formula_is_substituted_with_the_users_numbers():
    at = run_page(PAGE, **{"conv.input_text": "\n".join(["1 2 3 4 5 6 7"] * 7), "conv.kernel_text": "1 1 1\n1 1 1\n1 1 1",
                           "conv.pad_h": 1, "conv.pad_w": 1, "conv.stride_h": 2, "conv.stride_w": 2})
    assert_no_exception(at)
    assert any("⌊(7 + 2·1 − 3)/2⌋ + 1 = 4" in plain(m.value) for m in at.markdown)


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
    np.testing.assert_allclose(_output(at), [[1.9, 2.2, 1.6, 2.0], [1.4, 2.2, 2.7, 1.7], [1.7, 1.3, 1.3, 1.0],
                                       [0.6, 1.4, 1.5, 1.4]])


@pytest.mark.parametrize("mode, size", [("valid", 2), ("same", 3), ("full", 4)])
def test_padding_modes_change_the_output_size(mode, size):
    at = run_page(PAGE, **{"conv.input_text": "1 2 3\n4 5 6\n7 8 9", "conv.kernel_text": "1 1\n1 1"})
    at.radio(key="conv.padding_mode").set_value(mode).run()
    assert_no_exception(at)
    final = _output(at)
    assert final.shape == (size, size)
    np.testing.assert_array_equal(final, cnnviz.conv2d(np.arange(1, 10).reshape(3, 3), np.ones((2, 2)), padding=mode))


def test_true_convolution_flips_the_kernel():
    at = run_page(PAGE, **{"conv.input_text": "1 2 3\n4 5 6\n7 8 9", "conv.kernel_text": "1 2\n3 4"})
    at.toggle(key="conv.flip").set_value(True).run()
    assert_no_exception(at)
    data = player_data(at, "conv.player")
    assert player_values(data, 1).tolist() == [[4, 3], [2, 1]]
    assert data["payload"]["grids"][1]["title"] == "Kernel (flipped 180°)"


@pytest.mark.parametrize("state, words", [
    ({"conv.kernel_text": "1 1 1 1\n1 1 1 1\n1 1 1 1\n1 1 1 1", "conv.input_text": "1 2\n3 4"}, "larger than the padded input"),
    ({"conv.kernel_text": "1 x\n0 1"}, "row 1, entry 2"),
    ({"conv.input_text": "1 2 3\n4 5"}, "row 2 holds a different number of entries (2)"),
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
    assert player_data(at, "conv.player")["payload"]["frames"]


def test_the_step_of_the_lesson_opens_the_player_there_with_its_arithmetic():
    big = "\n".join(" ".join("1" for _ in range(15)) for _ in range(15))
    at = run_page(PAGE, **{"conv.input_text": big, "conv.kernel_text": "1 1 1\n1 1 1\n1 1 1", "conv.pad_h": 2,
                           "conv.pad_w": 2, "conv.step": 50})
    assert_no_exception(at)
    data = player_data(at, "conv.player")
    assert data["step"] == 50 and len(data["payload"]["frames"]) == 17 * 17  # every cell is a frame
    assert any("Output cell (row 3, column 16)" in m.value for m in at.markdown)  # 17×17: cell 50, 1-based
    assert at.query_params["step"] == "50"


def test_a_single_output_cell_shows_its_arithmetic_without_a_step_slider():
    at = run_page(PAGE, **{"conv.input_text": "1 2\n3 4", "conv.kernel_text": "1 1\n1 1"})
    assert_no_exception(at)
    assert any("Output size** 1 × 1" in plain(m.value) for m in at.markdown)
    assert any("1·1 + 2·1 + 3·1 + 4·1 = 10" in m.value for m in at.markdown)


def test_the_padding_added_on_each_side_is_shown_with_the_figure():
    at = run_page(PAGE, **{"conv.input_text": "1 2 3\n4 5 6\n7 8 9", "conv.kernel_text": "1 1\n1 1",
                           "conv.padding_mode": "same"})
    assert_no_exception(at)
    data = player_data(at, "conv.player")["payload"]
    assert data["caption"] == "padding: top 0, bottom 1, left 0, right 1"  # 'same' with an even kernel
    assert len(data["grids"][0]["padding"]) == 4 * 4 - 3 * 3


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the overflow is the point
def test_results_too_large_to_represent_are_announced_not_silently_blank():
    at = run_page(PAGE, **{"conv.input_text": "1e308 1e308\n1e308 1e308", "conv.kernel_text": "10"})
    assert_no_exception(at)
    assert any("overflow" in w.value for w in at.warning)


def test_the_code_panel_shows_pytorch_and_keras_for_the_current_settings():
    at = run_page(PAGE, **{"conv.stride_h": 2, "conv.dilation_w": 2, "conv.padding_mode": "same", "code_panel.open": True})
    assert_no_exception(at)
    code = [c.value for c in at.code]
    torch_code = [c for c in code if "F.conv2d" in c]
    assert torch_code and "stride=(2, 1)" in torch_code[0] and "dilation=(1, 2)" in torch_code[0]
    assert any("keras" in c for c in code)


def _predict_check(at, text):
    box = [t for t in at.text_area if t.key and t.key.endswith(".answer")][0]
    box.input(text)
    next(b for b in at.button if b.label == "Check").click()
    return at.run()


def test_predict_first_hides_the_output_until_the_guess_is_checked():
    at = run_page(PAGE, **{"conv.predict": True})
    assert_no_exception(at)
    assert not at.get("bidi_component")  # no player: the output would give the answer away
    truth = cnnviz.conv2d(np.array([[10, 10, 10, 0, 0, 0]] * 6), np.array([[1, 0, -1]] * 3))
    at = _predict_check(at, "\n".join(" ".join(str(int(v)) for v in row) for row in truth))
    assert_no_exception(at)
    assert at.success
    assert player_data(at, "conv.player")  # revealed: the animation is back


def test_a_wrong_feature_map_guess_shows_the_gap_as_a_difference_heatmap():
    at = run_page(PAGE, **{"conv.predict": True})
    at = _predict_check(at, "\n".join(["0 30 30 0"] * 3 + ["0 30 0 0"]))  # one cell wrong
    assert_no_exception(at)
    assert at.error or any("wrong" in e.value.lower() for e in at.error)
    heatmaps = [c for c in at.get("plotly_chart")]
    assert heatmaps, "the difference between guess and truth is drawn"


def test_the_chosen_cells_window_kernel_and_products_are_shown_as_small_tables():
    at = run_page(PAGE)
    shown = [m.value for m in at.markdown if "cnnviz-grid" in m.value]
    assert len(shown) == 1  # one element: window, kernel and products of output cell (1, 1) side by side
    grids = shown[0].split("<table")[1:]
    assert len(grids) == 3 and ["Window of the input", "Kernel", "Products"] == re.findall(r"<small[^>]*>([^<]+)<", shown[0])
    assert grids[2].count("<td>−10</td>") == 3 and grids[2].count("<td>10</td>") == 3
