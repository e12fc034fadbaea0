"""Bytes over the wire for a student: a first visit of the convolution page, then one change of a control.

Chromium (empty cache) talks to the server through a byte-counting TCP relay, so the figures are what crosses
the network: HTTP headers and bodies as sent (gzip or not) and websocket frames as sent (compressed or not).
Measured three ways in one run: straight to `streamlit run` (the reference), through the deployment's nginx
(gzip for JS/CSS), and through nginx with ``server.enableWebsocketCompression``.
Targets (issue 15): first visit ≤ 2.5 MB through nginx, a change on the convolution page ≤ 50 KB.

    python bench/wire_bytes.py
"""
from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.classroom_load import Servers  # noqa: E402
from deploy.serve import free_port  # noqa: E402

FIRST_VISIT_MB, CHANGE_KB = 2.5, 50


class Relay:
    """A TCP relay on loopback that counts the bytes flowing to the browser (``down``) and from it (``up``)."""

    def __init__(self, target: str):
        parts = urlsplit(target)
        self.host, self.port = parts.hostname, parts.port
        self.listen = free_port()
        self.down = self.up = 0
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        ready.wait()

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", self.listen))
        ready.set()
        self.loop.run_until_complete(server.serve_forever())

    async def _client(self, reader, writer) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.port)

        async def pipe(src, dst, down: bool) -> None:
            try:
                while data := await src.read(65536):
                    if down:
                        self.down += len(data)
                    else:
                        self.up += len(data)
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer, False), pipe(up_reader, writer, True))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listen}"


def visit(url: str, relay: Relay, browser) -> tuple[int, int]:
    """(bytes to the browser for the first visit, for one change of the bias)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600})  # a fresh cache
    page = context.new_page()
    idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
    page.goto(f"{url}/convolution")
    page.wait_for_selector(".st-key-conv-bias", timeout=90_000)
    page.wait_for_timeout(2500)
    page.wait_for_selector(idle)
    first = relay.down
    page.locator(".st-key-conv-bias button").last.click()
    page.wait_for_timeout(1000)
    page.wait_for_selector(idle)
    page.wait_for_timeout(1000)
    change = relay.down - first
    context.close()
    return first, change


def main() -> None:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for name, replicas, compression in (("streamlit run, no proxy (reference)", 1, False),
                                            ("nginx (gzip), 2 replicas", 2, False),
                                            ("nginx (gzip) + websocket compression", 2, True)):
            servers = Servers(replicas, compression)
            try:
                relay = Relay(servers.base)
                rows.append((name, *visit(relay.url, relay, browser)))
            finally:
                servers.stop()
        browser.close()
    print("bytes over the wire to the browser, convolution page (Chromium, empty cache)")
    for name, first, change in rows:
        print(f"  {name:40s} first visit {first / 1e6:5.2f} MB, one change of the bias {change / 1024:6.1f} KB")
    _, first, change = rows[-1]
    print(f"  targets: first visit ≤ {FIRST_VISIT_MB} MB: {'MET' if first <= FIRST_VISIT_MB * 1e6 else 'NOT MET'}; "
          f"a change ≤ {CHANGE_KB} KB: {'MET' if change <= CHANGE_KB * 1024 else 'NOT MET'}")


if __name__ == "__main__":
    main()
