"""A class opening the lecturer's links at once on a freshly started server: every first visit opens its own
page with its controls, without an error and without "Page not found" (protocol-level clients, bench/st_client.py).

Both went wrong before: with a pages/ folder beside app.py, every first visit of a burst was told "Page not found"
(ui/common/menu.py); and two first runs importing a package and one of its modules in opposite orders deadlocked
in Python's import locks, so one student got a page without its lesson (ui/preload.py)."""
from __future__ import annotations

import asyncio

from bench.st_client import Student, key_of
from tests.conftest import run_in_own_loop, streamlit_server
from ui.common.menu import PAGES

URLS = [p.url for p in PAGES]
CONTROL = {"convolution": "conv.bias", "pooling": "pool.size", "padding_stride": "padstride.size_h",
           "edges": "edges.threshold", "architectures": "arch.preset", "volumes": "volumes.size",
           "transposed": "transposed.size", "training": "train.epochs", "conv_backprop": "backprop.stride",
           "why_convolutions": "why.height", "dense_as_conv": "fcn.channels", "layer_chain": "chain.preset"}


async def _first_visits(url: str, count: int) -> list[tuple[Student, list[str]]]:
    students = [Student(url, URLS[i % len(URLS)]) for i in range(count)]
    runs = await asyncio.gather(*(s.open() for s in students))  # all at once, before any run has finished
    for s in students:
        await s.close()
    return [(s, run.texts) for s, run in zip(students, runs)]


def test_a_burst_of_first_visits_to_a_fresh_server_opens_every_page_whole():
    with streamlit_server("streamlit-first-visits.log") as url:
        visits = run_in_own_loop(_first_visits(url, 2 * len(URLS)))
    assert [s.page for s, _ in visits if s.not_found] == []
    assert [(s.page, t) for s, texts in visits for t in texts if t.startswith("exception")] == []
    for s, _ in visits:
        if s.page in CONTROL:
            assert CONTROL[s.page] in {key_of(w) for w in s.kinds}, (s.page, sorted(key_of(w) for w in s.kinds))
