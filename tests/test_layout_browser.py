"""Every page at projector size (1280×720), in English and Korean: no label, button or table cell cut off."""
import pytest

from cnnviz.locales import LANGUAGES
from ui.common.menu import PAGES
from tests.conftest import error_elements, screenshot, wait_idle

pytestmark = pytest.mark.browser

# Elements whose text Streamlit cuts with an ellipsis (or hides) when it does not fit.
CUT = """() => {
  // Any visible text whose box (or a clipping ancestor's, up to three levels up) is narrower than the text.
  const cut = new Set();
  const walker = document.createTreeWalker(document.querySelector("[data-testid='stApp']"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    let el = node.parentElement;
    if (!text || !el || !el.offsetParent || el.closest("svg, .stPlotlyChart, [data-testid='stCode'], textarea")
        || el.getBoundingClientRect().width < 2)  // visually hidden (the "skip to content" link)
      continue;
    for (let up = 0; el && up < 4; up++, el = el.parentElement) {
      const style = getComputedStyle(el);
      const clips = style.textOverflow === "ellipsis" || ["hidden", "clip"].includes(style.overflowX);
      if (clips && el.scrollWidth > el.clientWidth + 1) { cut.add(text.slice(0, 60)); break; }
    }
  }
  return [...cut];
}"""


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("page_info", PAGES, ids=lambda p: p.url or "home")
def test_no_text_is_cut_off_at_1280x720(browser, streamlit_url, page_info, lang):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{streamlit_url}/{page_info.url}?lang={lang}", timeout=60_000)
        wait_idle(page)
        screenshot(page, f"layout-{page_info.url or 'home'}-{lang}-1280x720")
        assert error_elements(page) == []
        assert page.evaluate(CUT) == []
    finally:
        page.close()
