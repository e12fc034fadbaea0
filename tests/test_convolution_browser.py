"""The convolution animation plays in a real browser, without the server."""
import pytest

from tests.conftest import error_elements, screenshot

pytestmark = pytest.mark.browser


def _current_step(page) -> str:
    return page.locator(".slider-label").first.text_content()


def test_pressing_play_moves_the_window_and_writes_output_cells(open_page):
    page = open_page("convolution")
    page.wait_for_selector(".updatemenu-button", timeout=30_000)
    assert _current_step(page).strip() == "Step 1"
    caption = page.locator(".annotation-text").last.text_content()
    page.locator(".updatemenu-button").nth(1).click()  # ▶▶ Fast
    page.wait_for_function(
        "() => document.querySelector('.slider-label').textContent.trim() !== 'Step 1'", timeout=15_000)
    page.wait_for_timeout(1200)
    page.locator(".updatemenu-button").nth(2).click()  # pause
    assert _current_step(page).strip() != "Step 1"
    assert page.locator(".annotation-text").last.text_content() != caption
    screenshot(page, "convolution-playing")
    assert error_elements(page) == []
