"""Padding & stride explorer, driven like a user with AppTest: defaults, examples, extremes, errors."""
import json
import re

import numpy as np
import pytest

from cnnviz.locales import t
from cnnviz.shapes import conv_geometry, coverage
from tests.conftest import assert_no_exception, error_elements, run_page, screenshot, wait_idle

PAGE = "pages/lessons/padding_stride.py"
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


def test_defaults_show_the_course_example():
    at = run_page(PAGE)
    assert_no_exception(at)
    assert not at.error
    geo = conv_geometry(5, 3)
    assert metric(at, "Output size") == f"{geo.rows.out} × {geo.cols.out}" == "3 × 3"
    # the course's point: the corner is used once, the centre nine times
    assert metric(at, "Corner pixel") == "1×" and metric(at, "Centre pixel") == "9×"
    np.testing.assert_array_equal(coverage_counts(at), coverage(5, 3))
    assert any("(5 − 3) + 1 = 2 + 1 = 3" in plain(m.value) for m in at.markdown)


def test_coverage_evens_out_with_padding_and_is_f_squared_with_full_padding():
    at = run_page(PAGE)
    click(at, "5×5 · p 1")
    assert_no_exception(at)
    counts = coverage_counts(at)
    np.testing.assert_array_equal(counts, coverage(5, 3, padding=1))
    assert counts[0, 0] == 4 and counts[2, 2] == 9
    click(at, "5×5 · full")
    assert_no_exception(at)
    np.testing.assert_array_equal(coverage_counts(at), np.full((5, 5), 9))
    assert metric(at, "Output size") == "7 × 7"


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
    size_tab, coverage_tab, odd_tab = at.tabs
    texts = [plain(m.value) for m in size_tab.markdown]
    assert any("kernel 5 is larger than the padded input 2" in t for t in texts)  # the rows say why they fail
    assert any(conv_geometry(7, 3).rows.worked() in t for t in texts)  # the columns still work it out
    assert len(coverage_tab.info) == 1  # says what it needs instead of staying blank
    assert any("TensorFlow / Keras" in m.value for m in odd_tab.markdown)  # does not depend on the kernel fitting


def unbroken_parts(html: str) -> list[str]:
    return re.findall(r"<span style='white-space:nowrap'>([^<]*)</span>", html)


def test_formulas_break_only_between_the_steps_of_a_worked_formula():
    at = run_page(PAGE, **{KEY + "size_h": 8, KEY + "stride_h": 2})
    assert_no_exception(at)
    worked = conv_geometry(8, 3, 2).rows.worked()  # ⌊(8 − 3)/2⌋ + 1 = ⌊5/2⌋ + 1 = 2 + 1 = 3
    general = next(m.value for m in at.markdown if m.value.startswith("Output size of each axis:"))
    assert unbroken_parts(general) == ["⌊(n + 2p − d(f−1) − 1) / s⌋ + 1"]  # the general formula in one piece
    parts = unbroken_parts(next(m.value for m in at.markdown if m.value.startswith("**Rows**")))
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
    assert metric(at, "모서리 픽셀") == f"{coverage(2, 5, padding=2)[0, 0]}×" == "4×"


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
    at = run_page(PAGE, **{KEY + "size_h": 6, KEY + "kernel_h": 4})
    assert_no_exception(at)
    tables = [m.value for m in at.markdown if "TensorFlow / Keras" in m.value]
    assert len(tables) == 2  # the odd neighbour (3) and the even kernel (4)
    odd, even = tables
    assert "| 1 / 1 · 1 / 1 → 6 × 6 | TensorFlow / Keras `'same'` |" in odd
    assert "| 1 / 2 · 1 / 2 → 6 × 6 | TensorFlow / Keras `'same'` |" in even  # the extra row/column after
    assert "| 1 / 2 · 1 / 2 → 6 × 6 | PyTorch `padding='same'` |" in even


def test_with_a_stride_tensorflow_pads_by_n_mod_s_and_pytorch_refuses():
    at = run_page(PAGE, **{KEY + "size_h": 8, KEY + "kernel_h": 3, KEY + "stride_h": 2})
    assert_no_exception(at)
    odd = next(m.value for m in at.markdown if "TensorFlow / Keras" in m.value)
    # ⌈8/2⌉ = 4 outputs need (4 − 1)·2 + 3 − 8 = 1 zero: none before, one after — even for an odd kernel
    assert "| 0 / 1 · 0 / 1 → 4 × 4 | TensorFlow / Keras, stride 2×2 |" in odd
    assert "| refused | PyTorch, stride 2×2 |" in odd


@pytest.mark.browser
def test_every_tab_renders_in_chromium(open_page):
    page = open_page("padding_stride")
    page.get_by_role("button", name="8×8 · s 2").click()
    wait_idle(page)
    screenshot(page, "padding_stride-floor")
    for tab, name in (("Coverage", "padding_stride-coverage"), ("Why odd kernel sizes?", "padding_stride-odd")):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(800)
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
