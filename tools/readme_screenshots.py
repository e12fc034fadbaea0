"""Take README's screenshots: the convolution lesson at step 9 in presenter layout, in English and Korean.

    python tools/readme_screenshots.py        # needs Debian's chromium and the playwright package
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.conftest import CHROMIUM, streamlit_server, wait_idle  # noqa: E402

LESSON = "convolution?pad_h=1&pad_w=1&step=9&present=1"


def main() -> None:
    with streamlit_server("streamlit-readme.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                     "--disable-background-networking"])
        for lang in ("en", "ko"):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/{LESSON}&lang={lang}", timeout=60_000)
            wait_idle(page)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ROOT / "docs" / f"screenshot-{lang}.png"))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
