"""Training speed of cnnviz.nn's LeNet against PyTorch on this machine, plus memory and import time.

    python bench/train_speed.py                  # 1 and 2 BLAS threads, 5 alternating rounds
    python bench/train_speed.py --threads 1 --rounds 9 --steps 60

Each thread setting runs in a fresh process (BLAS reads its thread count at start-up). Inside it,
numpy and PyTorch (when installed — a dev-only comparison, never a requirement) train the same
network (lenet5_mnist: conv 6@5×5 ReLU → avg-pool → conv 16@5×5 ReLU → avg-pool → 128 → 84 → 10; and
the same with BatchNorm before every hidden ReLU), batch 64, float32, Adam, on the same images, in alternating
rounds so that a busy machine slows both alike. The ratio printed is the median of the per-round ratios.
numpy goes through the public ``cnnviz.nn.train`` generator (shuffling and validation included) with
augmentation off, as PyTorch has none; an extra line shows the cost of the default random shifts.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 64


def timed(step, steps: int) -> tuple[float, float]:
    """Images per second over ``steps`` calls of ``step``: by the wall clock, and by CPU time used."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    return steps * BATCH / (time.perf_counter() - wall), steps * BATCH / (time.process_time() - cpu)


def child(rounds: int, steps: int, threads: int) -> dict:
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from cnnviz.mnist import load_mnist
    from cnnviz.nn import build, train

    images, labels = load_mnist("train", "bundled")
    warm = 10

    def numpy_rounds(augment: str, network: str = "lenet5_mnist"):
        gen = train(build(network, seed=0), images, labels, epochs=1000, batch_size=BATCH, augment=augment)
        for _ in range(warm):
            next(gen)

        def run():
            return timed(lambda: next(gen), steps)
        return run

    runs = {"numpy": numpy_rounds("none"), "numpy_bn": numpy_rounds("none", "lenet5_mnist+bn")}
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        x_all = torch.from_numpy(images[:, None].astype(np.float32) / 255)
        y_all = torch.from_numpy(labels.astype(np.int64))

        def torch_rounds(batchnorm: bool):
            nn = torch.nn

            def hidden(layer, width):  # the same place as cnnviz.nn's +bn: between the layer and its ReLU
                bn = (nn.BatchNorm2d if isinstance(layer, nn.Conv2d) else nn.BatchNorm1d)(width)
                return [layer, *([bn] if batchnorm else []), nn.ReLU()]

            net = nn.Sequential(*hidden(nn.Conv2d(1, 6, 5), 6), nn.AvgPool2d(2), *hidden(nn.Conv2d(6, 16, 5), 16),
                                nn.AvgPool2d(2), nn.Flatten(), *hidden(nn.Linear(256, 128), 128),
                                *hidden(nn.Linear(128, 84), 84), nn.Linear(84, 10))
            opt = torch.optim.Adam(net.parameters(), lr=1e-3)
            loss_fn = nn.CrossEntropyLoss()
            position = [0]

            def torch_step():
                i = position[0]
                position[0] = (i + BATCH) % (len(x_all) - BATCH)
                opt.zero_grad()
                loss = loss_fn(net(x_all[i: i + BATCH]), y_all[i: i + BATCH])
                loss.backward()
                opt.step()

            for _ in range(warm):
                torch_step()
            return lambda: timed(torch_step, steps)

        runs |= {"torch": torch_rounds(False), "torch_bn": torch_rounds(True)}
    runs["numpy_shift"] = numpy_rounds("shift")
    result = {name: [] for name in ("numpy", "torch", "numpy_shift", "numpy_bn", "torch_bn")}
    for _ in range(rounds):  # alternate, so that a change in the machine's load hits all of them alike
        for name, run in runs.items():
            result[name].append(run())
    return result


def measure_memory(epochs: int) -> dict:
    """Peak resident memory of a fresh process that trains ``epochs`` epochs on the bundled subset."""
    code = (f"import sys, resource, time; sys.path.insert(0, {str(ROOT)!r}); "
            "from cnnviz.mnist import load_mnist; from cnnviz.nn import lenet, train; "
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
            "x, y = load_mnist('train', 'bundled'); t = time.perf_counter(); "
            f"[None for _ in train(lenet(), x, y, epochs={epochs})]; "
            "print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "OPENBLAS_NUM_THREADS": "1"}).stdout.split()
    return {"imports_mb": int(out[0]) / 1024, "peak_mb": int(out[1]) / 1024, "seconds": float(out[2])}


def import_time(module: str, repeats: int = 5) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                  cwd=ROOT).stdout) for _ in range(repeats)]
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.rounds, args.steps, args.child)))
        return
    print(f"LeNet (lenet5_mnist) training, batch {BATCH}, float32, Adam; {args.rounds} alternating rounds "
          f"of {args.steps} steps; load average {os.getloadavg()[0]:.1f} at start")
    print(f"{'threads':>7} {'numpy img/s':>12} {'torch img/s':>12} {'ratio':>7}   per-round ratios "
          "(CPU time is the fairer clock when other processes share the cores; with 2 threads it also "
          "counts time a thread spends waiting for the other)")
    for threads in args.threads:
        env = {**os.environ, **{v: str(threads) for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                           "MKL_NUM_THREADS")}}
        out = subprocess.run([sys.executable, __file__, "--child", str(threads), "--rounds", str(args.rounds),
                              "--steps", str(args.steps)], capture_output=True, text=True, env=env, check=True)
        r = json.loads(out.stdout)
        for clock, which in (("wall clock", 0), ("CPU time", 1)):
            np_rates = [x[which] for x in r["numpy"]]
            if r["torch"]:
                torch_rates = [x[which] for x in r["torch"]]
                ratios = [a / b for a, b in zip(np_rates, torch_rates)]
                print(f"{threads:>7} {statistics.median(np_rates):>12,.0f} {statistics.median(torch_rates):>12,.0f} "
                      f"{statistics.median(ratios):>6.2f}×   {clock}: {' '.join(f'{x:.2f}' for x in ratios)}")
            else:
                print(f"{threads:>7} {statistics.median(np_rates):>12,.0f} {'(no torch)':>12}          {clock}")
        bn, torch_bn = [x[0] for x in r["numpy_bn"]], [x[0] for x in r["torch_bn"]]
        if torch_bn:
            print(f"{'':>7} with BatchNorm (lenet5_mnist+bn, wall clock): numpy {statistics.median(bn):,.0f} img/s, "
                  f"torch {statistics.median(torch_bn):,.0f}, "
                  f"ratio {statistics.median(a / b for a, b in zip(bn, torch_bn)):.2f}×")
        rates = r["numpy_shift"]
        print(f"{'':>7} numpy with the default random shifts: {statistics.median(x[0] for x in rates):,.0f} img/s "
              f"(CPU time: {statistics.median(x[1] for x in rates):,.0f})")
    mem = measure_memory(1)
    print(f"memory: peak RSS {mem['peak_mb']:.0f} MB for a fresh process training one epoch of the bundled "
          f"subset ({mem['imports_mb']:.0f} MB after imports; {mem['seconds']:.1f} s)")
    print(f"import cnnviz: {import_time('cnnviz'):.3f} s; import cnnviz.nn: {import_time('cnnviz.nn'):.3f} s; "
          f"import cnnviz.mnist: {import_time('cnnviz.mnist'):.3f} s (best of 5, fresh processes)")


if __name__ == "__main__":
    main()
