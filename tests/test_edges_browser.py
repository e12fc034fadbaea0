"""The edges page in Chromium at 1280×720: a lesson link arrives, a click on a map picks the pixel, nothing is cut."""
from urllib.parse import urlencode

import numpy as np
import pytest
from PIL import Image

from tests.conftest import error_elements, screenshot, wait_idle

pytestmark = pytest.mark.browser
LESSON = {"kernel": "scharr", "border": "zeros", "threshold": "40", "row": "4", "col": "5"}
# the maps are one figure (key edges.maps), one subplot each: original, Gx, Gy, magnitude, direction, edges
MAPS = ("xy", "x2y2", "x3y3", "x4y4", "x5y5", "x6y6")

# Text that does not fit its box: widget labels, chosen options, buttons (scrollWidth beyond clientWidth)
CUT_TEXT = """() => Array.from(document.querySelectorAll(
    '[data-testid=stWidgetLabel] p, [data-testid=stSelectbox] input, [data-testid=stRadioOption] p, '
    + '[data-testid=stMarkdownContainer] strong, button p'))
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.value || e.textContent)"""
# Numbers wider than their heatmap cell (a map's plot width ÷ its columns)
SPILLED = """([subplot, cols]) => { const chart = document.querySelector('.st-key-edges-maps');
  const plot = chart.querySelector(`.nsewdrag[data-subplot=${subplot}]`).getBoundingClientRect();
  return Array.from(chart.querySelectorAll(`.subplot.${subplot} .heatmap-label`))
    .filter(t => t.getBoundingClientRect().width > plot.width / cols - 2).map(t => t.textContent); }"""
# Map titles that run into the next title of their row or out of the figure
CROWDED = """() => { const chart = document.querySelector('.st-key-edges-maps');
  const right = chart.querySelector('.main-svg').getBoundingClientRect().right;
  const titles = Array.from(chart.querySelectorAll('.annotation-text'))
      .filter(t => t.querySelector('tspan[style*=bold]')).map(t => t.getBoundingClientRect());
  return [titles.length, titles.filter(a => a.right > right || titles.some(b => b !== a && Math.abs(b.top - a.top) < 5
      && b.left > a.left && a.right > b.left - 4)).map(a => a.left)]; }"""

# Where the cyan marker of the traced pixel sits: subplot → (row, col) of the cell under its centre
MARKED = """(cells) => { const chart = document.querySelector('.st-key-edges-maps'); const found = {};
  for (const drag of chart.querySelectorAll('.nsewdrag')) {
    const sp = drag.getAttribute('data-subplot'), plot = drag.getBoundingClientRect();
    for (const m of chart.querySelectorAll(`.subplot.${sp} .scatterlayer path.point`)) {
      if (!(m.style.stroke || '').includes('0, 194, 255')) continue;
      const b = m.getBoundingClientRect(), x = b.left + b.width / 2, y = b.top + b.height / 2;
      found[sp] = [Math.floor((y - plot.top) / plot.height * cells) + 1,
                   Math.floor((x - plot.left) / plot.width * cells) + 1];
    } }
  return found; }"""


def _open(browser, url: str, params: dict):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{url}/edges?{urlencode(params)}", timeout=90_000)
    wait_idle(page, timeout=90_000)
    page.locator(".st-key-edges-maps .nsewdrag").first.wait_for(timeout=90_000)
    wait_idle(page, timeout=90_000)
    if page.get_by_text("Page not found").count():  # a fresh server's first deep link: the navigation
        page.keyboard.press("Escape")  # tests own that dialog; here it would only block the clicks
        page.get_by_text("Page not found").wait_for(state="hidden", timeout=10_000)
    return page


def _marked(page, cells: int = 6) -> dict[str, tuple[int, int]]:
    return {k: tuple(v) for k, v in page.evaluate(MARKED, cells).items()}


def _pixel(page) -> tuple[str, str]:
    return tuple(page.locator(f".st-key-edges-{k} input").input_value() for k in ("row", "col"))


def _chosen(page, key: str) -> str:
    return page.locator(f".st-key-edges-{key} [data-testid=stRadioOption][data-selected=true]").inner_text().strip()


def _click(page, subplot: str, fx: float, fy: float) -> str:
    """Click the map on axes ``subplot`` ("x4y4") at a fraction of its plot area; return what the hover said there."""
    drag = page.locator(f".st-key-edges-maps .nsewdrag[data-subplot={subplot}]")
    drag.evaluate("e => e.scrollIntoView({block: 'center'})")  # not under Streamlit's header at the top
    said = ""
    for _ in range(10):  # the chart may still be drawing: wait until hovering over it answers
        page.wait_for_timeout(1000)
        box = drag.bounding_box()
        x, y = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
        page.mouse.move(x - 8, y - 8)
        page.mouse.move(x, y, steps=4)
        page.wait_for_timeout(500)
        said = page.locator(".st-key-edges-maps .hoverlayer").first.text_content()
        if said:
            break
    before = _pixel(page)
    page.mouse.click(x, y)
    page.wait_for_function(f"() => document.querySelector('.st-key-edges-row input').value !== '{before[0]}' "
                           f"|| document.querySelector('.st-key-edges-col input').value !== '{before[1]}'",
                           timeout=60_000)
    wait_idle(page)
    return said


def _check_layout(page, cols: int = 6) -> None:
    assert page.evaluate(CUT_TEXT) == []
    assert page.evaluate(CROWDED) == [len(MAPS), []]
    for subplot in MAPS:
        assert page.evaluate(SPILLED, [subplot, cols]) == [], subplot


def _full_screenshot(page, name: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 3300})
    page.wait_for_timeout(1500)
    screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 720})


def test_a_lesson_link_arrives_and_a_click_on_the_map_traces_that_pixel(browser, streamlit_url):
    page = _open(browser, streamlit_url, LESSON | {"lang": "en"})
    assert _pixel(page) == ("4", "5")
    assert page.locator(".st-key-edges-kernel input").input_value() == "Scharr (Gx, Gy)"
    assert _chosen(page, "border") == "Zeros"
    assert page.locator(".st-key-edges-threshold input[type=range]").input_value() == "40"
    _check_layout(page)
    assert _marked(page) == {"xy": (4, 5), "x6y6": (4, 5)}  # on the original and the edge map
    said = _click(page, "x4y4", 1.5 / 6, 2.5 / 6)  # the magnitude map: the centre of row 3, column 2
    assert said.startswith("row 3, column 2:")
    assert _pixel(page) == ("3", "2") and "row=3" in page.url and "col=2" in page.url
    page.wait_for_function(f"() => ({MARKED})(6).xy?.join() === '3,2'", timeout=30_000)  # the marker follows
    assert _marked(page) == {"xy": (3, 2), "x6y6": (3, 2)}
    said = _click(page, "x2y2", 5.5 / 6, 0.5 / 6)  # and a click on another map: Gx, row 1, column 6
    assert said.startswith("row 1, column 6:") and _pixel(page) == ("1", "6")
    assert error_elements(page) == []
    _full_screenshot(page, "edges-lesson-en")
    page.close()


def test_the_same_lesson_in_korean_fits_its_labels(browser, streamlit_url):
    page = _open(browser, streamlit_url, LESSON | {"lang": "ko"})
    assert _pixel(page) == ("4", "5")
    assert _chosen(page, "border") == "0 (제로 패딩)"
    _check_layout(page)
    assert error_elements(page) == []
    _full_screenshot(page, "edges-lesson-ko")
    page.close()


def test_a_click_on_a_large_photo_like_map_picks_the_pixel_under_the_pointer(browser, streamlit_url):
    page = _open(browser, streamlit_url, {"sample": "shapes", "lang": "en"})
    said = _click(page, "xy", 0.3, 0.55)  # the original
    row, col = (int(part.split()[-1]) for part in said.split(","))  # "row 141, column 77"
    assert _pixel(page) == (str(row), str(col))
    assert 256 * 0.55 - 6 <= row <= 256 * 0.55 + 6 and 256 * 0.3 - 6 <= col <= 256 * 0.3 + 6
    page.close()


def test_a_file_over_the_limit_leaves_the_photo_shown_and_the_page_says_so(browser, streamlit_url, tmp_path):
    page = _open(browser, streamlit_url, {"lang": "en"})
    good, huge = tmp_path / "good.png", tmp_path / "huge.png"
    Image.fromarray((np.random.default_rng(0).random((120, 160, 3)) * 255).astype(np.uint8)).save(good)
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (21 * 2**20))  # over the uploader's 20 MB
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_text("Showing your photo good.png (160×120 pixels)").wait_for(timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(huge))
    page.get_by_text("huge.png").wait_for(timeout=30_000)  # listed by the uploader with its red !
    wait_idle(page)
    status = page.get_by_text("Showing your photo good.png").inner_text()
    assert "refused by the uploader itself" in status and "20 MB" in status
    assert page.locator(".st-key-edges-col input").input_value() != ""
    screenshot(page, "edges-upload-over-limit")
    page.close()


def test_the_edge_map_downloaded_after_a_threshold_step_is_at_the_new_threshold(browser, streamlit_url, tmp_path):
    """A step reruns only the maps' fragment, not the download button: the PNG is made for the threshold of the
    moment the button is pressed."""
    page = _open(browser, streamlit_url, {"lang": "en"})  # the course's 6×6 step: |G| = 40 in columns 3 and 4

    def download() -> np.ndarray:
        with page.expect_download(timeout=30_000) as info:
            page.get_by_text("Download edges (6×6 PNG)").click()
        return np.asarray(Image.open(info.value.path()).convert("L"))

    bright = download() > 128
    assert bright[:, 2:4].all() and not bright[:, [0, 1, 4, 5]].any()  # at 25 %: > 10
    slider = page.locator(".st-key-edges-threshold input[type=range]")
    slider.focus()
    page.keyboard.press("End")  # 100 %: nothing is above the largest magnitude
    page.wait_for_function("() => document.querySelector('.st-key-edges-threshold input[type=range]').value === '100'",
                           timeout=30_000)
    page.wait_for_timeout(1000)
    wait_idle(page)
    assert not (download() > 128).any()
    page.close()
