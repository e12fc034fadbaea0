"""The volumes and transposed-convolution lesson links in Chromium at 1280×720, in English and Korean: the
settings arrive, no label is cut off, the transposed panel titles sit centred over their grids."""
from urllib.parse import urlencode

import pytest

from cnnviz.locales import t
from ui.common.schema import write_link
from ui.schemas import SCHEMAS
from tests.conftest import error_elements, screenshot, wait_idle

pytestmark = pytest.mark.browser
VOLUMES = SCHEMAS["ui/lessons/volumes.py"]
TRANSPOSED = SCHEMAS["ui/lessons/transposed.py"]

# texts in labels, option labels, buttons and tabs whose box is narrower than the text (cut or ellipsised)
CUT_TEXTS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stWidgetLabel"] *, [data-testid="stMain"] label *, '
    + '[data-testid="stMain"] button *, [data-testid="stMain"] [role="tab"] *')]
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && e.textContent.trim())
  .map(e => e.textContent.trim())"""


def _open(browser, url: str, path: str, lang: str):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{url}/{path}&lang={lang}", timeout=60_000)
    wait_idle(page)
    return page


def _screenshot_whole_page(page, name: str) -> None:
    """At the same width, tall enough to show the figures below the first screen."""
    page.set_viewport_size({"width": 1280, "height": 2600})
    page.wait_for_timeout(1500)
    screenshot(page, name)


def _link(schema, page: str) -> str:
    """The schema's sample lesson, answers shown (predict first has its own tests)."""
    return f"{page}?{urlencode(write_link(schema.build({**schema.SAMPLE, 'predict': False})))}"


def _slider(page, key: str) -> str:
    return page.locator(f".st-key-{key.replace('.', '-')} input[type='range']").first.input_value()


def _number(page, key: str) -> str:
    return page.locator(f".st-key-{key.replace('.', '-')} input").first.input_value()


def _checked(page, key: str) -> str:
    return page.locator(f".st-key-{key.replace('.', '-')} label:has(input:checked)").first.inner_text().strip()


@pytest.mark.parametrize("lang, picture", [("en", "RGB picture 0…255"), ("ko", "RGB 그림 0…255")])
def test_the_volumes_lesson_link_arrives_and_no_label_is_cut(browser, streamlit_url, lang, picture):
    page = _open(browser, streamlit_url, _link(VOLUMES, "volumes"), lang)
    try:
        assert _checked(page, "volumes.source") == picture
        assert _slider(page, "volumes.size") == "6" and _slider(page, "volumes.kernel") == "2"
        assert _number(page, "volumes.seed") == "7" and _number(page, "volumes.bn_in") == "192"
        assert _slider(page, "volumes.slope") == "0.2"
        assert page.evaluate(CUT_TEXTS) == []
        player = page.locator(".player")
        player.scroll_into_view_if_needed()
        assert player.get_attribute("data-step") == "5"  # the lesson's step arrived in the player
        status = page.locator(".player .status")
        assert status.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # "Step 5 of …" not cut
        assert error_elements(page) == []
        _screenshot_whole_page(page, f"volumes-link-{lang}")
    finally:
        page.close()


ANNOTATIONS = """key => [...document.querySelectorAll('.st-key-' + key + ' g.annotation')].map(a => {
  const r = a.getBoundingClientRect();
  return {text: a.textContent.replace(/\\s/g, ''), mid: r.x + r.width / 2, height: r.height};
})"""
GRIDS = """key => ['xy', 'x2y2', 'x3y3'].map(name => {
  const r = document.querySelector('.st-key-' + key + ' .subplot.' + name + ' .heatmaplayer image').getBoundingClientRect();
  return r.x + r.width / 2;
})"""


def _titles(page, key: str, words: list[str]) -> list[dict]:
    """The title annotation of each grid (its text starts with the panel's word), left to right."""
    found = page.evaluate(ANNOTATIONS, key)
    return [next(a for a in found if a["text"].startswith(w.replace(" ", ""))) for w in words]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_transposed_lesson_link_arrives_with_centred_two_line_titles(browser, streamlit_url, lang):
    link = _link(TRANSPOSED, "transposed").replace("view=scatter", "view=direct").replace("&view=direct", "")
    page = _open(browser, streamlit_url, link, lang)
    try:
        assert _slider(page, "transposed.size") == "3" and _slider(page, "transposed.dilation") == "2"
        assert _slider(page, "transposed.output_padding") == "1" and _number(page, "transposed.seed") == "5"
        assert page.evaluate(CUT_TEXTS) == []
        page.wait_for_selector(".st-key-transposed-direct .heatmaplayer image", timeout=30_000)
        words = [t(f"transposed.fig.{w}", lang) for w in ("stretched", "rotated", "output")]
        titles = _titles(page, "transposed-direct", words)
        for title, mid in zip(titles, page.evaluate(GRIDS, "transposed-direct")):
            assert abs(title["mid"] - mid) < 6, title  # centred over its grid
            assert title["height"] < 3 * 22, title  # one or two lines of ~23 px, never three
        assert error_elements(page) == []
        _screenshot_whole_page(page, f"transposed-link-{lang}")
    finally:
        page.close()


def test_the_transposed_link_opens_on_the_view_it_names(browser, streamlit_url):
    page = _open(browser, streamlit_url, _link(TRANSPOSED, "transposed"), "ko")
    try:
        assert page.locator("[role='tab'][aria-selected='true']").first.inner_text().startswith("도장 찍기")  # (the code panel has tabs too)
        page.wait_for_selector(".player[data-step='3']", timeout=30_000)  # the lesson's stamp, in the player
        assert page.evaluate(CUT_TEXTS) == []
        _screenshot_whole_page(page, "transposed-link-scatter-ko")
    finally:
        page.close()


def test_settings_changed_inside_the_volumes_fragments_reach_the_link_and_survive_a_reload(browser, streamlit_url):
    page = _open(browser, streamlit_url, "volumes?", "en")
    try:
        page.locator(".st-key-volumes-activation label:has-text('tanh')").click()
        wait_idle(page)
        page.locator(".st-key-volumes-bn_bias label").click()
        wait_idle(page)
        assert "activation=tanh" in page.url and "bn_bias=1" in page.url
        page.reload()
        wait_idle(page)
        assert _checked(page, "volumes.activation") == "tanh"
        assert page.locator(".st-key-volumes-bn_bias input").is_checked()
        assert error_elements(page) == []
    finally:
        page.close()
