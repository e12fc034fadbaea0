"""The server-wide cap on simultaneous training runs, and the fair queue in front of it."""
from __future__ import annotations

import os
import threading
from collections import deque

MAX_RUNS_ENV = "CNNVIZ_MAX_TRAINING_RUNS"
DEFAULT_MAX_RUNS = 2


def max_training_runs(environ=os.environ) -> int:
    """The server-wide cap on simultaneous runs: ``$CNNVIZ_MAX_TRAINING_RUNS``, default 2."""
    raw = environ.get(MAX_RUNS_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_RUNS
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{MAX_RUNS_ENV} must be a whole number of runs, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"{MAX_RUNS_ENV} must be at least 1, got {value}")
    return value


class SlotManager:
    """At most ``limit`` holders at once; the others queue, first come first served.

    Like a ``BoundedSemaphore``, but fair, and it can tell a waiter its place in the queue.
    """

    def __init__(self, limit: int = DEFAULT_MAX_RUNS):
        if int(limit) < 1:
            raise ValueError(f"the number of training slots must be at least 1, got {limit}")
        self.limit = int(limit)
        self._cond = threading.Condition()
        self._holders: set[object] = set()
        self._queue: deque[object] = deque()

    def acquire(self, owner: object, timeout: float | None = None) -> bool:
        """Queue ``owner`` (if not queued yet) and wait up to ``timeout`` s for a slot. True once held.

        A timed-out owner keeps its place in the queue; call :meth:`leave` to give it up.
        """
        with self._cond:
            if owner in self._holders:
                return True
            if owner not in self._queue:
                self._queue.append(owner)
            if not self._cond.wait_for(lambda: self._queue[0] is owner and len(self._holders) < self.limit,
                                       timeout):
                return False
            self._queue.popleft()
            self._holders.add(owner)
            self._cond.notify_all()
            return True

    def leave(self, owner: object) -> None:
        """Give up a held slot or a place in the queue (no-op if neither)."""
        with self._cond:
            self._holders.discard(owner)
            if owner in self._queue:
                self._queue.remove(owner)
            self._cond.notify_all()

    def position(self, owner: object) -> int | None:
        """1 for the first in the queue, 2 for the next, …; None when not queued."""
        with self._cond:
            return self._queue.index(owner) + 1 if owner in self._queue else None

    @property
    def in_use(self) -> int:
        with self._cond:
            return len(self._holders)
