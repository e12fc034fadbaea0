"""Every page's sample lesson survives a real browser: opened from its link in a fresh tab, the page reads every
setting and writes the very same link back into the address bar, with no error on the page."""
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from ui.common.schema import write_link
from ui.schemas import SCHEMAS
from tests.conftest import error_elements, wait_idle

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", sorted(SCHEMAS))
def test_the_sample_lesson_link_round_trips_in_chromium(browser, streamlit_url, path):
    schema = SCHEMAS[path]
    link = write_link(schema.build(schema.SAMPLE))
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{streamlit_url}/{stem}?{urlencode(link)}", timeout=60_000)
        wait_idle(page)
        shown = {k: v[0] for k, v in parse_qs(urlparse(page.url).query, keep_blank_values=True).items()}
        assert shown == link  # nothing dropped, clamped or reset on the way through the page
        assert error_elements(page) == []
        assert page.get_by_text("Some settings in the link could not be used").count() == 0
    finally:
        page.close()
