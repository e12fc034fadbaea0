"""Timing shared by the bench scripts."""
from __future__ import annotations

import time


def best(fn, repeats: int) -> tuple[float, object]:
    """The fastest of ``repeats`` calls of ``fn`` in seconds, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result
