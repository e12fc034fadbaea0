"""The volumes and pooling animations play in a real browser, and each frame shows the right numbers."""
import numpy as np
import pytest

import cnnviz
from cnnviz.course import POOL_EXAMPLES, random_filters, random_volume
from tests.conftest import error_elements, screenshot

pytestmark = pytest.mark.browser

GRAPH = ".st-key-{key} .js-plotly-plot"  # Streamlit writes the key's dots as dashes in the class name


def _graph_data(page, key: str):
    """The traces as Plotly holds them now (after any frames were applied)."""
    return page.evaluate(
        "(sel) => document.querySelector(sel).data.map(t => ({z: t.z, colorscale: t.colorscale || null}))",
        GRAPH.format(key=key.replace(".", "-")))


def _play_to_the_end(page, key: str, last_label: str) -> None:
    root = page.locator(f".st-key-{key.replace('.', '-')}")
    root.locator(".updatemenu-button").nth(1).click()  # ▶▶ Fast
    root.locator(".slider-label", has_text=last_label).wait_for(timeout=30_000)
    page.wait_for_timeout(800)


def test_volume_animation_plays_to_the_last_cell_with_the_right_filter_and_outputs(open_page):
    page = open_page("volumes")
    page.wait_for_selector(".st-key-volumes-figure .updatemenu-button", timeout=30_000)
    screenshot(page, "volumes-start")
    _play_to_the_end(page, "volumes.figure", "Output cell 18")
    data = _graph_data(page, "volumes.figure")
    x, bank = random_volume(0, 3, 5), random_filters(0, 2, 3, 3)
    expected = cnnviz.conv2d_loop(x, bank.w, bank.b, stride=2, padding=1)
    # traces per channel: input, padding, kernel, products; then per filter: background, output map
    for c in range(3):
        np.testing.assert_array_equal(np.array(data[4 * c + 2]["z"], dtype=float), bank.w[1, c])  # filter 2
        assert data[4 * c + 2]["colorscale"]  # the frame's data merged into the trace, style kept
    for k in range(2):
        np.testing.assert_array_equal(np.array(data[12 + 2 * k + 1]["z"], dtype=float), expected[k])
    screenshot(page, "volumes-played")
    assert error_elements(page) == []


def test_pooling_animation_marks_each_winner_and_fills_the_course_answer(open_page):
    page = open_page("pooling")
    page.wait_for_selector(".st-key-pool-figure .updatemenu-button", timeout=30_000)
    _play_to_the_end(page, "pool.figure", "Step 4")
    data = _graph_data(page, "pool.figure")
    assert np.array(data[-1]["z"], dtype=float).tolist() == [[9, 2], [6, 3]]
    winner = page.evaluate("(sel) => document.querySelector(sel).layout.shapes"
                           ".filter(s => s.line.color === '#9467bd').map(s => [s.y0 + 0.5, s.x0 + 0.5])",
                           GRAPH.format(key="pool-figure"))
    window = POOL_EXAMPLES["dlai_4x4"].x[2:4, 2:4]  # the last window
    r, c = np.unravel_index(np.argmax(window), window.shape)  # numpy's argmax: the first maximum
    assert winner == [[2 + r, 2 + c]]
    screenshot(page, "pooling-played")
    assert error_elements(page) == []
