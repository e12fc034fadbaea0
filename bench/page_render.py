"""Server time of each page's default render, measured with Streamlit's AppTest.

Each page is run several times in a fresh AppTest (caches cleared, so the first run does all the
work) and the median and worst times are printed, next to the time of running the empty home page
(the fixed cost of a rerun). Target for the convolution page: < 300 ms.

    python bench/page_render.py [repeats]
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ui.common.menu import PAGES  # noqa: E402


def render_seconds(path: str) -> float:
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    start = time.perf_counter()
    if path != "ui/lessons/home.py":
        at.switch_page(path).run()
    else:
        at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{path}: {at.exception[0].value}")
    return elapsed


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"default render, server time (AppTest, {repeats} runs each, cold caches)")
    for page in PAGES:
        times = [render_seconds(page.path) for _ in range(repeats)]
        median, worst = statistics.median(times) * 1000, max(times) * 1000
        print(f"  {page.title:<34} median {median:7.0f} ms   worst {worst:7.0f} ms")


if __name__ == "__main__":
    main()
