"""Server CPU per interactive rerun.

Default: for each interactive lesson, a protocol-level student (bench/st_client.py) moves one slider / number box
one step N times; prints ms of server CPU per rerun (from /proc) and the bytes over the wire per rerun, with
``server.enableWebsocketCompression`` off and on (the CPU that compression costs, the bytes it saves).
Target (issue 15): ≤ 15 ms of server CPU per interactive rerun.

``--gc``: the older comparison of ``runner.postScriptGC`` true / false, driving headless Chromium.

    python bench/rerun_cost.py [N] [--gc]
    python bench/rerun_cost.py [N] --page edges      # one lesson, compression off: while working on a page
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.classroom_load import cpu_seconds, rss_mb  # noqa: E402
from deploy.serve import free_port, wait_ok  # noqa: E402


def measure(gc_after_run: bool, reruns: int, browser) -> tuple[float, float, float]:
    """(ms of server CPU per rerun, server RSS in MB after warm-up, after the reruns)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--runner.postScriptGC", str(gc_after_run).lower()],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ok(f"http://127.0.0.1:{port}/_stcore/health")
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"http://127.0.0.1:{port}/convolution")
        idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
        page.wait_for_selector(".st-key-conv-bias", timeout=60_000)  # the player is SVG now, no Plotly buttons
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


def per_page(reruns: int, compression: bool, pages=None) -> dict[str, tuple[float, float, float]]:
    """Page → (ms of server CPU per rerun, KB over the wire per rerun, ms wall per rerun)."""
    import asyncio
    import random

    from bench.classroom_load import PAGES, Servers
    from bench.st_client import Student
    from bench.wire_bytes import Relay

    servers = Servers(1, compression)
    relay = Relay(servers.base)
    figures = {}

    async def run() -> None:
        for page in pages or PAGES:
            s, rng = Student(relay.url, page), random.Random(1)
            await s.open()
            for _ in range(5):  # warm up: caches filled, modules imported
                await s.nudge(rng)
            cpu0, down0, wall = servers.cpu(), relay.down, 0.0
            for _ in range(reruns):
                wall += (await s.nudge(rng))[1].seconds
            await asyncio.sleep(0.3)
            figures[page] = ((servers.cpu() - cpu0) / reruns * 1000, (relay.down - down0) / reruns / 1024,
                             wall / reruns * 1000)
            await s.close()
    try:
        asyncio.run(run())
    finally:
        servers.stop()
    return figures


def main() -> None:
    reruns = int(next((a for a in sys.argv[1:] if a.isdigit()), 30))
    if "--page" in sys.argv:
        page = sys.argv[sys.argv.index("--page") + 1]
        ms, kb, wall = per_page(reruns, False, [page])[page]
        print(f"{page}: {ms:.1f} ms of server CPU, {kb:.1f} KB, {wall:.0f} ms wall per rerun ({reruns} one-step moves, "
              f"load average {os.getloadavg()[0]:.2f})")
        return
    if "--gc" not in sys.argv:
        print(f"server CPU per interactive rerun ({reruns} one-step moves of a random control per page, "
              f"load average {os.getloadavg()[0]:.2f})")
        off, on = per_page(reruns, False), per_page(reruns, True)
        for page in off:
            print(f"  {page:15s} compression off: {off[page][0]:5.1f} ms CPU, {off[page][1]:5.1f} KB, "
                  f"{off[page][2]:4.0f} ms wall | on: {on[page][0]:5.1f} ms CPU, {on[page][1]:5.1f} KB")
        mean_off = sum(v[0] for v in off.values()) / len(off)
        mean_on = sum(v[0] for v in on.values()) / len(on)
        print(f"  mean: {mean_off:.1f} ms CPU per rerun without compression, {mean_on:.1f} ms with "
              f"(target ≤ 15 ms: {'MET' if mean_off <= 15 else 'NOT MET'}); bytes × "
              f"{sum(v[1] for v in on.values()) / sum(v[1] for v in off.values()):.2f} with compression")
        return
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
