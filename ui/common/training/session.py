"""A browser tab's training: one job at a time, stopped when the tab closes."""
from __future__ import annotations

import threading

from .job import TrainingJob


class TrainingSession:
    """A browser session's training: at most one job at a time; replacing it stops the old one.

    ``tag`` is whatever the caller wants to remember about how the job was made (e.g. page settings).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._job: TrainingJob | None = None
        self.tag = None

    @property
    def job(self) -> TrainingJob | None:
        return self._job

    def replace(self, job: TrainingJob | None, tag=None) -> TrainingJob | None:
        with self._lock:
            old, self._job, self.tag = self._job, job, tag
        if old is not None and old is not job:
            old.stop()
        return job

    def stop(self) -> None:
        """The session ended (tab closed): stop its run and free its slot."""
        self.replace(None)
