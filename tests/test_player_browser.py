"""The presenter's player in a real browser (tests/pages/player_page.py): keys step and play, clicks jump,
the step reaches Python, and the figure fits the first screen at 1280×720 in presenter layout."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

import cnnviz
from cnnviz.course import INPUTS, KERNELS
from tests.conftest import screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def player_url():
    with streamlit_server("player.log", "tests/pages/player_page.py") as url:
        yield url


@pytest.fixture
def tab(browser, player_url):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    yield lambda query="": (page.goto(f"{player_url}/?{query}", timeout=60_000), wait_idle(page),
                            page.wait_for_selector(".player[data-step]", timeout=30_000), page)[-1]
    page.close()


def steps():
    return cnnviz.conv2d_trace(INPUTS["step_edge_6x6"], KERNELS["vertical_edge"]).steps


def shown_step(page) -> int:
    return int(page.locator(".player").get_attribute("data-step"))


def test_keys_step_and_the_equation_follows(tab):
    page = tab("presenter=1")
    expected = steps()
    assert shown_step(page) == 1
    assert page.locator(".player .equation").text_content() == expected[0].equation
    page.locator(".player").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert shown_step(page) == 3
    assert page.locator(".player .equation").text_content() == expected[2].equation
    assert re.search(r"Step 3 of 16", page.locator(".player .status").text_content())
    page.keyboard.press("PageDown")
    page.keyboard.press("PageUp")
    page.keyboard.press("ArrowLeft")
    assert shown_step(page) == 2
    page.keyboard.press("End")
    assert shown_step(page) == 16 and page.locator(".player .equation").text_content() == expected[15].equation
    page.keyboard.press("Home")
    assert shown_step(page) == 1
    page.locator(".player input.jump").focus()
    page.keyboard.press("ArrowRight")  # inside a text field the arrows move the caret, not the player
    assert shown_step(page) == 1
    screenshot(page, "player-presenter-720p")


def test_space_toggles_play(tab):
    page = tab()
    page.locator(".player").focus()
    page.keyboard.press(" ")
    assert page.locator(".player").get_attribute("data-playing") == "true"
    page.wait_for_timeout(2300)  # two steps at 1 s each
    assert shown_step(page) >= 2
    page.keyboard.press(" ")
    assert page.locator(".player").get_attribute("data-playing") == "false"
    paused_at = shown_step(page)
    page.wait_for_timeout(1500)
    assert shown_step(page) == paused_at


def test_clicking_an_output_cell_jumps_to_its_step_and_python_hears_it(tab):
    page = tab()
    page.keyboard.press("End")  # every output cell written
    page.locator(".player g.grid-2 g.cell[data-cell='6']").click()  # output row 2, column 3 → step 7
    assert shown_step(page) == 7
    assert page.locator(".player .equation").text_content() == steps()[6].equation
    page.wait_for_selector("text=python step: 7", timeout=30_000)
    assert "step=7" in page.url


def test_the_step_in_the_link_opens_the_player_there(tab):
    page = tab("step=5")
    assert shown_step(page) == 5
    assert page.locator(".player .equation").text_content() == steps()[4].equation


def test_presenter_layout_puts_figure_and_equation_on_the_first_screen(tab):
    page = tab("presenter=1")
    header = page.locator("[data-testid='stHeader']").bounding_box()
    top = header["y"] + header["height"] if header else 0  # Streamlit's header covers what is under it
    for part in (".player .bar", ".player svg.board", ".player .equation"):
        box = page.locator(part).bounding_box()
        assert box is not None and box["y"] >= top and box["y"] + box["height"] <= 720, (part, box, top)
    sizes = page.locator(".player").evaluate("""root => {
        const svg = root.querySelector('svg.board');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const sizes = [...svg.querySelectorAll('g.cell text')].filter(e => e.textContent)
            .map(e => parseFloat(e.getAttribute('font-size')) * scale);
        return {number: Math.min(...sizes),
                equation: parseFloat(getComputedStyle(root.querySelector('.equation')).fontSize)};
    }""")
    assert sizes["number"] >= 24 and sizes["equation"] >= 24, sizes
    screenshot(page, "player-presenter-first-screen")


def test_gif_download_is_built_on_click_with_the_players_speed(tab):
    page = tab()
    page.locator(".player select.speed").select_option("2")
    wait_idle(page)
    page.locator(".st-key-demo-gif-open button").first.click()  # "GIF for slides" opens the choice
    with page.expect_download(timeout=60_000) as info:
        page.locator(".st-key-demo-gif-download button, .st-key-demo\\.gif\\.download button").first.click()
    gif = Image.open(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert gif.format == "GIF" and gif.size == (1280, 720) and gif.n_frames == len(steps())
    assert gif.info["duration"] == 500  # 2× the normal 1 s per step, as the player plays it


@pytest.mark.parametrize("demo, total, click, expected", [
    ("pooling", 9, (1, 4), 5),  # output cell (2, 2) of a 3×3 map
    ("volumes", 32, (7, 1), 18),  # map 2, row 1, column 2: 16 + 2
    ("transposed", 4, (0, 2), 3),  # the input pixel (2, 1) stamps third
])
def test_every_animation_steps_from_the_keyboard_and_jumps_on_click(tab, demo, total, click, expected):
    page = tab(f"demo={demo}")
    assert page.locator(".player").get_attribute("data-total") == str(total)
    page.keyboard.press("End")
    assert shown_step(page) == total
    page.keyboard.press("ArrowLeft")
    assert shown_step(page) == total - 1
    grid, cell = click
    page.locator(f".player g.grid-{grid} g.cell[data-cell='{cell}']").click()
    assert shown_step(page) == expected
    screenshot(page, f"player-{demo}")
