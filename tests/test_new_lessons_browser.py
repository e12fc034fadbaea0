"""The three issue-16 lessons from their lesson links in Chromium at a projector's 1280×720: the settings
arrive, no label is cut off, and screenshots in English and Korean."""
from urllib.parse import urlencode

import pytest

from ui.common.schema import write_link
from ui.schemas import SCHEMAS
from tests.conftest import error_elements, screenshot, wait_idle

pytestmark = pytest.mark.browser

LESSONS = {  # page → (a setting to read back from its widget, the value the link sets)
    "why_convolutions": ("why.filters", "4"),
    "conv_backprop": ("backprop.stride", "2"),
    "dense_as_conv": ("fcn.big_width", "9"),
}


def _link(stem: str, lang: str) -> str:
    schema = SCHEMAS[f"ui/lessons/{stem}.py"]
    sample = schema.build({k: v for k, v in schema.SAMPLE.items() if k != "predict"})  # answers shown
    return f"{stem}?" + urlencode(write_link(sample) | {"lang": lang})


def _cut_labels(page) -> list[str]:
    """Widget labels, metric labels and headings wider than their box (clipped, ellipsised) or squeezed into
    more than two lines (words broken apart)."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stWidgetLabel"] p, [data-testid="stMetricLabel"] p, [data-testid="stMarkdownContainer"] h3')]
        .filter(e => e.offsetParent !== null && (e.scrollWidth > e.clientWidth + 1
                     || e.offsetHeight > 2.2 * parseFloat(getComputedStyle(e).lineHeight)))  // cut, or squeezed
        .map(e => e.innerText)""")


@pytest.mark.parametrize("stem", LESSONS)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_lesson_link_arrives_and_no_label_is_cut_off(browser, streamlit_url, stem, lang):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{streamlit_url}/{_link(stem, lang)}", timeout=60_000)
        wait_idle(page)
        key, value = LESSONS[stem]
        field = f".st-key-{key.replace('.', '-')} input"
        page.wait_for_function(f"() => document.querySelector({field!r})?.value === {value!r}", timeout=30_000)
        assert error_elements(page) == []
        assert _cut_labels(page) == []
        screenshot(page, f"{stem}-{lang}")
        page.mouse.move(800, 400)
        page.mouse.wheel(0, 700)
        page.wait_for_timeout(800)
        screenshot(page, f"{stem}-{lang}-below")
    finally:
        page.close()


def test_the_default_why_page_shows_the_course_numbers_and_the_sparsity_player(browser, streamlit_url):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{streamlit_url}/why_convolutions", timeout=60_000)
        wait_idle(page)
        metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
        assert metrics[:2] == ["456", "14,455,392"]
        page.wait_for_selector(".player[data-step]", timeout=30_000)
        page.locator(".player").scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert _cut_labels(page) == []
        screenshot(page, "why_convolutions-default-player")
    finally:
        page.close()
