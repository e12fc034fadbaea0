"""A shared lesson link works in a real browser, even as the very first visit to a fresh server."""
from pathlib import Path
from urllib.parse import urlencode

import pytest

from cnnviz.locales import t
from ui.common.menu import PAGES
from ui.common.schema import write_link
from ui.schemas import SCHEMAS
from tests.conftest import ROOT, error_elements, screenshot, streamlit_server, wait_idle

CONV = SCHEMAS["ui/lessons/convolution.py"]


def test_there_is_no_pages_folder_beside_app_py():
    # Streamlit would take it for its legacy multipage layout (see ui/common/menu.py)
    assert not (ROOT / "pages").exists()
    assert all(Path(p.path).parent.name == "lessons" and (ROOT / p.path).is_file() for p in PAGES)


def _conv_link() -> str:
    """The sample lesson with the animation shown (not hidden behind Predict first)."""
    return "convolution?" + urlencode(write_link(CONV.build(CONV.SAMPLE | {"predict": False})))


def _value(page, key: str) -> str:
    return page.locator(f".st-key-{key.replace('.', '-')} input, .st-key-{key.replace('.', '-')} textarea").first \
        .input_value()


@pytest.mark.browser
def test_a_lesson_link_opened_first_on_a_fresh_server_shows_the_senders_settings(browser):
    with streamlit_server("streamlit-fresh-link.log") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        try:
            page.goto(f"{url}/{_conv_link()}", timeout=60_000)
            wait_idle(page)
            nav = page.locator("[data-testid='stSidebarNav']").inner_text()
            assert all(t(p.title_id) in nav for p in PAGES), nav  # the app's menu, not file names
            assert page.get_by_text("Page not found").count() == 0
            assert _value(page, "conv.stride_w") == "3" and _value(page, "conv.pad_w") == "2"
            assert _value(page, "conv.input_text").splitlines()[0].split() == ["1", "2", "3", "4"]
            assert error_elements(page) == []
            # Reload keeps the state: the address bar is the lesson
            page.reload()
            wait_idle(page)
            assert _value(page, "conv.stride_w") == "3"
        finally:
            page.close()


@pytest.mark.browser
def test_changing_a_setting_writes_it_into_the_address_bar_and_a_new_tab_restores_it(browser, streamlit_url):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    other = None
    try:
        page.goto(f"{streamlit_url}/convolution", timeout=60_000)
        wait_idle(page)
        field = page.locator(".st-key-conv-stride_h input").last  # a rerun can leave a stale copy for a moment
        field.fill("2")
        field.press("Enter")
        page.wait_for_url("**stride_h=2**", timeout=60_000)  # the rerun writes the setting into the address
        wait_idle(page)
        other = browser.new_page(viewport={"width": 1280, "height": 720})
        other.goto(page.url, timeout=60_000)
        wait_idle(other)
        assert _value(other, "conv.stride_h") == "2"
    finally:
        page.close()
        if other:
            other.close()


@pytest.mark.browser
def test_a_garbage_link_shows_a_notice_and_the_defaults(browser, streamlit_url):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{streamlit_url}/convolution?stride_h=banana&pad_w=1e309&zz=1", timeout=60_000)
        wait_idle(page)
        assert error_elements(page) == []
        assert page.get_by_text("stride_h, pad_w").count() >= 1
        assert _value(page, "conv.stride_h") == "1"
    finally:
        page.close()


@pytest.mark.browser
def test_the_classroom_link_hides_the_controls_and_the_presenter_layout_puts_the_figure_on_screen(browser, streamlit_url):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{streamlit_url}/{_conv_link()}&hide=all&present=1", timeout=60_000)
        wait_idle(page)
        assert page.locator(".st-key-conv-stride_w").count() == 0
        assert page.locator("[data-testid='stSidebar'][aria-expanded='true']").count() == 0
        page.wait_for_selector(".player svg.board", timeout=90_000)  # the player draws once its script has loaded
        box = page.locator(".player svg.board").bounding_box()
        assert box is not None and box["y"] < 720 * 0.5, box  # the figure starts on the first screen
        equation = page.locator(".player .equation").bounding_box()
        assert equation["y"] + equation["height"] <= 720, equation  # and its equation is on it too
        screenshot(page, "lesson-presenter-1280x720")
        assert error_elements(page) == []
    finally:
        page.close()


@pytest.mark.browser
def test_korean_link_reads_in_korean(browser, streamlit_url):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{streamlit_url}/convolution?lang=ko", timeout=60_000)
        wait_idle(page)
        assert page.locator("h1").first.inner_text().strip() == t("nav.convolution.title", "ko")
        assert page.evaluate("document.documentElement.lang") == "ko"
        screenshot(page, "convolution-ko-1280x720")
    finally:
        page.close()
