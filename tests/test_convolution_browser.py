"""The convolution page's player in a real browser: it plays without the server, steps from the keyboard,
and the step it stops on goes into the lesson link."""
import pytest

import cnnviz
from cnnviz.course import INPUTS, KERNELS
from tests.conftest import error_elements, screenshot, wait_idle

pytestmark = pytest.mark.browser


def _step(page) -> int:
    return int(page.locator(".player").get_attribute("data-step"))


def test_play_moves_the_window_and_keys_step_into_the_lesson_link(open_page):
    page = open_page("convolution")
    page.wait_for_selector(".player[data-step]", timeout=30_000)
    assert _step(page) == 1
    steps = cnnviz.conv2d_trace(INPUTS["step_edge_6x6"], KERNELS["vertical_edge"]).steps
    page.locator(".player select.speed").select_option("4")
    page.locator(".player button.play").click()
    page.wait_for_timeout(1200)
    page.locator(".player button.play").click()  # pause
    stopped = _step(page)
    assert stopped > 1 and page.locator(".player .equation").text_content() == steps[stopped - 1].equation
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert _step(page) == 2 and page.locator(".player .equation").text_content() == steps[1].equation
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('step=2')", timeout=30_000)
    assert any("(row 1, column 2)" in h for h in page.locator("h3").all_inner_texts())  # the detail follows
    screenshot(page, "convolution-player")
    assert error_elements(page) == []


def test_a_control_change_reruns_the_lesson_and_the_folded_code_panel_opens_with_the_current_code(open_page):
    """The lesson is a fragment: changing the stride redraws the formula and the animation (the menu and the
    language control stay); the code panel draws its code only once opened, for the settings of the moment."""
    page = open_page("convolution")
    page.wait_for_selector(".player[data-step]", timeout=30_000)
    assert page.locator("[data-testid='stCode']").count() == 0  # folded: nothing drawn inside
    page.locator(".st-key-conv-stride_w button").last.click()  # stride ↔ 1 → 2
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('stride_w=2')", timeout=30_000)
    assert any("⌊(6 − 3)/2⌋ + 1 = 2" in t for t in page.locator("[data-testid='stMarkdownContainer']").all_inner_texts())
    assert page.locator("[data-testid='stSidebarNav']").count() == 1  # the app around the lesson is still there
    page.get_by_text("The code: PyTorch and Keras").click()
    page.wait_for_selector("[data-testid='stCode']", timeout=30_000)
    assert "stride=(1, 2)" in page.locator("[data-testid='stCode']").first.inner_text()
    screenshot(page, "convolution-code-panel")
    assert error_elements(page) == []
