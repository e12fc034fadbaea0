"""A class opening the lecturer's links at once on a freshly started server: every first visit opens its own
page with its controls, and nobody is told "Page not found" (protocol-level clients, bench/st_client.py)."""
from __future__ import annotations

import asyncio

from bench.st_client import Student, key_of
from tests.conftest import run_in_own_loop, streamlit_server

PAGES = ("convolution", "pooling", "padding_stride", "edges", "architectures", "volumes", "transposed", "training")
CONTROL = {"convolution": "conv.bias", "pooling": "pool.size", "padding_stride": "padstride.size_h",
           "edges": "edges.threshold", "architectures": "arch.preset", "volumes": "volumes.size",
           "transposed": "transposed.size", "training": "train.epochs"}


async def _first_visits(url: str, count: int) -> list[Student]:
    students = [Student(url, PAGES[i % len(PAGES)]) for i in range(count)]
    await asyncio.gather(*(s.open() for s in students))  # all at once, before any run has finished
    for s in students:
        await s.close()
    return students


def test_a_burst_of_first_visits_to_a_fresh_server_opens_each_page_without_page_not_found():
    with streamlit_server("streamlit-first-visits.log") as url:
        students = run_in_own_loop(_first_visits(url, 24))
    assert [s.page for s in students if s.not_found] == []
    for s in students:
        keys = {key_of(w) for w in s.kinds}
        assert CONTROL[s.page] in keys, (s.page, sorted(keys)[:8])
