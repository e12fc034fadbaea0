"""The layer-chain and architectures lesson links in Chromium at 1280×720: the settings arrive, no table column
or label is cut off, and screenshots in English and Korean for a person to look at."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from cnnviz.locales import t
from ui.common.schema import write_link
from ui.schemas.architectures import ArchSettings
from ui.schemas.layer_chain import ChainSettings
from tests.conftest import ARTIFACTS, error_elements, screenshot, wait_idle

pytestmark = pytest.mark.browser

OVERFLOW = """el => { const s = el.querySelector('.dvn-scroller') || el;
                      return [s.scrollWidth, s.clientWidth]; }"""
CUT_LABELS = """() => [...document.querySelectorAll('[data-testid="stWidgetLabel"] p, button p')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""


def lesson(schema, lang: str) -> str:
    """The schema's sample lesson with its answers shown (predict first has its own tests)."""
    page = {"chain": "layer_chain", "arch": "architectures"}[schema.PAGE]
    return f"{page}?{urlencode(write_link(schema.build(schema.SAMPLE | {'predict': False})) | {'lang': lang})}"


def open_small(browser, streamlit_url, path: str):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{streamlit_url}/{path}", timeout=60_000)
    wait_idle(page)
    return page


def tables_fit(page) -> list[tuple[int, int]]:
    """(scrollWidth, clientWidth) of every table that scrolls sideways (none should)."""
    grids = page.locator("[data-testid='stDataFrame']")
    sizes = [(i, *grids.nth(i).evaluate(OVERFLOW)) for i in range(grids.count())]
    return [s for s in sizes if s[1] > s[2] + 1]


def number_value(page, key: str) -> str:
    return page.locator(f".st-key-{key.replace('.', '-')} input").input_value()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_layer_chain_link_opens_with_its_table_and_nothing_cut_off(browser, streamlit_url, lang):
    page = open_small(browser, streamlit_url, lesson(ChainSettings, lang))
    try:
        sample = ChainSettings.SAMPLE
        assert [number_value(page, f"chain.{k}") for k in ("channels", "height", "width")] == \
            [str(sample[k]) for k in ("channels", "height", "width")]
        assert "64×48 → 64×48 → 32×24" in page.locator("body").inner_text()  # the linked table, computed
        screenshot(page, f"layer_chain-{lang}-1280x720")
        results = page.locator("[data-testid='stDataFrame']").nth(1)
        results.scroll_into_view_if_needed()
        results.screenshot(path=str(ARTIFACTS / f"layer_chain-{lang}-results-1280x720.png"))
        assert tables_fit(page) == []
        assert page.evaluate(CUT_LABELS) == []
        assert error_elements(page) == []
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_architectures_link_opens_the_edited_network_and_nothing_cut_off(browser, streamlit_url, lang):
    page = open_small(browser, streamlit_url, lesson(ArchSettings, lang))
    try:
        assert [number_value(page, f"arch.{k}") for k in ("channels", "height", "width")] == ["1", "64", "48"]
        assert page.locator(".st-key-arch-edit input").is_checked()
        selected = page.locator("[role='tab'][aria-selected='true']").first  # (the code panel below has tabs too)
        assert selected.inner_text().strip() == t("arch.compare.bottleneck.tab", lang)  # the linked tab is open
        page.get_by_role("tab", name=t("arch.compare.grouping.tab", lang)).click()
        page.wait_for_function("() => location.search.includes('compare=grouping')", timeout=30_000)
        # only the open tab is drawn: the one just opened gets its text from that rerun
        page.locator("[data-testid='stMarkdownContainer']", has_text="60,965,224").wait_for(timeout=30_000)
        assert page.locator("[data-testid='stDataFrame']").count() >= 2  # the editor and its results
        screenshot(page, f"architectures-{lang}-1280x720")
        results = page.locator("[data-testid='stDataFrame']").nth(1)
        results.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"architectures-{lang}-results-1280x720.png"))
        assert tables_fit(page) == []
        assert page.evaluate(CUT_LABELS) == []
        assert error_elements(page) == []
    finally:
        page.close()


@pytest.mark.parametrize("path", ["layer_chain?lang=ko", "architectures?lang=ko&preset=resnet50&channels=3&height=224"
                                                        "&width=224&view=blocks", "architectures?lang=en"])
def test_the_default_tables_fit_at_1280(browser, streamlit_url, path):
    page = open_small(browser, streamlit_url, path)
    try:
        name = path.replace("?", "-").replace("&", "-").replace("=", "")[:60]
        screenshot(page, f"{name}-1280x720")
        assert tables_fit(page) == []
        assert page.evaluate(CUT_LABELS) == []
        assert error_elements(page) == []
    finally:
        page.close()
