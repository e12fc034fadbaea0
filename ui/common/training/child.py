"""The training process: ``cnnviz.nn.train`` runs in a child of the server, driven through a pipe.

Training in a thread of the server held the server's GIL for long stretches, and a niced thread is the first
to be preempted while holding it, so every session waited. A child process trains on its own interpreter;
the server only receives what it sends (a thread blocked on the pipe, costing nothing while it waits).

A :class:`TrainingJob` (job.py) starts one child per run and keeps it while the run is paused: the child
holds the generator, so a resumed run goes on exactly where it stopped. The child ends when the run finishes,
fails or is stopped, when its pipe is shut (its job was dropped) and when the server exits (the kernel closes
the server's end). It is a fresh interpreter started by ``subprocess`` — never forked from the many-threaded
server, and never through multiprocessing's process machinery, which re-runs the parent's ``__main__`` (app.py,
or whatever script runs) in every child. It imports this module, numpy and cnnviz only (about 0.25 s), with the
server's ``sys.path`` and none of the environment's surprises (``python -I``). The pipe is a socket pair; each
end is a ``multiprocessing.connection.Connection``.

Parent → child: ``("run", batches or None, delay)``, then while it runs ``("delay", s)`` and ``("halt",)``.
Child → parent: ``("batches", [Progress, …])`` (every batch's record, in order, gathered for up to
SEND_EVERY_S; only the last keeps its images, labels and answers), ``("eval", step, Evaluation)``,
``("snapshot", Model)``; each run ends with ``("paused",)``, ``("finished",)`` or ``("failed", reason)``.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

from cnnviz import nn

SNAPSHOT_EVERY_S = 0.4  # a fresh model copy for the page at most this often while running
SEND_EVERY_S = 0.1  # batch records go to the server in groups: fewer wake-ups, less for it to unpickle
KILL_AFTER_S = 1.0  # a closed child that has not ended by then (mid-batch, say) is killed
# One thread per training process (unless the environment says otherwise): two runs fill two cores, and a
# niced OpenBLAS helper thread waits for its partner on a busy machine — 0.4–0.6k images/s instead of 4–7k.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
ROOT = Path(__file__).resolve().parents[3]  # the repository: ``ui`` and ``cnnviz`` are found from here

BOOT = """\
# cnnviz training process (ui/common/training/child.py)
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which ends its children itself
try:
    os.nice(int(sys.argv[2]))  # interactive sessions get the cores first (bench/training_priority.py)
except OSError:  # not allowed here: training simply keeps normal priority
    pass
sys.path[:0] = sys.argv[3].split(os.pathsep)
from ui.common.training.child import serve
serve(int(sys.argv[1]))
"""  # the child's ``python -c``: argv = file descriptor of its end of the pipe, niceness, search path


class TrainingProcess:
    """The server's end of one child: it trains ``model`` on ``images``/``labels`` with ``nn.train(**train_args)``
    and checks it on ``sample`` every ``eval_every`` batches, at nice +``niceness``.

    The child lives as long as ``owner`` (a job) holds this handle, at most; :meth:`close` ends it sooner.
    """

    def __init__(self, owner, model: nn.Model, images: np.ndarray, labels: np.ndarray,
                 sample: tuple[np.ndarray, np.ndarray], train_args: dict, eval_every: int, niceness: int):
        ours, theirs = socket.socketpair()  # both ends close on exec: only the child gets its own end
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-c", BOOT, str(theirs.fileno()), str(niceness), search_path()],
                stdin=subprocess.DEVNULL, pass_fds=(theirs.fileno(),), close_fds=True,
                env={**ONE_BLAS_THREAD, **os.environ})
        self._conn = Connection(ours.detach())
        self.close = weakref.finalize(owner, _end, self._conn, self.process)  # calling it ends the child, once
        try:
            self._conn.send((model, sample, train_args, eval_every))
            for array in (images, labels):  # straight from the arrays' memory: no pickled copy of the data
                _send_array(self._conn, array)
        except OSError:  # the child has ended already: recv() reports why
            pass
        except BaseException:
            self.close()
            raise

    def send(self, *message) -> None:
        """A control (see the module's docstring); the caller serialises sends."""
        try:
            self._conn.send(message)
        except OSError:  # the child has ended (or was closed): its worker's recv() reports why
            pass

    def recv(self) -> tuple:
        """The child's next message; blocks without holding the GIL."""
        try:
            return self._conn.recv()
        except (EOFError, OSError):
            try:
                code = self.process.wait(KILL_AFTER_S)
            except subprocess.TimeoutExpired:
                raise ChildProcessError("the training process stopped answering") from None
            raise ChildProcessError(f"the training process ended ({_exit_code(code)})") from None


def search_path() -> str:
    """Where the child looks for modules: the repository, then the server's own ``sys.path`` (absolute)."""
    return os.pathsep.join(dict.fromkeys([str(ROOT), *(os.path.abspath(p) for p in sys.path)]))


def _exit_code(code: int) -> str:
    return f"exit code {code}" if code >= 0 else f"exit code {code}: {signal.Signals(-code).name}"


def _end(conn: Connection, process: subprocess.Popen) -> None:
    """Shut the pipe both ways — the child sees it closed and ends; a thread blocked on :meth:`recv` wakes —
    then reap the child in the background (no zombie), killing it if it lingers."""
    try:
        with socket.socket(fileno=os.dup(conn.fileno())) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # closed already
        pass
    try:
        threading.Thread(target=_reap, args=(process,), name="cnnviz-training-reaper", daemon=True).start()
    except RuntimeError:  # the server is exiting (Python 3.12+ starts no thread then): nobody is left to reap
        pass


def _reap(process: subprocess.Popen) -> None:
    try:
        process.wait(KILL_AFTER_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _send_array(conn, array: np.ndarray) -> None:
    conn.send((array.shape, array.dtype.str))
    conn.send_bytes(np.ascontiguousarray(array).reshape(-1).view(np.uint8))


def _recv_array(conn) -> np.ndarray:
    shape, dtype = conn.recv()
    array = np.empty(shape, dtype)
    conn.recv_bytes_into(array.reshape(-1).view(np.uint8))
    return array


# ---------------------------------------------------------------------- in the child
def serve(fd: int) -> None:
    """The child's main (see BOOT): receive the run, then train whenever told to until the pipe closes."""
    conn = Connection(fd)
    try:
        try:
            run = _Run(conn, *conn.recv(), _recv_array(conn), _recv_array(conn))
        except (EOFError, ConnectionError):
            raise
        except Exception as e:  # noqa: BLE001 — a run that cannot start: the page shows why
            conn.send(("failed", f"{type(e).__name__}: {e}"))
            return
        while run.command(conn.recv()):
            pass
    except (EOFError, ConnectionError):  # the job was dropped or the server exited: nobody to report to
        pass


class _Run:
    """The run as the child holds it: the model, the generator, where it is and what the server was sent."""

    def __init__(self, conn, model, sample, train_args, eval_every, images, labels):
        self.conn, self.model, self.sample, self.eval_every = conn, model, sample, eval_every
        self.train_args, self.images, self.labels = train_args, images, labels
        self.generator = None
        self.step = 0
        self.evaluated: int | None = None  # the step of the latest held-out check
        self.delay = 0.0
        self.halted = False
        self.snapshot_time = 0.0
        self.batches: list[nn.Progress] = []  # records not sent yet
        self.sent_time = 0.0

    def command(self, message: tuple) -> bool:
        """Act on a message received between runs; False once there is nothing left to do."""
        kind, *args = message
        if kind == "run":
            budget, self.delay = args
            return self.train(budget)
        self.control(message)  # a "halt" here came after the run had stopped: nothing to do
        return True

    def control(self, message: tuple) -> None:
        kind, *args = message
        if kind == "halt":
            self.halted = True
        elif kind == "delay":
            self.delay = args[0]

    def halt_requested(self) -> bool:
        while not self.halted and self.conn.poll():
            self.control(self.conn.recv())
        return self.halted

    def train(self, budget: int | None) -> bool:
        """Train until halted, ``budget`` batches are done or the run ends; False when it ended."""
        self.halted = False
        try:
            if self.generator is None:  # invalid settings fail here, and the page shows why
                self.generator = nn.train(self.model, self.images, self.labels, **self.train_args)
            if self.evaluated is None or (self.step % self.eval_every == 0 and self.evaluated != self.step):
                self.evaluate()  # step 0: the untrained network, at chance level; or a check a pause put off
            while not self.halt_requested():
                record = next(self.generator, None)
                if record is None:
                    if self.evaluated != self.step:
                        self.evaluate()
                    self.send("finished")
                    return False
                self.step = record.step
                self.batches.append(record)
                if time.perf_counter() - self.sent_time >= SEND_EVERY_S:
                    self.send_batches()
                if self.step % self.eval_every == 0 and not self.halt_requested():  # paused: check on resuming
                    self.evaluate()
                elif time.perf_counter() - self.snapshot_time >= SNAPSHOT_EVERY_S:
                    self.snapshot()
                if budget is not None:
                    budget -= 1
                    if budget <= 0:
                        break
                if self.delay:
                    self.snapshot()  # at a slow pace the page shows every batch's network
                    self.wait(self.delay)
            self.snapshot()
            self.send("paused")
            return True
        except (EOFError, ConnectionError):
            raise
        except Exception as e:  # noqa: BLE001 — the page shows the reason
            self.send("failed", f"{type(e).__name__}: {e}")
            return False

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds``, cut short by a halt."""
        end = time.monotonic() + seconds
        while not self.halt_requested() and (left := end - time.monotonic()) > 0:
            self.conn.poll(left)

    def evaluate(self) -> None:
        images, labels = self.sample
        self.send("eval", self.step, nn.evaluate(self.model, images, labels))
        self.evaluated = self.step
        self.snapshot()

    def snapshot(self) -> None:
        self.send("snapshot", self.model)  # pickled as it is now: the parent's copy never changes
        self.snapshot_time = time.perf_counter()

    def send(self, *message) -> None:
        self.send_batches()  # the batches come first: every message follows the records it is about
        self.conn.send(message)

    def send_batches(self) -> None:
        if self.batches:
            *earlier, last = self.batches
            self.conn.send(("batches", [replace(r, images=None, labels=None, probabilities=None) for r in earlier]
                            + [last]))  # the page shows the last batch only
            self.batches = []
        self.sent_time = time.perf_counter()
