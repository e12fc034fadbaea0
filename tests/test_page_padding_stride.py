"""Padding & stride explorer, driven like a user with AppTest: defaults, examples, extremes, errors."""
import json
import re

import numpy as np
import pytest

from cnnviz.locales import t
from cnnviz.shapes import conv_geometry, coverage
from tests.conftest import (assert_no_exception, error_elements, predict_check, predict_question_fits, run_page,
                            screenshot, wait_idle)
from tests.test_pages_korean import english_words, shown_texts

PAGE = "ui/lessons/padding_stride.py"
KEY = "padstride."


def figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def coverage_counts(at) -> np.ndarray:
    """The numbers the coverage heatmap writes into the input cells (padding cells are blank)."""
    fig = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("-padstride.coverage"))
    z = np.array(fig["data"][1]["z"], dtype=object)
    real = np.array([[v is not None for v in row] for row in z])
    rows = [r for r in range(z.shape[0]) if real[r].any()]
    cols = [c for c in range(z.shape[1]) if real[:, c].any()]
    return np.array(z[np.ix_(rows, cols)], dtype=float)


def plain(html: str) -> str:
    """Markdown text without its HTML tags."""
    return re.sub(r"<[^>]+>", "", html)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def click(at, label: str):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def chart_keys(at) -> list[str]:
    return [c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")]


def open_tab(at, tab: str, lang: str = "en"):
    """Select tab ``tab`` (size, coverage or odd) as a click would: only the open tab is drawn."""
    at.session_state[KEY + "tab"] = t(f"padstride.tab.{tab}", lang)
    return at.run()


def test_defaults_show_the_course_example():
    at = run_page(PAGE)
    assert_no_exception(at)
    assert not at.error
    geo = conv_geometry(5, 3)
    assert metric(at, "Output size") == f"{geo.rows.out} × {geo.cols.out}" == "3 × 3"
    assert any("(5 − 3) + 1 = 2 + 1 = 3" in plain(m.value) for m in at.markdown)
    open_tab(at, "coverage")
    assert_no_exception(at)
    # the course's point: the corner is used once, the centre nine times
    assert metric(at, "Corner pixel") == "1×" and metric(at, "Centre pixel") == "9×"
    np.testing.assert_array_equal(coverage_counts(at), coverage(5, 3))


def test_coverage_evens_out_with_padding_and_is_f_squared_with_full_padding():
    at = open_tab(run_page(PAGE), "coverage")
    click(at, "5×5 · p 1")
    assert_no_exception(at)
    counts = coverage_counts(at)
    np.testing.assert_array_equal(counts, coverage(5, 3, padding=1))
    assert counts[0, 0] == 4 and counts[2, 2] == 9
    click(at, "5×5 · full")
    assert_no_exception(at)
    np.testing.assert_array_equal(coverage_counts(at), np.full((5, 5), 9))
    assert metric(open_tab(at, "size"), "Output size") == "7 × 7"


def test_stride_that_does_not_divide_warns_about_unreached_rows():
    at = run_page(PAGE)
    click(at, "8×8 · s 2")
    assert_no_exception(at)
    geo = conv_geometry(8, 3, 2)
    assert geo.rows.unreached() == (7,)
    assert metric(at, "Output size") == f"{geo.rows.out} × {geo.cols.out}"
    assert any("floor drops padded rows 7" in w.value for w in at.warning)
    assert any("⌊5/2⌋ + 1 = 2 + 1 = 3" in plain(m.value) for m in at.markdown)
    grid = figures(at)[0]
    assert len([s for s in grid["layout"]["shapes"] if s["line"]["width"] == 0]) == 2  # row 7 and column 7 shaded


def test_kernel_larger_than_the_input_shows_an_error_and_keeps_the_controls():
    at = run_page(PAGE, **{KEY + "size_h": 2, KEY + "kernel_h": 5})
    assert_no_exception(at)
    assert len(at.error) == 1 and "kernel 5 is larger than the padded input 2" in at.error[0].value
    assert at.slider(key=KEY + "size_h").value == 2
    at.slider(key=KEY + "pad_h").set_value(2).run()
    assert_no_exception(at)
    assert not at.error
    assert metric(at, "Output size") == "2 × 2"


def test_an_impossible_axis_leaves_every_tab_with_something_to_read():
    at = run_page(PAGE, **{KEY + "square": False, KEY + "size_h": 2, KEY + "kernel_h": 5, KEY + "size_w": 7})
    assert_no_exception(at)
    assert len(at.error) == 1 and "kernel 5 is larger than the padded input 2 + 2·0 = 2" in at.error[0].value
    texts = [plain(m.value) for m in at.tabs[0].markdown]
    assert any("kernel 5 is larger than the padded input 2" in t for t in texts)  # the rows say why they fail
    assert any(conv_geometry(7, 3).rows.worked() in t for t in texts)  # the columns still work it out
    assert len(open_tab(at, "coverage").tabs[1].info) == 1  # says what it needs instead of staying blank
    odd_tab = open_tab(at, "odd").tabs[2]
    assert any("TensorFlow / Keras" in m.value for m in odd_tab.markdown)  # does not depend on the kernel fitting


def unbroken_parts(html: str) -> list[str]:
    return re.findall(r"<span style='white-space:nowrap'>([^<]*)</span>", html)


def test_formulas_break_only_between_the_steps_of_a_worked_formula():
    at = run_page(PAGE, **{KEY + "size_h": 8, KEY + "stride_h": 2})
    assert_no_exception(at)
    worked = conv_geometry(8, 3, 2).rows.worked()  # ⌊(8 − 3)/2⌋ + 1 = ⌊5/2⌋ + 1 = 2 + 1 = 3
    general = next(m.value for m in at.markdown if m.value.startswith("Output size of each axis:"))
    assert unbroken_parts(general) == ["⌊(n + 2p − d(f−1) − 1) / s⌋ + 1"]  # the general formula in one piece
    axes = next(m.value for m in at.markdown if "**Rows**" in m.value)  # rows and columns side by side
    parts = unbroken_parts(axes.split("**Columns**")[0])
    assert " = ".join(parts) == worked and parts[0] == "⌊(8 − 3)/2⌋ + 1"
    assert all(" = " not in part for part in parts)


def test_the_page_and_its_errors_read_in_korean_with_the_same_numbers():
    at = run_page(PAGE, query={"lang": "ko"}, **{KEY + "size_h": 2, KEY + "kernel_h": 5})
    assert_no_exception(at)
    assert at.title[0].value == t("nav.padding_stride.title", "ko")
    assert [tab.label for tab in at.tabs] == ["출력 크기", "픽셀 사용 횟수", "커널 크기는 왜 홀수일까?"]
    assert at.slider(key=KEY + "kernel_h").label == "커널 크기 f"
    message = at.error[0].value
    assert message.startswith("이 설정으로는 계산할 수 없습니다: 커널 5: 패딩된 입력 2 + 2·0 = 2보다 큽니다")
    # a fresh run, not a rerun: AppTest formats the radio's options outside the session, in English
    at = run_page(PAGE, query={"lang": "ko"}, **{KEY + "size_h": 2, KEY + "kernel_h": 5, KEY + "pad_h": 2})
    assert_no_exception(at)
    assert not at.error
    assert metric(at, "출력 크기") == "2 × 2"
    open_tab(at, "coverage", "ko")
    assert metric(at, "모서리 픽셀") == f"{coverage(2, 5, padding=2)[0, 0]}×" == "4×"


@pytest.mark.parametrize("tab", ["coverage", "odd"])
def test_the_tabs_drawn_when_opened_read_in_korean_too(tab):
    """tests/test_pages_korean.py reads the tab open at first; the others are drawn only when opened."""
    at = open_tab(run_page(PAGE, query={"lang": "ko"}), tab, "ko")
    assert_no_exception(at)
    assert len(at.get("plotly_chart")) >= 1  # the tab's figure is there to read
    leaks = {text: english_words(text) for text in shown_texts(at) if english_words(text)}
    assert leaks == {}


def test_only_the_open_tab_is_drawn():
    """A control change sends one tab's figures and words, not three (bench/rerun_cost.py)."""
    at = run_page(PAGE)
    assert chart_keys(at) == ["padstride.grid"] and not [m for m in at.markdown if "TensorFlow / Keras" in m.value]
    open_tab(at, "coverage")
    assert chart_keys(at) == ["padstride.coverage"] and metric(at, "Corner pixel") == "1×"
    open_tab(at, "odd")
    assert chart_keys(at) == ["padstride.same3", "padstride.same4"] and not at.metric


def test_a_link_that_hides_the_controls_also_hides_the_example_buttons():
    at = run_page(PAGE, query={"hide": "all", "size_h": "8", "stride_h": "2"})
    assert_no_exception(at)
    assert not at.button and not at.slider
    assert metric(at, "Output size") == "3 × 3"  # the link's settings still apply


@pytest.mark.parametrize("extremes", [
    {"size_h": 1, "kernel_h": 1, "pad_h": 0, "stride_h": 1, "dilation_h": 1},
    {"size_h": 32, "kernel_h": 11, "pad_h": 10, "stride_h": 8, "dilation_h": 4},
    {"size_h": 1, "kernel_h": 11, "pad_h": 0, "stride_h": 8, "dilation_h": 4},
    {"size_h": 32, "kernel_h": 11, "pad_h": 0, "stride_h": 1, "dilation_h": 1, "padding_mode": "full"},
])
def test_extreme_slider_values_never_raise(extremes):
    at = run_page(PAGE, **{KEY + k: v for k, v in extremes.items()})
    assert_no_exception(at)
    s = {k: extremes[k] for k in ("size_h", "kernel_h", "stride_h", "dilation_h")}
    try:
        geo = conv_geometry(s["size_h"], s["kernel_h"], s["stride_h"],
                            extremes.get("padding_mode", extremes["pad_h"]), s["dilation_h"])
    except ValueError:
        assert at.error
    else:
        assert metric(at, "Output size") == f"{geo.rows.out} × {geo.cols.out}"


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
def test_padding_shortcuts_match_the_engine(mode):
    at = run_page(PAGE, **{KEY + "size_h": 7, KEY + "kernel_h": 4, KEY + "stride_h": 2})
    at.radio(key=KEY + "padding_mode").set_value(mode).run()
    assert_no_exception(at)
    geo = conv_geometry(7, 4, 2, mode)
    assert metric(at, "Output size") == f"{geo.rows.out} × {geo.cols.out}"
    assert at.slider(key=KEY + "pad_h").disabled
    if mode == "same":  # ⌈7/2⌉ = 4 outputs need (4−1)·2 + 4 − 7 = 3 zeros: 1 before, the odd 2 after
        assert geo.pads == ((1, 2), (1, 2))
        assert any("top 1, bottom 2, left 1, right 2" in i.value for i in at.info)


def test_unlinking_the_axes_gives_height_and_width_their_own_sliders():
    at = run_page(PAGE)
    at.toggle(key=KEY + "square").set_value(False).run()
    assert_no_exception(at)
    assert at.slider(key=KEY + "size_w").value == 5
    at.slider(key=KEY + "size_w").set_value(9)
    at.slider(key=KEY + "stride_w").set_value(3).run()
    geo = conv_geometry((5, 9), 3, (1, 3))
    assert metric(at, "Output size") == f"{geo.rows.out} × {geo.cols.out}" == "3 × 3"
    # linking again copies the rows' values to the columns
    at.toggle(key=KEY + "square").set_value(True).run()
    assert metric(at, "Output size") == "3 × 3"
    assert at.session_state[KEY + "size_w"] == 5


def test_odd_kernel_tab_compares_tensorflow_and_pytorch_same_padding():
    at = open_tab(run_page(PAGE, **{KEY + "size_h": 6, KEY + "kernel_h": 4}), "odd")
    assert_no_exception(at)
    tables = [m.value for m in at.markdown if "TensorFlow / Keras" in m.value]
    assert len(tables) == 2  # the odd neighbour (3) and the even kernel (4)
    odd, even = tables
    assert "| 1 / 1 · 1 / 1 → 6 × 6 | TensorFlow / Keras `'same'` |" in odd
    assert "| 1 / 2 · 1 / 2 → 6 × 6 | TensorFlow / Keras `'same'` |" in even  # the extra row/column after
    assert "| 1 / 2 · 1 / 2 → 6 × 6 | PyTorch `padding='same'` |" in even


def test_with_a_stride_tensorflow_pads_by_n_mod_s_and_pytorch_refuses():
    at = open_tab(run_page(PAGE, **{KEY + "size_h": 8, KEY + "kernel_h": 3, KEY + "stride_h": 2}), "odd")
    assert_no_exception(at)
    odd = next(m.value for m in at.markdown if "TensorFlow / Keras" in m.value)
    # ⌈8/2⌉ = 4 outputs need (4 − 1)·2 + 3 − 8 = 1 zero: none before, one after — even for an odd kernel
    assert "| 0 / 1 · 0 / 1 → 4 × 4 | TensorFlow / Keras, stride 2×2 |" in odd
    assert "| refused | PyTorch, stride 2×2 |" in odd


def test_the_code_panel_shows_pytorch_and_keras_for_the_current_settings():
    at = run_page(PAGE, **{KEY + "square": False, KEY + "size_h": 9, KEY + "size_w": 7, KEY + "stride_h": 2,
                           KEY + "dilation_w": 2, "code_panel.open": True})
    assert_no_exception(at)
    code = [c.value for c in at.code if c.language == "python"]
    torch_code = next(c for c in code if "F.conv2d" in c)
    assert "torch.zeros(1, 1, 9, 7)" in torch_code and "stride=(2, 1)" in torch_code
    assert "dilation=(1, 2)" in torch_code
    assert any("ops.conv" in c and "ops.zeros((1, 9, 7, 1))" in c for c in code)


def test_an_impossible_setting_has_no_code_and_no_question():
    at = run_page(PAGE, **{KEY + "size_h": 2, KEY + "kernel_h": 5, KEY + "predict": True, "code_panel.open": True})
    assert_no_exception(at)
    assert at.error and not [c for c in at.code if c.language == "python"]
    assert not [t for t in at.text_input if t.key and t.key.endswith(".answer")]
    assert at.tabs  # the tabs still explain what cannot work


def test_predict_first_hides_every_tab_until_the_output_size_is_guessed():
    state = {KEY + "predict": True, KEY + "square": False, KEY + "size_h": 8, KEY + "size_w": 7,
             KEY + "stride_h": 3, KEY + "stride_w": 2, "code_panel.open": True}
    at = run_page(PAGE, **state)
    assert_no_exception(at)
    assert not at.tabs and not at.metric and not at.get("plotly_chart")  # nothing states the size
    assert not [c for c in at.code if c.language == "python"]
    assert any("Input 8×7, kernel 3×3, padding 0, stride 3, 2, dilation 1" in m.value for m in at.markdown)
    rows, cols = (8 - 3) // 3 + 1, (7 - 3) // 2 + 1  # by hand: ⌊5/3⌋ + 1 = 2, ⌊4/2⌋ + 1 = 3
    at = predict_check(at, f"{rows}x{cols}")
    assert_no_exception(at)
    assert at.success and at.tabs and metric(at, "Output size") == f"{rows} × {cols}"


def test_a_guess_in_the_wrong_order_is_told_so_and_shows_both_formulas():
    at = run_page(PAGE, **{KEY + "predict": True, KEY + "square": False, KEY + "size_w": 9})
    at = predict_check(at, "7 × 3")  # the truth is 3 × 7
    assert_no_exception(at)
    assert any("rows first" in e.value for e in at.error)
    worked = next(c.value for c in at.code if "9 − 3" in c.value).splitlines()  # one formula per axis
    assert worked[0].startswith("(5 − 3)") and worked[0].endswith("= 3")
    assert worked[1].startswith("(9 − 3)") and worked[1].endswith("= 7")


def test_the_predict_question_reads_in_korean_with_the_same_numbers():
    state = {KEY + "predict": True, KEY + "square": False, KEY + "size_h": 8, KEY + "size_w": 7,
             KEY + "padding_mode": "same"}
    at = run_page(PAGE, query={"lang": "ko"}, **state)
    assert_no_exception(at)
    assert any("입력 8×7, 필터(커널) 3×3, 패딩 same, 스트라이드 1" in m.value for m in at.markdown)
    assert at.toggle(key=KEY + "predict").label == "먼저 예측하기"


@pytest.mark.browser
def test_the_predict_question_fits_at_1280x720_in_both_languages(browser, streamlit_url):
    predict_question_fits(browser, streamlit_url, "padding_stride?predict=1&square=0&size_w=9",
                          ("padstride.square", "padstride.predict", "padstride.example.p0", "padstride.example.s2"),
                          "padding_stride-predict")


@pytest.mark.browser
def test_every_tab_renders_in_chromium(open_page):
    page = open_page("padding_stride")
    page.get_by_role("button", name="8×8 · s 2").click()
    wait_idle(page)
    screenshot(page, "padding_stride-floor")
    for tab, name in (("Coverage", "padding_stride-coverage"), ("Why odd kernel sizes?", "padding_stride-odd")):
        page.get_by_role("tab", name=tab).click()  # only the open tab is drawn: the click reruns the lesson
        page.wait_for_timeout(800)
        wait_idle(page)
        assert error_elements(page) == []
        screenshot(page, name)


@pytest.mark.browser
def test_the_korean_page_and_its_error_render_in_chromium(open_page):
    page = open_page("padding_stride?lang=ko&size_h=2&kernel_h=5")
    assert page.locator("html").get_attribute("lang") == "ko"
    alert = page.locator("[data-testid='stAlertContentError']")
    assert "커널 5: 패딩된 입력 2 + 2·0 = 2보다 큽니다" in alert.first.inner_text()
    assert page.get_by_role("tab", name="커널 크기는 왜 홀수일까?").count() == 1
    screenshot(page, "padding_stride-ko-error")
