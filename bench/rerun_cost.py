"""Server CPU per rerun with and without Streamlit's post-run garbage collection.

Starts `streamlit run app.py` twice (runner.postScriptGC true / false), opens the convolution page
in headless Chromium, triggers N reruns by changing a widget, and reads the server process's CPU
time from /proc. Prints ms of server CPU per rerun for each setting and their ratio.

    python bench/rerun_cost.py [N]
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def rss_mb(pid: int) -> float:
    line = next(ln for ln in Path(f"/proc/{pid}/status").read_text().splitlines() if ln.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(gc_after_run: bool, reruns: int, browser) -> tuple[float, float, float]:
    """(ms of server CPU per rerun, server RSS in MB after warm-up, after the reruns)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--runner.postScriptGC", str(gc_after_run).lower()],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"http://127.0.0.1:{port}/convolution")
        idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
        page.wait_for_selector(".updatemenu-button", timeout=60_000)
        bias = page.locator(".st-key-conv-bias button").last  # the "+" of the bias input
        for _ in range(3):  # warm up
            bias.click()
            page.wait_for_timeout(200)
            page.wait_for_selector(idle)
        before, rss_before = cpu_seconds(proc.pid), rss_mb(proc.pid)
        for _ in range(reruns):
            bias.click()
            page.wait_for_timeout(150)
            page.wait_for_selector(idle)
        page.wait_for_timeout(500)
        used = cpu_seconds(proc.pid) - before
        page.close()
        return used / reruns * 1000, rss_before, rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    reruns = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        with_gc = measure(True, reruns, browser)
        without_gc = measure(False, reruns, browser)
        browser.close()
    print(f"server CPU per rerun of the convolution page ({reruns} reruns), and server memory (RSS)")
    for name, (ms, rss0, rss1) in (("true ", with_gc), ("false", without_gc)):
        print(f"  postScriptGC = {name}: {ms:6.1f} ms per rerun, RSS {rss0:5.0f} MB → {rss1:5.0f} MB")
    print(f"  CPU ratio true/false: {with_gc[0] / without_gc[0]:.2f}")


if __name__ == "__main__":
    main()
