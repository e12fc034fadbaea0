"""cnnviz.conv2d against scipy.ndimage.correlate on one large image, measured in the same run.

Target (issue 4): 2048×2048 float32, 3×3 kernel, 'same' zero padding within 2× of scipy (goal: as
fast), with the same numbers. Runs alternate between the two so background load hits both alike.

    python bench/conv_speed.py [--size 2048] [--repeats 15]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cnnviz import conv2d  # noqa: E402


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def compare(x: np.ndarray, w: np.ndarray, repeats: int) -> None:
    ours = lambda: conv2d(x, w, padding="same")  # noqa: E731
    ref = lambda: ndimage.correlate(x, w, mode="constant", cval=0.0)  # noqa: E731
    diff = float(np.max(np.abs(ours().astype(np.float64) - ref())))
    a, b = [], []
    for _ in range(repeats):
        a.append(timed(ours))
        b.append(timed(ref))
    h, wd = x.shape
    print(f"{h}×{wd} {x.dtype}, kernel {w.shape[0]}×{w.shape[1]}, 'same' zeros")
    print(f"  cnnviz.conv2d           best {min(a) * 1e3:7.1f} ms   median {statistics.median(a) * 1e3:7.1f} ms")
    print(f"  scipy.ndimage.correlate best {min(b) * 1e3:7.1f} ms   median {statistics.median(b) * 1e3:7.1f} ms")
    ratio_best, ratio_median = min(a) / min(b), statistics.median(a) / statistics.median(b)
    print(f"  ratio cnnviz/scipy      best {ratio_best:.2f}×   median {ratio_median:.2f}×"
          "   (target ≤ 2×, goal ≤ 1×)")
    print(f"  max |difference|        {diff:.3g}   (largest |output| {float(np.max(np.abs(ref()))):.3g})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.size, args.size)).astype(np.float32)
    compare(x, rng.standard_normal((3, 3)).astype(np.float32), args.repeats)
    compare(x, rng.standard_normal((5, 5)).astype(np.float32), max(3, args.repeats // 3))


if __name__ == "__main__":
    main()
