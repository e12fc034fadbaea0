"""Transposed convolution page: AppTest at defaults, examples and extremes; the numbers it shows equal
the engine's; a browser run of the scatter animation."""
import json
import re

import numpy as np
import pytest

from cnnviz.transpose import as_direct_convolution, conv_transpose2d, transpose_geometry
from tests.conftest import (assert_no_exception, error_elements, player_data, predict_check, run_page, screenshot,
                            wait_idle)

PAGE = "ui/lessons/transposed.py"
KEY = "transposed."


def figure(at, key: str) -> dict:
    """The figure shown with ``st.plotly_chart(key=key)`` (its element id ends with the key)."""
    for chart in at.get("plotly_chart"):
        if chart.proto.id.endswith("-" + key):
            return json.loads(chart.proto.spec)
    raise AssertionError(f"no figure with key {key!r}")


def cells(trace: dict) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in trace["z"]], dtype=float)


def canvas(data: dict, frame: int) -> np.ndarray:
    """The uncropped canvas a player frame shows (its running sum; blank cells NaN), ``(H, W)``."""
    grid, texts = data["payload"]["frames"][frame]["updates"][0][:2]
    g = data["payload"]["grids"][grid]
    return np.array([float(v.replace("−", "-")) if v else np.nan for v in texts]).reshape(g["h"], g["w"])


def products(data: dict, frame: int) -> np.ndarray:
    """The stamp's values (value × kernel) written on the canvas window of a player frame, row by row."""
    return np.array([float(v.replace("−", "-")) for _, _, v in data["payload"]["frames"][frame]["products"]])


def metric(at, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def click(at, label: str):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_default_counts_from_one_so_the_first_stamp_is_the_kernel_itself():
    at = run_page(PAGE)
    assert_no_exception(at)
    assert not at.error
    x = np.array([[1, 2], [3, 4]])
    # the four 2×2 stamps 1·K, 2·K, 3·K, 4·K side by side, worked by hand
    expected = np.array([[1, 2, 2, 4], [3, 4, 6, 8], [3, 6, 4, 8], [9, 12, 12, 16]])
    np.testing.assert_array_equal(conv_transpose2d(x, x, stride=2), expected)
    direct = figure(at, "transposed.direct")
    np.testing.assert_array_equal(cells(direct["data"][2]), expected)
    first = products(player_data(at, "transposed.player"), 0)  # the first contribution
    np.testing.assert_array_equal(first, x.ravel())  # 1 × kernel: not all zeros
    assert metric(at, "Output size") == "4 × 4"
    assert any("o = 2·(2 − 1) + 2 = 4" in m.value for m in at.markdown)
    assert metric(at, "Stretched input") == "3" and metric(at, "Implicit padding") == "1"


def test_the_textbook_example_is_d2l_stride_2_counting_from_zero():
    at = run_page(PAGE)
    click(at, "textbook, s 2")
    x = np.array([[0, 1], [2, 3]])
    # d2l.ai §14.10, worked by hand: the four 2×2 stamps side by side
    expected = np.array([[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]])
    np.testing.assert_array_equal(conv_transpose2d(x, x, stride=2), expected)
    np.testing.assert_array_equal(cells(figure(at, "transposed.direct")["data"][2]), expected)


def test_direct_view_numbers_are_the_engine_view():
    at = run_page(PAGE)
    click(at, "upsample ×2")
    assert_no_exception(at)
    ones4, ones3 = np.ones((4, 4)), np.ones((3, 3))
    view = as_direct_convolution(ones4, ones3, stride=2, padding=1, output_padding=1)
    direct = figure(at, "transposed.direct")
    np.testing.assert_array_equal(cells(direct["data"][0]), view.roles)
    assert [[float(t) for t in row] for row in direct["data"][0]["text"]] == view.padded.tolist()
    np.testing.assert_array_equal(cells(direct["data"][1]), view.kernel)
    np.testing.assert_array_equal(cells(direct["data"][2]),
                                  conv_transpose2d(ones4, ones3, stride=2, padding=1, output_padding=1))
    assert metric(at, "Output size") == "8 × 8"
    assert any("o = 2·(4 − 1) + 3 − 2·1 + 1 = 8" in m.value for m in at.markdown)


def test_scatter_animation_ends_on_the_output_before_cropping():
    at = run_page(PAGE)
    click(at, "upsample ×2")
    data = player_data(at, "transposed.player")
    assert len(data["payload"]["frames"]) == 16  # one stamp per input pixel
    last = canvas(data, -1)  # frames update the canvas
    geo = transpose_geometry(4, 3, 2, 1, 1)
    kept = last[1: 1 + geo.rows.out, 1: 1 + geo.cols.out]
    want = conv_transpose2d(np.ones((4, 4)), np.ones((3, 3)), stride=2, padding=1, output_padding=1)
    np.testing.assert_array_equal(np.nan_to_num(kept), want)


def test_checkerboard_example_shows_uneven_overlap():
    at = run_page(PAGE)
    click(at, "checkerboard")
    assert_no_exception(at)
    out = cells(figure(at, "transposed.direct")["data"][2])
    assert set(np.unique(out)) == {1.0, 2.0, 4.0}  # 3-wide stamps, 2 apart: 1, 2 or 2×2 overlaps


@pytest.mark.parametrize("state, name, top", [
    ({"stride": 1, "output_padding": 1}, "output_padding", 0),  # a < max(s, d) = 1
    ({"stride": 3, "dilation": 2, "output_padding": 3}, "output_padding", 2),
    ({"size": 1, "kernel": 1, "padding": 1}, "padding", 0),  # o = 1 − 2p ≥ 1
    ({"size": 2, "kernel": 3, "stride": 1, "padding": 4}, "padding", 1),  # o = 1 + 3 − 2p ≥ 1
])
def test_impossible_geometry_cannot_be_chosen_the_range_narrows_instead(state, name, top):
    at = run_page(PAGE, **{KEY + k: v for k, v in state.items()})
    assert_no_exception(at)
    assert not at.error
    control = next(w for w in [*at.slider, *at.number_input] if w.key == KEY + name)  # one value: fixed
    assert control.max == top and control.value == top
    assert at.slider(key=KEY + "stride").value == state.get("stride", 2)  # the other choices are kept
    p, a = (next(w for w in [*at.slider, *at.number_input] if w.key == KEY + n).value
            for n in ("padding", "output_padding"))
    geo = transpose_geometry(state.get("size", 2), state.get("kernel", 2), state.get("stride", 2), p, a,
                             state.get("dilation", 1))
    assert metric(at, "Output size") == f"{geo.rows.out} × {geo.cols.out}"


@pytest.mark.parametrize("state", [
    {"size": 1, "kernel": 1, "stride": 1, "padding": 0, "output_padding": 0, "dilation": 1},
    {"size": 8, "kernel": 5, "stride": 4, "padding": 4, "output_padding": 3, "dilation": 3},
    {"size": 8, "kernel": 5, "stride": 1, "padding": 4, "output_padding": 0, "dilation": 3,
     "input_values": "random", "kernel_values": "random", "seed": 9999},
    {"size": 2, "kernel": 1, "stride": 1, "padding": 0, "output_padding": 2, "dilation": 3},
])
def test_extreme_settings_match_the_engine(state):
    at = run_page(PAGE, **{KEY + k: v for k, v in state.items()})
    assert_no_exception(at)
    args = (state["stride"], state["padding"], state["output_padding"], state["dilation"])
    try:
        geo = transpose_geometry(state["size"], state["kernel"], *args)
    except ValueError:
        assert at.error
        return
    assert not at.error
    assert metric(at, "Output size") == f"{geo.rows.out} × {geo.cols.out}"
    assert metric(at, "Implicit padding") == str(geo.rows.implicit_padding)


def test_padding_beyond_the_kernel_reports_a_negative_implicit_padding():
    """p > k − 1: the direct view crops the stretched input; the page says so with a negative number."""
    at = run_page(PAGE, **{KEY + "size": 4, KEY + "kernel": 2, KEY + "padding": 2, KEY + "input_values": "from_zero",
                           KEY + "kernel_values": "from_zero"})
    assert_no_exception(at)
    assert metric(at, "Implicit padding") == "-1"
    x = np.arange(16).reshape(4, 4)
    np.testing.assert_array_equal(cells(figure(at, "transposed.direct")["data"][2]),
                                  conv_transpose2d(x, np.arange(4).reshape(2, 2), stride=2, padding=2))


@pytest.mark.browser
def test_the_keyboard_steps_the_stamps_and_the_step_goes_into_the_link(open_page):
    page = open_page("transposed?view=scatter&size=4&kernel=3&stride=2&padding=1&output_padding=1&input_values=ones"
                     "&kernel_values=ones")
    player = page.locator(".player")
    player.wait_for(timeout=30_000)
    player.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    assert int(player.get_attribute("data-step")) == 3
    assert page.locator(".player .equation").text_content().startswith("x[1, 3] = 1")  # row by row, from 1
    page.keyboard.press("End")
    assert int(player.get_attribute("data-step")) == 16
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('step=16')", timeout=30_000)
    assert error_elements(page) == []
    screenshot(page, "transposed-scatter")


def test_many_stamps_play_in_the_player_and_the_lesson_step_opens_there():
    state = {"size": 8, "kernel": 5, "stride": 4, "padding": 0, "output_padding": 3, "dilation": 3,
             "input_values": "from_zero", "kernel_values": "from_zero", "step": 64}
    at = run_page(PAGE, **{KEY + k: v for k, v in state.items()})
    assert_no_exception(at)
    data = player_data(at, "transposed.player")
    assert data["step"] == 64 and len(data["payload"]["frames"]) == 64
    x = np.arange(64).reshape(8, 8)
    geo = transpose_geometry(8, 5, 4, 0, 3, 3)
    out = conv_transpose2d(x, np.arange(25).reshape(5, 5), stride=4, output_padding=3, dilation=3)
    np.testing.assert_array_equal(np.nan_to_num(canvas(data, -1))[: geo.rows.out, : geo.cols.out], out)
    assert np.nansum(canvas(data, 0)) == 0  # x[0, 0] = 0 stamps only zeros
    assert data["payload"]["frames"][0]["equation"].startswith("x[1, 1] = 0")


def test_the_code_panel_carries_the_output_padding_and_the_dilation():
    at = run_page(PAGE, **{KEY + "size": 4, KEY + "kernel": 3, KEY + "padding": 1, KEY + "output_padding": 1,
                            "code_panel.open": True})
    assert_no_exception(at)
    code = [c.value for c in at.code if c.language == "python"]
    torch_code = next(c for c in code if "conv_transpose2d" in c)
    assert "stride=2" in torch_code and "padding=1" in torch_code and "output_padding=1" in torch_code
    assert "[[1, 2, 3, 4], [5, 6, 7, 8]" in torch_code  # the page's input, counting from 1
    assert any("keras" in c for c in code)


def test_predict_first_hides_the_sizes_and_views_until_the_output_size_is_guessed():
    at = run_page(PAGE, **{KEY + "predict": True, KEY + "size": 4, KEY + "kernel": 3, KEY + "padding": 1,
                            "code_panel.open": True})
    assert_no_exception(at)
    assert not at.metric and not at.get("bidi_component") and not at.tabs
    assert not [c for c in at.code if c.language == "python"]
    at = predict_check(at, "7")  # by hand: 2·(4 − 1) + 3 − 2·1 = 7
    assert_no_exception(at)
    assert at.success and metric(at, "Output size") == "7 × 7" and player_data(at, "transposed.player")


def test_the_predict_question_reads_in_korean_with_the_same_numbers():
    state = {KEY + "predict": True, KEY + "size": 4, KEY + "kernel": 3, KEY + "padding": 1}
    english, korean = run_page(PAGE, **state), run_page(PAGE, query={"lang": "ko"}, **state)
    assert any("input 4×4, kernel 3×3, stride 2, padding 1" in m.value for m in english.markdown)
    assert any("입력 4×4" in m.value and "스트라이드 2" in m.value and "패딩 1" in m.value for m in korean.markdown)


def test_an_impossible_lesson_link_is_narrowed_with_a_korean_notice_naming_the_parameters():
    link = {"lang": "ko", "stride": "1", "output_padding": "3", "size": "1", "kernel": "1", "padding": "2"}
    at = run_page(PAGE, query=link)
    assert_no_exception(at)
    assert not at.error  # nothing impossible can be chosen: the ranges narrowed instead
    notice = next(c.value for c in at.caption if "output_padding" in c.value)
    assert re.search(r"[\uac00-\ud7a3]", notice) and "padding" in notice.replace("output_padding", "")
    assert at.session_state[KEY + "output_padding"] == 0 and at.session_state[KEY + "padding"] == 0
    assert metric(at, "출력 크기") == "1 × 1"  # s(i − 1) + k = 1, by hand


def test_a_classroom_link_hiding_the_controls_hides_the_examples_too_but_keeps_the_figures():
    at = run_page(PAGE, query={"hide": "all", "size": "3"})
    assert_no_exception(at)
    assert not at.slider and not [b for b in at.button if b.key and b.key.startswith(KEY + "example")]
    assert metric(at, "Output size") == "6 × 6"  # the hidden setting still applies: 2·(3 − 1) + 2
    assert figure(at, "transposed.direct") and player_data(at, "transposed.player")
