"""The volumes and pooling players in a real browser: the keyboard steps through every output cell, and the
equation of each step is the one the numbers give."""
import pytest

import cnnviz
from cnnviz.course import POOL_EXAMPLES, random_filters, random_volume
from tests.conftest import error_elements, screenshot, wait_idle

pytestmark = pytest.mark.browser


def _number(v: float) -> str:
    return cnnviz.format_number(v)


def test_the_keyboard_steps_the_volume_player_to_the_last_cell_of_the_last_filter(open_page):
    page = open_page("volumes")
    player = page.locator(".player")
    player.wait_for(timeout=30_000)
    screenshot(page, "volumes-start")
    x, bank = random_volume(0, 3, 5), random_filters(0, 2, 3, 3)
    expected = cnnviz.conv2d_loop(x, bank.w, bank.b, stride=2, padding=1)  # (K, Ho, Wo)
    player.focus()
    page.keyboard.press("ArrowRight")
    assert int(player.get_attribute("data-step")) == 2
    assert page.locator(".player .equation").text_content().endswith(f"= {_number(expected[0, 0, 1])}")
    page.keyboard.press("End")
    assert int(player.get_attribute("data-step")) == 18  # 2 filters × 3 × 3 cells
    assert page.locator(".player .equation").text_content().endswith(f"= {_number(expected[1, 2, 2])}")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('step=18')", timeout=30_000)
    screenshot(page, "volumes-played")
    assert error_elements(page) == []


def test_the_pooling_player_ends_on_the_course_answer(open_page):
    page = open_page("pooling")
    player = page.locator(".player")
    player.wait_for(timeout=30_000)
    player.focus()
    page.keyboard.press("End")
    window = POOL_EXAMPLES["dlai_4x4"].x[2:4, 2:4]  # the last window
    assert page.locator(".player .equation").text_content().endswith(f"= {_number(window.max())}")
    assert int(player.get_attribute("data-step")) == 4
    screenshot(page, "pooling-played")
    assert error_elements(page) == []
