"""A shared link to any page works on a freshly started server, like a class's first visitor would use it."""
import pytest

from pages.catalogue import PAGES
from tests.conftest import error_elements, streamlit_server, wait_idle

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page_info", [p for p in PAGES if p.url in ("padding_stride", "pooling")], ids=lambda p: p.url)
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
