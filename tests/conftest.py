"""Shared fixtures: AppTest helpers, and a real `streamlit run` + headless Chromium for browser tests."""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import re
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "screenshots"
SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist-test"
CHROMIUM = os.environ.get("CNNVIZ_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _full_error_details():
    """The app hides error details from students (.streamlit/config.toml); tests need to read them."""
    from streamlit import config

    config.set_option("client.showErrorDetails", "full")
    yield


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """Global Streamlit caches would leak between AppTest instances in one process."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def run_page(path: str, timeout: float = 60, query: dict | None = None, **state):
    """Run ``app.py`` switched to ``path`` (e.g. ``"ui/lessons/convolution.py"``) and return the AppTest.

    ``query``: the link's URL parameters; ``state``: session-state values set before the first run.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if path != "ui/lessons/home.py":
        at.switch_page(path).run()
    return at


def run_in_own_loop(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps an event loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def assert_no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def chart(at, key: str) -> dict:
    """The Plotly spec of the page's one chart with widget key ``key`` (numbers as Plotly receives them)."""
    found = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, f"no single chart with key {key!r}"
    return json.loads(found[0].proto.spec)


def plain(markdown: str) -> str:
    """A markdown element's text as read: HTML tags (the spans that keep a formula unbroken) taken out."""
    return re.sub(r"<[^>]+>", "", markdown)


def sent_to_player(component) -> dict:
    """What a player element (ui/common/player.py) was sent, decoded: it sends UTF-8 JSON bytes."""
    return json.loads(component.proto.bytes)


def player_data(at, key: str) -> dict:
    """What the player ``key`` (ui/common/player.py) was sent: its payload, step and speed."""
    found = [c for c in at.get("bidi_component") if c.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, f"no single player with key {key!r}"
    return sent_to_player(found[0])


def player_values(data: dict, grid: int) -> np.ndarray:
    """Grid ``grid`` of a player's payload as numbers (blank cells NaN), ``(H, W)``."""
    g = data["payload"]["grids"][grid]
    cells = [float(s.replace("−", "-")) if s else np.nan for s in g["text"]]
    return np.array(cells).reshape(g["h"], g["w"])


def predict_check(at, text: str):
    """Type ``text`` into a page's "Predict first" answer box (a text input or area) and press Check."""
    box = next(t for t in [*at.text_input, *at.text_area] if t.key and t.key.endswith(".answer"))
    box.input(text)
    next(b for b in at.button if b.label == "Check").click()
    return at.run()


def predict_question_fits(browser, url: str, path: str, keys: tuple[str, ...], name: str) -> None:
    """Open the lesson ``path`` (predict on) at 1280×720 in English and Korean: the question and the labels of the
    widgets ``keys`` are not cut off, and a screenshot ``<name>-<lang>`` is saved."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        for lang in ("en", "ko"):
            page.goto(f"{url}/{path}&lang={lang}", timeout=60_000)
            wait_idle(page)
            question = page.locator("h4").first
            assert question.is_visible() and error_elements(page) == []
            assert question.evaluate("e => e.scrollWidth <= e.clientWidth")  # the question is not cut off
            for key in keys:
                label = page.locator(f".st-key-{key.replace('.', '-')} p").first
                assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), (lang, key, label.text_content())
            question.scroll_into_view_if_needed()
            screenshot(page, f"{name}-{lang}")
    finally:
        page.close()


def heatmap_z(trace: dict) -> np.ndarray:
    """A heatmap trace's ``z`` as floats, blank cells (None) as NaN."""
    return np.array([[np.nan if v is None else v for v in row] for row in trace["z"]], dtype=float)


# ---------------------------------------------------------------- browser
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(log_name: str = "streamlit.log", script: str = "app.py"):
    """`streamlit run app.py` (or another ``script``) on a free loopback port, as a user would start it;
    yields its URL."""
    port = _free_port()
    (ROOT / "artifacts").mkdir(exist_ok=True)
    with open(ROOT / "artifacts" / log_name, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                try:
                    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    pass
                if time.time() > deadline or proc.poll() is not None:
                    pytest.fail(f"streamlit did not start; see artifacts/{log_name}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)


@pytest.fixture(scope="session")
def streamlit_url():
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (CI installs Debian's chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield b
        b.close()


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the Streamlit script has finished running (twice: the first load reruns once)."""
    idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
    page.wait_for_selector(idle, timeout=timeout)
    page.wait_for_timeout(1000)
    page.wait_for_selector(idle, timeout=timeout)
    page.wait_for_timeout(300)


@pytest.fixture
def open_page(browser, streamlit_url):
    """Open ``url_path`` in a fresh tab, tall enough that a screenshot shows the whole page."""
    pages = []

    def _open(url_path: str):
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        pages.append(page)
        page.goto(f"{streamlit_url}/{url_path}", timeout=60_000)
        wait_idle(page)
        return page

    yield _open
    for page in pages:
        page.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def error_elements(page) -> list[str]:
    """Texts of exception boxes, error alerts and Streamlit's "Page not found" dialog on the page."""
    found = page.locator("[data-testid='stException'], [data-testid='stAlertContentError'], [role='dialog']")
    return [found.nth(i).inner_text() for i in range(found.count())]
