"""A shared link to any page works on a freshly started server, like a class's first visitor would use it."""
from pathlib import Path

import pytest

from pages.common.menu import PAGES
from tests.conftest import ROOT, error_elements, streamlit_server, wait_idle


@pytest.mark.parametrize("page_info", PAGES, ids=lambda p: p.url or "home")
def test_every_page_hands_over_to_the_app_when_streamlit_runs_it_directly(page_info):
    # On a fresh server Streamlit runs a page file on its own; run_inside_app() must come first
    source = Path(ROOT / page_info.path).read_text()
    assert "\nrun_inside_app()\n" in source
    assert source.index("\nrun_inside_app()\n") < source.index("\nst.", source.index("\nrun_inside_app()\n"))


@pytest.mark.browser
@pytest.mark.parametrize("page_info", [p for p in PAGES if p.url in ("padding_stride", "training")], ids=lambda p: p.url)
def test_first_visit_to_a_page_url_on_a_fresh_server_shows_the_apps_menu(browser, page_info):
    with streamlit_server(f"streamlit-fresh-{page_info.url}.log") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        try:
            page.goto(f"{url}/{page_info.url}", timeout=60_000)
            wait_idle(page)
            nav = page.locator("[data-testid='stSidebarNav']").inner_text()
            assert all(p.title in nav for p in PAGES), nav  # the app's menu, not file names
            assert "catalogue" not in nav
            assert page.get_by_text("Page not found").count() == 0
            assert page.locator("h1").first.inner_text().strip()
            assert error_elements(page) == []
        finally:
            page.close()
