"""GIF export of the frame model: build time and file size against the issue-12 targets.

Targets: the convolution page's default animation (6×6 edge, 3×3 vertical-edge kernel: 16 frames)
≤ 1 s and ≤ 1 MB; a 100-frame animation (12×12 input, 3×3 kernel) ≤ 5 s and ≤ 5 MB, at 1280×720.
For scale, the same run also times building the Plotly figure of the same steps (cnnviz/viz/slide.py)
and 1080p, and prints the size of the browser player's payload. Best of ``--repeats`` runs (wall clock),
and the CPU time of one more run.

    python bench/gif_export.py [--repeats 3]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cnnviz  # noqa: E402
from cnnviz.course import INPUTS, KERNELS  # noqa: E402
from cnnviz.viz.fonts import font_source  # noqa: E402
from cnnviz.viz.frames import convolution_animation  # noqa: E402
from cnnviz.viz.player_payload import payload  # noqa: E402
from cnnviz.viz.raster import gif_bytes  # noqa: E402
from cnnviz.viz.slide import slide_figure  # noqa: E402
from bench.timing import best  # noqa: E402



def measure(name: str, x: np.ndarray, w: np.ndarray, seconds: float, megabytes: float, repeats: int) -> None:
    trace = cnnviz.conv2d_trace(x, w)
    animation = convolution_animation(trace)
    plotly_s, _ = best(lambda: slide_figure(trace.padded, trace.real, trace.output.shape, trace.steps,
                                            kernel=trace.steps[0].kernel), repeats)
    sent = len(json.dumps(payload(animation), ensure_ascii=False).encode())
    print(f"{name}: {len(animation.frames)} frames; the browser player's payload {sent / 1e3:.0f} KB")
    for size in ("720p", "1080p"):
        took, gif = best(lambda: gif_bytes(animation, 1000, size), repeats)
        cpu = time.process_time()
        gif_bytes(animation, 1000, size)
        cpu = time.process_time() - cpu  # this process's CPU time: what the build costs on a machine shared by many
        mb = len(gif) / 1e6
        verdict = ""
        if size == "720p":
            ok = took <= seconds and mb <= megabytes
            verdict = f"   target ≤ {seconds:g} s, ≤ {megabytes:g} MB: {'met' if ok else 'MISSED'}"
        print(f"  GIF {size:>5}: {took:6.2f} s ({cpu:.2f} s CPU)  {mb:5.2f} MB  "
              f"({took / plotly_s:5.1f}× the Plotly figure's {plotly_s * 1e3:.0f} ms){verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"font: {font_source().name}")
    measure("convolution page default", INPUTS["step_edge_6x6"], KERNELS["vertical_edge"], 1, 1, args.repeats)
    rng = np.random.default_rng(0)
    measure("12×12 random input", rng.integers(-9, 10, (12, 12)).astype(float), KERNELS["sobel_x"], 5, 5,
            args.repeats)
    largest = convolution_animation(cnnviz.conv2d_trace(rng.integers(-9, 10, (15, 15)).astype(float), np.ones((7, 7)),
                                                        padding=10))
    sent = len(json.dumps(payload(largest), ensure_ascii=False).encode())
    print(f"largest the convolution page allows (15×15 input, 7×7 kernel, padding 10): {len(largest.frames)} frames, "
          f"player payload {sent / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
