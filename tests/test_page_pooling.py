"""The "Pooling" page, driven like a user would; numbers checked against the course and naive references."""
import re

import numpy as np
import pytest

import cnnviz
from cnnviz.course import POOL_EXAMPLES, POOL_STREAM, random_filters, random_integers, with_more_channels
from cnnviz.shapes import pool_geometry
from cnnviz.viz import style
from tests import reference
from tests.conftest import (assert_no_exception, chart, error_elements, heatmap_z, player_data, player_values,
                            predict_check, run_page, screenshot, wait_idle)

PAGE = "ui/lessons/pooling.py"


def final_output(at) -> np.ndarray:
    """The output map as the player draws it once every step is written."""
    return player_values(player_data(at, "pool.player"), 1)


def winner_cell(data: dict, frame: dict) -> tuple[int, int]:
    """(row, col) on the padded input of the winner a player frame marks."""
    grid, flat = frame["winner"]
    return divmod(flat, data["payload"]["grids"][grid]["w"])


def boxes(shapes, colour):
    """Cells (row, col) of the top-left corners of the rectangles drawn in ``colour``."""
    return [(s["y0"] + 0.5, s["x0"] + 0.5) for s in shapes if s["line"]["color"] == colour]


def first_winners(x, f, s, mode="max"):
    """Independent reference: padded (row, col) of the first max/min of each window, row by row."""
    out = []
    for r0 in range(0, x.shape[0] - f + 1, s):
        for c0 in range(0, x.shape[1] - f + 1, s):
            window = [(x[r, c], r, c) for r in range(r0, r0 + f) for c in range(c0, c0 + f)]
            best = max(v for v, _, _ in window) if mode == "max" else min(v for v, _, _ in window)
            out.append(next((r, c) for v, r, c in window if v == best))
    return out


def test_default_is_the_course_max_pooling_example_with_zero_parameters():
    at = run_page(PAGE)
    assert_no_exception(at)
    assert not at.error
    assert len(player_data(at, "pool.player")["payload"]["frames"]) == 4
    assert final_output(at).tolist() == [[9, 2], [6, 3]]  # the course's answer
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Learnable parameters"] == "0"
    assert metrics["Pooling: 3×4×4 → 3×2×2"] == "0 parameters"


def test_every_frame_highlights_the_first_winning_input_and_writes_its_value():
    at = run_page(PAGE, **{"pool.example": "ties_4x4"})
    assert_no_exception(at)
    data = player_data(at, "pool.player")
    x = POOL_EXAMPLES["ties_4x4"].x
    winners = first_winners(x, 2, 2)
    assert winners[0] == (0, 0)  # [[7, 7], [2, 7]]: the first 7 wins
    assert len(data["payload"]["frames"]) == len(winners)
    for n, frame in enumerate(data["payload"]["frames"]):
        assert winner_cell(data, frame) == winners[n]
        r, c = winners[n]
        assert frame["equation"].endswith(f"= {x[r, c]}")
    winner_fig = chart(at, "pool.winners")
    assert sorted(boxes(winner_fig["layout"]["shapes"], style.WINNER_COLOUR)) == sorted(set(winners))


@pytest.mark.parametrize("mode", ["avg", "min"])
def test_average_and_min_pooling_match_the_naive_reference(mode):
    at = run_page(PAGE, **{"pool.mode": mode})
    assert_no_exception(at)
    x = POOL_EXAMPLES["dlai_4x4"].x
    expected = reference.pool2d(x, (2, 2), (2, 2), ((0, 0), (0, 0)), mode)
    np.testing.assert_allclose(final_output(at), expected)
    if mode == "avg":
        assert expected.tolist() == [[3.75, 1.25], [3.75, 2.0]]  # (1+3+2+9)/4, … worked by hand
        assert not any(e.proto.id.endswith("pool.winners") for e in at.get("plotly_chart"))
    else:
        shapes = chart(at, "pool.winners")["layout"]["shapes"]
        assert sorted(boxes(shapes, style.WINNER_COLOUR)) == sorted(first_winners(x, 2, 2, "min"))


def test_choosing_the_5x5_example_brings_its_3x3_stride_1_window():
    at = run_page(PAGE)
    at.selectbox(key="pool.example").select("dlai_5x5").run()
    assert_no_exception(at)
    assert (at.slider(key="pool.size").value, at.slider(key="pool.stride").value) == (3, 1)
    assert final_output(at).tolist() == [[9, 9, 5], [9, 9, 5], [8, 6, 9]]


@pytest.mark.parametrize("mode", ["max", "avg", "min"])
def test_padding_and_ceil_mode_follow_pytorch_semantics(mode):
    state = {"pool.example": "random", "pool.height": 7, "pool.width": 5, "pool.seed": 4, "pool.mode": mode,
             "pool.size": 3, "pool.stride": 2, "pool.padding": 1, "pool.ceil": True}
    at = run_page(PAGE, **state)
    assert_no_exception(at)
    x = random_integers((7, 5), seed=4, stream=POOL_STREAM)
    expected = reference.pool2d(x, (3, 3), (2, 2), ((1, 1), (1, 1)), mode, ceil_mode=True)
    np.testing.assert_allclose(final_output(at), expected, atol=0.005)  # the player writes two decimals
    assert any("⌈" in m.value for m in at.markdown)


def test_ceil_mode_adds_the_window_that_floor_mode_drops():
    state = {"pool.example": "random", "pool.height": 5, "pool.width": 5}
    floor = run_page(PAGE, **state)
    ceil = run_page(PAGE, **state, **{"pool.ceil": True})
    assert final_output(floor).shape == (2, 2)
    assert final_output(ceil).shape == (3, 3)
    assert any("no window reaches" in m.value for m in floor.markdown)  # notes under the formula, in its element
    assert any("hangs over the edge" in m.value for m in ceil.markdown)


def test_padding_is_limited_to_half_the_window_so_a_window_of_1_allows_none():
    at = run_page(PAGE, **{"pool.size": 1, "pool.padding": 2})
    assert_no_exception(at)
    assert not at.error
    padding = at.number_input(key="pool.padding")  # one possible value: no slider, a disabled number
    assert padding.disabled and padding.value == 0
    at.slider(key="pool.size").set_value(4).run()  # a window of 4 allows padding up to 4 // 2 = 2
    assert_no_exception(at)
    assert at.slider(key="pool.padding").max == 2
    at.slider(key="pool.padding").set_value(2).run()
    at.slider(key="pool.size").set_value(3).run()  # 3 // 2 = 1: the padding follows the window down
    assert_no_exception(at)
    assert not at.error
    assert at.slider(key="pool.padding").value == 1 and at.slider(key="pool.padding").max == 1


def test_the_window_is_limited_to_the_padded_input():
    at = run_page(PAGE, **{"pool.example": "random", "pool.height": 2, "pool.width": 3, "pool.size": 5})
    assert_no_exception(at)
    assert not at.error
    size = at.slider(key="pool.size")
    assert (size.value, size.max) == (2, 2)  # f ≤ min(H, W) + 2p = 2
    at.slider(key="pool.padding").set_value(1).run()
    assert_no_exception(at)
    assert at.slider(key="pool.size").max == 4  # 2 + 2·1
    at.slider(key="pool.size").set_value(4).run()
    assert_no_exception(at)
    assert not at.error
    assert final_output(at).shape == (1, 1)  # ⌊(2 + 2 − 4)/2⌋ + 1 on the rows


def test_the_output_formulas_never_break_inside_an_expression():
    at = run_page(PAGE, **{"pool.example": "random", "pool.height": 7, "pool.width": 5, "pool.size": 3,
                           "pool.stride": 2, "pool.padding": 1, "pool.ceil": True})
    assert_no_exception(at)
    geo = pool_geometry((7, 5), 3, 2, 1, ceil_mode=True)
    shown = next(m.value for m in at.markdown if "\nrows:" in m.value)  # under the output size, one element
    parts = re.findall(r"<span style='white-space:nowrap'>([^<]*)</span>", shown)
    assert parts == [*geo.rows.formula().split(" = "), *geo.cols.formula().split(" = ")]
    assert parts[0] == "⌈(7 + 2·1 − 3)/2⌉ + 1"  # the line may break at its " = ", never inside


def test_the_page_reads_in_korean_with_the_same_numbers():
    at = run_page(PAGE, query={"lang": "ko"}, **{"pool.example": "random", "pool.height": 5, "pool.width": 5})
    assert_no_exception(at)
    assert at.title[0].value == "풀링"
    assert at.slider(key="pool.size").label == "윈도우 크기 f"
    assert "4×4 강의 예시 (2×2, 스트라이드 2)" in at.selectbox(key="pool.example").options
    assert any("출력 <b>2 × 2</b>" in m.value for m in at.markdown)
    assert any("어떤 윈도우도 패딩된 4행에 닿지 않습니다" in m.value for m in at.markdown)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["풀링: 3×5×5 → 3×2×2"] == "파라미터 0개"
    assert metrics["학습되는 파라미터"] == "0"
    assert [g["title"] for g in player_data(at, "pool.player")["payload"]["grids"]] == ["입력", "출력"]


def test_moving_the_channel_slider_in_its_fragment_keeps_the_new_value():
    at = run_page(PAGE)
    at.slider(key="pool.channels").set_value(2).run()
    assert_no_exception(at)
    assert at.slider(key="pool.channels").value == 2
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Pooling: 2×4×4 → 2×2×2"] == "0 parameters"
    assert at.query_params["channels"] == "2"


def test_the_step_of_the_lesson_opens_the_player_there_even_on_the_largest_input():
    at = run_page(PAGE, **{"pool.example": "random", "pool.height": 16, "pool.width": 16, "pool.size": 1,
                           "pool.stride": 1, "pool.seed": 9999, "pool.step": 256})
    assert_no_exception(at)
    data = player_data(at, "pool.player")
    assert data["step"] == 256 and len(data["payload"]["frames"]) == 16 * 16  # every cell is a frame
    x = random_integers((16, 16), seed=9999, stream=POOL_STREAM)
    assert data["payload"]["frames"][-1]["equation"] == f"max({x[15, 15]}) = {x[15, 15]}"
    at.number_input(key="pool.height").set_value(15).run()  # fewer cells: the step stays in range
    assert_no_exception(at)
    assert player_data(at, "pool.player")["step"] == 15 * 16


def test_extreme_window_and_stride_on_the_largest_input():
    at = run_page(PAGE, **{"pool.example": "random", "pool.height": 16, "pool.width": 16, "pool.size": 5,
                           "pool.stride": 5, "pool.padding": 2, "pool.ceil": True, "pool.channels": 4})
    assert_no_exception(at)
    assert not at.error
    x = random_integers((16, 16), seed=0, stream=POOL_STREAM)
    np.testing.assert_allclose(final_output(at),
                               reference.pool2d(x, (5, 5), (5, 5), ((2, 2), (2, 2)), "max", ceil_mode=True))


@pytest.mark.parametrize("channels", [1, 4])
def test_pooling_keeps_channels_apart_while_convolution_sums_them(channels):
    at = run_page(PAGE, **{"pool.channels": channels, "pool.example": "cs231n_4x4"})
    assert_no_exception(at)
    fig = chart(at, "pool.channels_figure")
    x = with_more_channels(POOL_EXAMPLES["cs231n_4x4"].x, channels, 0)
    bank = random_filters(0, 1, channels, 2)
    no_pad = ((0, 0), (0, 0))
    for c in range(channels):
        inp, pooled, part = (heatmap_z(t) for t in fig["data"][3 * c: 3 * c + 3])
        np.testing.assert_array_equal(inp, x[c])
        np.testing.assert_array_equal(pooled, reference.pool2d(x[c], (2, 2), (2, 2), no_pad, "max"))
        np.testing.assert_array_equal(part, reference.conv2d(x[None, c:c + 1], bank.w[:, c:c + 1], None,
                                                             (2, 2), no_pad)[0, 0])
    total = heatmap_z(fig["data"][-1])
    np.testing.assert_array_equal(total, reference.conv2d(x[None], bank.w, bank.b, (2, 2), no_pad)[0, 0])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[f"One {channels}×2×2 filter → 1×2×2"] == f"{channels * 2 * 2 + 1} parameters"
    assert metrics[f"Pooling: {channels}×4×4 → {channels}×2×2"] == "0 parameters"


def test_the_code_panel_shows_pytorch_and_keras_for_the_current_settings():
    at = run_page(PAGE, **{"pool.example": "random", "pool.height": 7, "pool.width": 5, "pool.mode": "avg",
                           "pool.size": 3, "pool.stride": 2, "pool.padding": 1, "pool.ceil": True,
                           "code_panel.open": True})
    assert_no_exception(at)
    code = [c.value for c in at.code]
    torch_code = next(c for c in code if "F.avg_pool2d" in c)
    assert "kernel_size=3, stride=2, padding=1, ceil_mode=True" in torch_code
    assert str(random_integers((7, 5), seed=0, stream=POOL_STREAM).astype(int).tolist()) in torch_code.replace(".0", "")


def test_predict_first_hides_the_player_until_the_shown_cell_is_guessed():
    at = run_page(PAGE, **{"pool.predict": True, "pool.step": 2, "code_panel.open": True})
    assert_no_exception(at)
    assert not at.get("bidi_component")  # no player: the answer stays hidden
    assert not [c for c in at.code if c.language == "python"]  # nor the code that prints it
    assert any("row 1, column 2?" in m.value for m in at.markdown)
    x = POOL_EXAMPLES["dlai_4x4"].x
    at = predict_check(at, str(int(x[0:2, 2:4].max())))  # independent: the max of window (1, 2) by slicing
    assert_no_exception(at)
    assert at.success
    assert player_data(at, "pool.player")["step"] == 2  # revealed: the animation is back, at the guessed cell


def test_a_wrong_pooled_value_is_refused_with_the_worked_window():
    at = run_page(PAGE, **{"pool.predict": True, "pool.mode": "avg"})
    x = POOL_EXAMPLES["dlai_4x4"].x
    at = predict_check(at, str(x[0:2, 0:2].mean() + 1))
    assert_no_exception(at)
    assert at.error and not at.success
    assert any("rows 1, 2 and columns 1, 2" in m.value for m in at.markdown)  # the window, counted from 1


def test_the_predict_question_reads_in_korean_with_the_same_numbers():
    state = {"pool.predict": True, "pool.mode": "min", "pool.size": 3, "pool.stride": 1, "pool.padding": 1,
             "pool.step": 5}
    english, korean = run_page(PAGE, **state), run_page(PAGE, query={"lang": "ko"}, **state)
    assert any("Min pooling 3×3, stride 1, padding 1" in m.value and "row 2, column 1?" in m.value
               for m in english.markdown)
    assert any("Min Pooling 3×3, 스트라이드 1, 패딩 1" in m.value and "2행 1열" in m.value for m in korean.markdown)


@pytest.mark.browser
def test_the_korean_page_renders_in_chromium(open_page):
    page = open_page("pooling?lang=ko&example=random&height=7&width=5&size=3&padding=1&ceil=1")
    assert page.locator("html").get_attribute("lang") == "ko"
    page.wait_for_selector(".player[data-step]", timeout=30_000)
    assert page.get_by_text("출력 4 × 3").count() == 1
    assert error_elements(page) == []
    screenshot(page, "pooling-ko")


@pytest.mark.browser
def test_the_keyboard_steps_the_pooling_player_and_the_step_goes_into_the_link(open_page):
    page = open_page("pooling?example=random&height=7&width=5&size=3&padding=1&ceil=1&mode=avg")
    page.wait_for_selector(".player[data-step]", timeout=30_000)
    steps = cnnviz.pool2d_trace(random_integers((7, 5), seed=0, stream=POOL_STREAM), 3, 2, 1, "avg", True).steps
    player = page.locator(".player")
    player.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    assert int(player.get_attribute("data-step")) == 3
    assert page.locator(".player .equation").text_content() == steps[2].equation
    page.keyboard.press("End")
    assert int(player.get_attribute("data-step")) == len(steps) == 4 * 3
    page.keyboard.press("ArrowLeft")
    wait_idle(page)
    page.wait_for_function(f"() => location.search.includes('step={len(steps) - 1}')", timeout=30_000)
    assert error_elements(page) == []
    screenshot(page, "pooling-player")
