"""A training run that lives outside any page script: a child process drives ``cnnviz.nn.train``.

A worker thread of the server loads the data (a download, say), waits for a slot, then hands the run to
the job's training process (child.py) and receives what it sends back — per-batch records, held-out checks,
model snapshots — writing them into the job under a lock. The worker never touches the UI; a page reads
:meth:`TrainingJob.status` (a frozen snapshot) a few times per second and draws it. Controls — start, pause,
resume, stop, reset — act at batch boundaries. A server-wide :class:`SlotManager` caps how many runs train
at once; a job over the cap waits, first come first served.

The model being trained is never handed out: pages get :meth:`TrainingJob.model_snapshot`, a copy
taken between batches, so drawing filters or classifying a user's digit never disturbs training.
"""
from __future__ import annotations

import copy
import math
import threading
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from cnnviz import nn
from cnnviz.nn.training import held_out_sample

from .child import TrainingProcess
from .slots import SlotManager

POLL_S = 0.1  # how often a waiting worker re-checks its pause/stop flags
MIN_EVAL_EVERY = 25  # batches: held-out checks cost a forward pass over the sample, so not more often
WORKER_NICENESS = 10  # training processes yield the cores to interactive sessions (bench/training_priority.py)

READY, LOADING, WAITING, RUNNING, PAUSED, FINISHED, STOPPED, FAILED = (
    "ready", "loading", "waiting", "running", "paused", "finished", "stopped", "failed")
ACTIVE = (LOADING, WAITING, RUNNING)  # states in which a worker thread is alive (and, running, its process trains)


@dataclass(frozen=True)
class Dataset:
    """Training images and a held-out test split, uint8 ``(N, 28, 28)`` with uint8 labels ``(N,)``."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str  # which data this is, for the page to say (e.g. "bundled", "cache", "download")

    @classmethod
    def from_mnist(cls, train, test) -> "Dataset":
        """From two :class:`cnnviz.mnist.MnistData` splits."""
        return cls(train.images, train.labels, test.images, test.labels, train.source)


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that decides a run. Same config → same initial weights → same run."""

    variant: str = "lenet5_mnist"  # a network name, see cnnviz.nn.build (e.g. "lenet5_mnist+bn", "mlp")
    epochs: int = 2
    batch_size: int = 64
    optimizer: str = "adam"
    lr: float = 3e-3
    seed: int = 0
    eval_every: int | None = None  # batches between held-out checks; None: about 8 per epoch, ≥ 25 apart
    eval_size: int = 1000  # images in the fixed held-out sample (fewer if the test split is smaller)

    def __post_init__(self):
        for name in ("eval_every", "eval_size"):
            if getattr(self, name) is not None and int(getattr(self, name)) < 1:
                raise ValueError(f"{name.replace('_', ' ')} must be at least 1, got {getattr(self, name)}")


@dataclass(frozen=True)
class Checkpoint:
    """The model on the held-out sample after ``step`` batches (accuracy, per class, confusion, …)."""

    step: int
    result: nn.Evaluation


@dataclass(frozen=True)
class JobStatus:
    """What a page needs to draw a run, copied out under the job's lock."""

    state: str
    step: int  # batches done
    total_steps: int | None  # batches in the whole run (None until the data is loaded)
    epoch: int  # current epoch, 1-based (0 before the first batch)
    epochs: int
    steps: np.ndarray  # (S,) step numbers of the per-batch records
    loss: np.ndarray  # (S,) training loss of each batch
    running_loss: np.ndarray  # (S,) its exponential average (nn.train's running_loss)
    accuracy: np.ndarray  # (S,) running training accuracy, fraction
    eval_steps: np.ndarray  # (E,) steps at which the held-out sample was evaluated
    eval_accuracy: np.ndarray  # (E,) held-out accuracy, fraction
    images_per_s: float | None  # training speed so far (None before the first batch)
    eta_s: float | None  # seconds of training left at that speed
    load_progress: float | None  # 0…1 while the data loads (downloads), else None
    queue_position: int | None  # while waiting for a slot
    error: str | None  # message when state == "failed"
    snapshot_version: int  # increases whenever model_snapshot() would return a newer model
    from_file: bool  # the run started from loaded weights, not from the seed's initial weights

    @property
    def busy(self) -> bool:
        """A worker is alive (loading, waiting for a slot or training)."""
        return self.state in ACTIVE

    @property
    def fraction_done(self) -> float:
        return 0.0 if not self.total_steps else min(1.0, self.step / self.total_steps)


@dataclass
class _History:
    steps: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    running_loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    eval_steps: list = field(default_factory=list)
    eval_accuracy: list = field(default_factory=list)


class TrainingJob:
    """One training run on ``data``: a :class:`Dataset`, or ``load_data(progress)`` returning one, which
    the worker calls first (a download, say) while ``progress(fraction)`` reports 0…1.

    Thread-safe: any thread may call the control methods; the training process does the training.
    """

    def __init__(self, config: TrainingConfig, data: Dataset | Callable[[Callable[[float], None]], Dataset],
                 slots: SlotManager):
        self.config = config
        self._load_data = data
        self._slots = slots
        self._lock = threading.RLock()  # guards every attribute the worker writes
        self._control = threading.Lock()  # serialises start/pause/resume/stop/reset
        self._thread: threading.Thread | None = None
        self._halt = threading.Event()  # ask the worker to leave at the next batch boundary
        self._halt_state = PAUSED
        self._budget: int | None = None  # batches to train before pausing by itself (None: no limit)
        self._delay = 0.0
        self._child: TrainingProcess | None = None  # alive from the first batch to the end of the run
        self._data: Dataset | None = None
        self._sample: tuple[np.ndarray, np.ndarray] | None = None
        if isinstance(data, Dataset):
            self._use_data(data)
        self._new_run()

    # ------------------------------------------------------------------ controls
    def start(self, batches: int | None = None) -> None:
        """Begin (from ready) or continue (from paused); with ``batches``, pause again after that many.
        No-op while a worker is alive or after the end."""
        with self._control:
            with self._lock:
                if self._state not in (READY, PAUSED):
                    return
                self._halt = threading.Event()  # each worker has its own: a late old one can't resume
                self._halt_state = PAUSED
                self._budget = batches
                self._state = LOADING if self._data is None else WAITING
                self._thread = threading.Thread(target=self._work, args=(self._halt,), name="cnnviz-training",
                                                daemon=True)
                self._thread.start()

    resume = start

    def step(self) -> None:
        """Train exactly one batch, then pause (see :meth:`last_batch` for what it did)."""
        self.start(batches=1)

    def set_delay(self, seconds: float) -> None:
        """Wait ``seconds`` after every batch (0: as fast as possible) — a pace a lecturer can narrate.
        Takes effect at the next batch; a pause still comes within one batch, the wait is cut short."""
        with self._lock:
            delay, self._delay = self._delay, max(float(seconds), 0.0)
            if self._child is not None and self._delay != delay:
                self._child.send("delay", self._delay)

    def pause(self, timeout: float = 5.0) -> None:
        """Stop at the next batch boundary, keeping the model and the data; resume continues."""
        self._halt_worker(PAUSED, timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """End the run for good (the tab closed, or the user left). The slot is freed."""
        self._halt_worker(STOPPED, timeout)
        with self._control, self._lock:
            if self._state in (READY, PAUSED):
                self._state = STOPPED
                self._end_child()

    def reset(self, config: TrainingConfig | None = None, timeout: float = 5.0) -> None:
        """Stop, then start over from the initial weights of ``config`` (default: the same config)."""
        self._halt_worker(STOPPED, timeout)
        with self._control, self._lock:
            if config is not None:
                self.config = config
                if self._data is not None:
                    self._use_data(self._data)
            self._thread = None
            self._new_run()

    def load_model(self, model: nn.Model, timeout: float = 5.0) -> None:
        """Stop, then start over from ``model``'s weights (say, loaded from a file), ready to inspect or
        to train further. The job's variant becomes the model's; :meth:`reset` returns to the seed's weights."""
        self._halt_worker(STOPPED, timeout)
        with self._control, self._lock:
            self.config = replace(self.config, variant=model.variant)
            self._thread = None
            self._new_run(model)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the worker to leave (the run finished, paused, stopped or failed)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    # ------------------------------------------------------------------ reading
    def status(self) -> JobStatus:
        with self._lock:
            h, last = self._history, self._last
            return JobStatus(
                state=self._state, step=self._step, total_steps=self._total_steps, epoch=self._epoch,
                epochs=self.config.epochs, steps=np.array(h.steps, np.int64), loss=np.array(h.loss, float),
                running_loss=np.array(h.running_loss, float),
                accuracy=np.array(h.accuracy, float), eval_steps=np.array(h.eval_steps, np.int64),
                eval_accuracy=np.array(h.eval_accuracy, float),
                images_per_s=last.images_per_s if last else None, eta_s=last.eta_s if last else None,
                load_progress=self._load_progress if self._state == LOADING else None,
                queue_position=self._slots.position(self._halt) if self._state == WAITING else None,
                error=self._error, snapshot_version=self._snapshot_version, from_file=self._from_file)

    def last_batch(self) -> nn.Progress | None:
        """The record of the most recent batch — its images, labels, answers and loss (None before one)."""
        with self._lock:
            return self._last

    def model_snapshot(self):
        """``(version, model)``: a copy of the model between two batches, safe to use from any thread.

        Treat it as read-only; the same object comes back until the version changes.
        """
        with self._lock:
            return self._snapshot_version, self._snapshot

    def held_out(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The fixed held-out sample ``(images, labels)`` that the test accuracy is measured on."""
        with self._lock:
            return self._sample

    @property
    def latest_checkpoint(self) -> Checkpoint | None:
        """The most recent evaluation on the held-out sample (None before the run starts)."""
        with self._lock:
            return self._checkpoint

    # ------------------------------------------------------------------ internals
    def _new_run(self, model: nn.Model | None = None) -> None:
        c = self.config
        self._end_child()
        self._model = model.copy() if model is not None else nn.build(c.variant, seed=c.seed)  # the initial weights
        self._from_file = model is not None
        self._state = READY
        self._step = 0
        self._epoch = 0
        self._last: nn.Progress | None = None
        self._load_progress = 0.0
        self._error = None
        self._history = _History()
        self._checkpoint: Checkpoint | None = None
        self._total_steps = None if self._data is None else self._count_steps(self._data)
        if self._data is not None:  # invalid settings raise here, in the caller (nn.train checks them at once)
            nn.train(self._model, self._data.train_images, self._data.train_labels, **self._train_args())
        self._take_snapshot()

    def _train_args(self) -> dict:
        c = self.config
        return dict(epochs=c.epochs, batch_size=c.batch_size, optimizer=c.optimizer, lr=c.lr, seed=c.seed)

    def _end_child(self) -> None:
        """End the training process, if any (a worker blocked on it wakes up and leaves)."""
        if self._child is not None:
            self._child.close()
            self._child = None

    def _count_steps(self, data: Dataset) -> int:
        return self.config.epochs * self._steps_per_epoch(data)

    def _steps_per_epoch(self, data: Dataset) -> int:
        return math.ceil(len(data.train_labels) / self.config.batch_size)

    def _use_data(self, data: Dataset) -> None:
        with self._lock:
            self._data = data
            self._sample = held_out_sample(data.test_images, data.test_labels, self.config.eval_size)
            self._total_steps = self._count_steps(data)
            self._eval_every = self.config.eval_every or max(MIN_EVAL_EVERY, self._steps_per_epoch(data) // 8)

    def _take_snapshot(self) -> None:
        self._set_snapshot(copy.deepcopy(self._model))

    def _set_snapshot(self, model: nn.Model) -> None:
        with self._lock:
            self._snapshot = model
            self._snapshot_version = getattr(self, "_snapshot_version", -1) + 1

    def _halt_worker(self, final_state: str, timeout: float) -> None:
        with self._control:
            with self._lock:
                thread = self._thread
                if thread is None or not thread.is_alive():
                    return
                self._halt_state = final_state
                self._halt.set()
                if self._child is not None:
                    self._child.send("halt")  # if the run has not begun yet, the worker sees the halt instead
            thread.join(timeout)

    def _work(self, halt: threading.Event) -> None:
        try:
            if self._data is None and not self._load(halt):
                return
            if not self._wait_for_slot(halt):
                return
            self._train(halt)
        except Exception as e:  # noqa: BLE001 — the page shows the reason; the server keeps running
            with self._lock:
                if self._thread is threading.current_thread():  # not a run that reset or load_model replaced
                    self._state = FAILED  # a training process that died says so itself (child.py)
                    self._error = str(e) if isinstance(e, ChildProcessError) else f"{type(e).__name__}: {e}"
        finally:
            self._slots.leave(halt)
            with self._lock:
                if self._thread is threading.current_thread():
                    if self._state in ACTIVE:
                        self._state = self._halt_state
                    if self._state != PAUSED:  # finished, failed or stopped: the training process is done
                        self._end_child()

    def _load(self, halt: threading.Event) -> bool:
        def progress(report) -> None:  # a cnnviz.mnist.DownloadProgress
            with self._lock:
                self._load_progress = float(min(max(report.fraction, 0.0), 1.0))

        data = self._load_data(progress)
        self._use_data(data)
        with self._lock:
            if halt.is_set():
                return False
            self._state = WAITING
        return True

    def _wait_for_slot(self, halt: threading.Event) -> bool:
        while not self._slots.acquire(halt, timeout=POLL_S):  # this worker's event is its ticket
            if halt.is_set():
                return False
        with self._lock:
            if halt.is_set():
                return False
            self._state = RUNNING
        return True

    def _train(self, halt: threading.Event) -> None:
        child = self._child or self._start_child()  # none yet: this is the run's first batch
        with self._lock:
            if self._thread is not threading.current_thread():  # reset or load_model replaced the run meanwhile
                child.close()
                return
            self._child = child
            if halt.is_set():
                return
            child.send("run", self._budget, self._delay)
        while self._receive(child.recv()):
            pass

    def _start_child(self) -> TrainingProcess:
        d = self._data
        return TrainingProcess(self, self._model, d.train_images, d.train_labels, self._sample, self._train_args(),
                               self._eval_every, WORKER_NICENESS)

    def _receive(self, message: tuple) -> bool:
        """Write what the training process sent into the job; False when its run stopped."""
        kind, *args = message
        with self._lock:
            if self._thread is not threading.current_thread():
                return False  # reset or load_model replaced this run while it was stopping
            if kind == "batches":
                records = args[0]
                h = self._history
                for record in records:
                    h.steps.append(record.step)
                    h.loss.append(float(record.loss))
                    h.running_loss.append(float(record.running_loss))
                    h.accuracy.append(float(record.accuracy))
                record = self._last = records[-1]  # with its images, labels and answers
                self._step = record.step
                self._epoch = record.epoch
                self._total_steps = record.total_steps
            elif kind == "eval":
                step, result = args
                self._checkpoint = Checkpoint(step, result)
                self._history.eval_steps.append(step)
                self._history.eval_accuracy.append(result.accuracy)
            elif kind == "snapshot":
                self._set_snapshot(args[0])
            elif kind == "finished":
                self._state = FINISHED
            elif kind == "failed":
                self._state, self._error = FAILED, args[0]
        return kind in ("batches", "eval", "snapshot")

    def __repr__(self) -> str:
        return f"TrainingJob({self.config}, state={self._state!r}, step={self._step})"

