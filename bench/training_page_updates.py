"""Live-training page: how often the learning curves redraw in a real browser while a run trains.

Target (issue 7): ≥ 2 chart updates per second. Reference, measured in the same run: a one-line
page whose fragment polls at the same 0.5 s (the best any polling page can do on this machine,
browser included). Both run under `streamlit run` and headless Chromium; the count is how many
times the loss curve's SVG path changes in ``--seconds``.

    python bench/training_page_updates.py [--seconds 8]
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = '''import time
import streamlit as st

@st.fragment(run_every=0.5)
def tick():
    st.markdown(f"<span id='probe'>{time.time():.3f}</span>", unsafe_allow_html=True)

tick()
'''
COUNT = """async ([selector, ms]) => {
    const seen = []; let last = null; const t0 = performance.now();
    while (performance.now() - t0 < ms) {
        const e = document.querySelector(selector);
        const v = e ? (e.getAttribute('d') || e.textContent) : null;
        if (v !== last) { seen.push(performance.now() - t0); last = v; }
        await new Promise(r => setTimeout(r, 20));
    }
    return seen.length; }"""


def serve(script: Path, cwd: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                            cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"{script} did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    ms = args.seconds * 1000
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "reference.py").write_text(REFERENCE)
        app, app_url = serve(ROOT / "app.py", ROOT)
        ref, ref_url = serve(Path(tmp) / "reference.py", Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(ref_url)
                page.wait_for_selector("#probe", timeout=60_000)
                reference = page.evaluate(COUNT, ["#probe", ms])

                page.goto(app_url)  # the root first: a fresh server then uses app.py's navigation
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
                page.goto(f"{app_url}/training")
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
                epochs = page.get_by_role("spinbutton", name="Epochs")
                epochs.fill("20")
                epochs.press("Enter")
                page.get_by_text("Batches of 1420").wait_for(timeout=30_000)
                page.get_by_role("button", name="Start").click()
                page.wait_for_timeout(2000)
                ours = page.evaluate(COUNT, [".st-key-train-curves .scatterlayer .trace path.js-line", ms])
                speed = page.locator("[data-testid='stMetricValue']").nth(3).inner_text()
                browser.close()
        finally:
            app.terminate()
            ref.terminate()
    s = args.seconds
    print(f"training page: {ours / s:.2f} curve updates/s while training ({speed} images/s)")
    print(f"reference 0.5 s fragment: {reference / s:.2f} updates/s")
    print(f"ratio: {ours / max(reference, 1):.2f}  (target: ≥ 2 updates/s)")


if __name__ == "__main__":
    main()
