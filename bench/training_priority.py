"""Training beside a classroom: how fast Pause answers, and how much training slows interactive work.

    python bench/training_priority.py [--samples 30]

This process plays the server: its threads run the jobs' workers (they only receive what the training
processes send) and the interactive stand-in; the two jobs train in child processes, as in the app.

1. **Start and Pause**: the first batch after ``start()`` (a new Python process imports numpy and cnnviz, then
   receives the run). Pause latency (target: within 0.5 s): two jobs train the bundled subset at full speed
   (both cores busy); ``pause()`` is called at random moments and timed until the worker has left.
   ``pause()`` returns only then, so the page's next draw already shows "Paused".
2. **The server's share**: CPU time of this process while two jobs train and nothing else runs (receiving
   per-batch records, held-out checks and model snapshots), and the jobs' training speed.
3. **Interactive latency** while two jobs train: a stand-in for one page rerun (a digit through the network,
   its activation figure and the learning curves) is timed in a thread at normal priority, with the
   training processes at the server's priority (nice +0) and lowered (nice +WORKER_NICENESS, as shipped).
   Reference measured in the same run: the same rerun with no training at all.

Figures are medians and 95th percentiles over ``--samples`` reruns. Other processes on the machine
(``load average`` is printed) shift all numbers alike; compare the rows of one run.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from cnnviz import nn  # noqa: E402
from cnnviz.mnist import load_mnist  # noqa: E402
from cnnviz.viz.training import activations_figure, course_stages, curves_figure  # noqa: E402
from ui.common.training import job as job_module  # noqa: E402
from ui.common.training.job import Dataset, TrainingConfig, TrainingJob  # noqa: E402
from ui.common.training.slots import SlotManager  # noqa: E402


def dataset() -> Dataset:
    return Dataset.from_mnist(load_mnist("train", "bundled"), load_mnist("test", "bundled"))


def jobs(data: Dataset, count: int = 2) -> list[TrainingJob]:
    slots = SlotManager(count)
    return [TrainingJob(TrainingConfig(epochs=200, seed=i), data, slots) for i in range(count)]


def first_batch(data: Dataset) -> float:
    """Seconds from ``start()`` to the first batch done (a new training process receives the run first)."""
    job = jobs(data, 1)[0]
    start = time.perf_counter()
    job.start()
    while job.status().step < 1:
        time.sleep(0.002)
    seconds = time.perf_counter() - start
    job.stop()
    return seconds


def training(data: Dataset) -> list[TrainingJob]:
    """Two jobs training at full speed, past their first batch."""
    running = jobs(data)
    for j in running:
        j.start()
    while any(j.status().step < 1 for j in running):
        time.sleep(0.01)
    return running


def pause_latency(data: Dataset, samples: int) -> list[float]:
    running = training(data)
    times = []
    for _ in range(samples):
        time.sleep(random.uniform(0.2, 0.6))  # let it train, then pause at an arbitrary moment
        j = random.choice(running)
        start = time.perf_counter()
        j.pause()
        times.append(time.perf_counter() - start)
        j.start()
    for j in running:
        j.stop()
    return times


def rerun(model, image, history: int = 2000) -> None:
    """One page rerun's worth of work: a digit through the network and two figures built."""
    stages = course_stages(model.activations(image), [layer.kind for layer in model.layers])
    activations_figure(stages)
    steps = list(range(history))
    curves_figure(steps, [1.0] * history, [1.0] * history, [0.5] * history, steps[::25], [0.5] * len(steps[::25]),
                  history)


def server_share(data: Dataset, seconds: float = 3.0) -> tuple[float, float]:
    """This process's CPU seconds per second while two jobs train, and their images per second together."""
    running = training(data)
    cpu, wall = time.process_time(), time.perf_counter()  # process_time: this process only, not its children
    time.sleep(seconds)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    speed = sum(j.status().images_per_s for j in running)
    for j in running:
        j.stop()
    return cpu / wall, speed


def rerun_latency(data: Dataset, samples: int, niceness: int | None) -> list[float]:
    """Rerun times in a normal-priority thread; ``niceness`` None: no training, else two jobs at that nice."""
    job_module.WORKER_NICENESS = niceness or 0
    running = [] if niceness is None else training(data)
    time.sleep(0.5 if running else 0)
    model, image = nn.lenet(seed=0), data.test_images[0]
    times: list[float] = []

    def measure():
        for _ in range(samples):
            start = time.perf_counter()
            rerun(model, image)
            times.append(time.perf_counter() - start)
            time.sleep(0.05)  # a student's clicks, not a busy loop

    thread = threading.Thread(target=measure)
    thread.start()
    thread.join()
    for j in running:
        j.stop()
    return times


def describe(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {1000 * statistics.median(times):6.1f} ms   95th percentile {1000 * p95:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    data = dataset()
    shipped = job_module.WORKER_NICENESS
    print(f"load average {os.getloadavg()[0]:.1f} at start; {os.cpu_count()} cores")
    first, again = first_batch(data), first_batch(data)
    print(f"first batch after start: {1000 * first:.0f} ms the first time, "
          f"{1000 * again:.0f} ms afterwards")
    pauses = pause_latency(data, args.samples)
    print(f"pause with two runs training: {describe(pauses)}   max {1000 * max(pauses):.0f} ms "
          f"(target ≤ 500 ms: {'met' if max(pauses) <= 0.5 else 'NOT met'})")
    share, speed = server_share(data)
    print(f"server process while two runs train: {1000 * share:.0f} ms CPU per second "
          f"({speed:,.0f} images/s trained in the two training processes)")
    idle = rerun_latency(data, args.samples, None)
    same = rerun_latency(data, args.samples, 0)
    lowered = rerun_latency(data, args.samples, shipped)
    print(f"page rerun, no training (reference):        {describe(idle)}")
    print(f"page rerun, two runs training at nice +0:   {describe(same)}   "
          f"{statistics.median(same) / statistics.median(idle):.2f}× the reference")
    print(f"page rerun, two runs training at nice +{shipped}:  {describe(lowered)}   "
          f"{statistics.median(lowered) / statistics.median(idle):.2f}× the reference")


if __name__ == "__main__":
    main()
