"""Every page in a real headless Chromium: it loads, shows no error, and leaves a screenshot."""
import pytest

from ui.common.menu import PAGES
from tests.conftest import error_elements, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page_info", PAGES, ids=lambda p: p.url or "home")
def test_page_loads_without_errors_in_chromium(open_page, page_info):
    page = open_page(page_info.url)
    page.wait_for_selector("h1", timeout=30_000)
    screenshot(page, page_info.url or "home")
    assert error_elements(page) == []
    assert page.locator("h1").first.inner_text().strip()
