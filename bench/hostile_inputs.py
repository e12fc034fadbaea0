"""Hostile inputs, each in its own process: time to the message, peak extra memory, longest stall of another thread.

Targets (issue 15): every hostile input gets a message within 2 s and with at most 300 MB of extra memory,
and no other session stalls more than 200 ms meanwhile. Each case runs in a fresh child process that
builds its input (tests/hostile_files.py), resets the kernel's peak-RSS mark (/proc/self/clear_refs),
starts a thread that ticks every 5 ms (the "other session": it needs the GIL to tick), runs the input
through the engine function the page calls, and reports: seconds, peak RSS growth (MB), the longest gap
between ticks (ms) and what came out (the CnnvizError code, or "ok"). As the reference from the same
process, "idle ms" is the longest late tick while the main thread only sleeps for 0.5 s: on a loaded
machine the operating system, not the input, delays ticks by that much.

Rows marked "accepted" are real images just under the decoded-bytes limit: they must decode within the
same targets, and their measured peak bytes per pixel are printed next to the table's value
(cnnviz.images.PEAK_BYTES_PER_PIXEL), which must not be smaller than what was measured.

    python bench/hostile_inputs.py [--only SUBSTRING]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TIME_TARGET, MEMORY_TARGET, STALL_TARGET = 2.0, 300.0, 200.0  # s, MB, ms


def _weights(**replace):
    import io
    import zipfile

    import numpy as np

    from cnnviz.nn import lenet
    from tests.hostile_files import npy

    members = {f"{k}.npy": npy(v) for k, v in np.load(io.BytesIO(lenet().to_bytes())).items()}
    members.update(replace)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            if callable(data):  # streamed: a member too big to hold in memory while building
                with z.open(name, "w") as f:
                    data(f)
            else:
                z.writestr(name, data)
    return out.getvalue()


def _patched(data: bytes, edits) -> bytes:
    data = bytearray(data)
    for sig, at, value in edits:
        start = 0
        while (start := data.find(sig, start)) >= 0:
            data[start + at: start + at + len(value)] = value
            start += 4
    return bytes(data)


def _zeros(total: int):
    def write(f, block=b"\0" * (1 << 20)):
        for _ in range(total // len(block)):
            f.write(block)
    return write


def build(name: str):
    """The input of case ``name`` and the call that consumes it: ``(kind, data, pixels or None)``."""
    import numpy as np

    from tests import hostile_files as h

    matrices = {
        "matrix 1/1e9999999": "1 2\n3 1/1e9999999", "matrix 0e999999999/1": "0e999999999/1",
        "matrix 1e10000000/1": "1e10000000/1", "matrix 4,300-digit int": "7" * 4300,
        "matrix 1M entries 1/3": "\n".join([" ".join(["1/3"] * 1000)] * 1000), "matrix U+3000": "\u3000",
    }
    if name in matrices:
        return "matrix", matrices[name], None
    s = 7071  # 7071² = 49,999,041 pixels: just inside the 50-megapixel limit
    images = {
        "webp lossless RGBA 7071² (26 B)": (lambda: h.webp_claiming(s, s), None),
        "webp 1696×16383 (30 B, lossy)": (lambda: h.webp_claiming(1696, 16383, lossless=False), None),
        "webp 1696×16383 (26 B, lossless RGB)": (lambda: h.webp_claiming(1696, 16383, alpha=False), None),
        "png palette + tRNS 7071²": (lambda: h.palette_png_with_transparency(s, s, rows=s), None),
        "png RGBA 40 MP": (lambda: h.png(8000, 5000, 6, rows=5000), None),
        "tiff float 7071²": (lambda: h.tiff(s, s, 32, 3, real=True), None),
        "png 16-bit 7071²": (lambda: h.png(s, s, 0, 16, rows=s), None),
        "tiff 100,000 pages": (lambda: h.tiff(4, 4, pages=100_000), None),
        "png zTXt 2 MB text": (lambda: h.png_with_text_bomb(), None),
        "tiff float NaN": (lambda: h.tiff_nan(), None),
        "gif 10 MB comment of 1-byte blocks": (lambda: h.gif_with_tiny_blocks(), None),
        "tiff 4 million strips (16 MB)": (lambda: h.tiff_with_strips(4_000_000), None),
        "png 1.6 million empty chunks (20 MB)": (lambda: h.png_with_chunks(1_600_000), None),
        "jpeg 5 million empty comments (20 MB)": (lambda: h.jpeg_with_comments(5_000_000), None),
        "bmp RLE8 of 1-pixel runs (8 MB)": (lambda: h.bmp_rle8(4000, 1000), None),
        "accepted png L 50 MP": (lambda: h.png(s, s, 0, rows=s), ("L", s * s)),
        "accepted png 1-bit 50 MP": (lambda: h.png(s, s, 0, 1, rows=s), ("1", s * s)),
        "accepted png RGB 50 MP": (lambda: h.png(s, s, 2, rows=s), ("RGB", s * s)),
        "accepted png RGBA 26 MP": (lambda: h.png(5099, 5099, 6, rows=5099), ("RGBA", 5099 ** 2)),
        "accepted png LA 29 MP": (lambda: h.png(5370, 5370, 4, rows=5370), ("LA", 5370 ** 2)),
        "accepted png palette + tRNS 43 MP": (lambda: h.palette_png_with_transparency(6580, 6580, rows=6580),
                                              ("P", 6580 ** 2)),
        "accepted png 16-bit 29 MP": (lambda: h.png(5370, 5370, 0, 16, rows=5370), ("I;16", 5370 ** 2)),
        "accepted tiff float 20 MP": (lambda: h.tiff(4470, 4470, 32, 3, real=True), ("F", 4470 ** 2)),
        "accepted png L + key 24 MP": (lambda: h.png(4860, 4860, 0, extra=h.png_chunk(b"tRNS", b"\0\0"),
                                                     rows=4860), ("L+key", 4860 ** 2)),
        "accepted png RGB + key 17 MP": (lambda: h.png(4160, 4160, 2, extra=h.png_chunk(b"tRNS", b"\0" * 6),
                                                       rows=4160), ("RGB+key", 4160 ** 2)),
    }
    if name in images:
        make, accepted = images[name]
        return "image", make(), accepted
    if name == "digit png palette + tRNS 7071²":
        return "digit", h.palette_png_with_transparency(s, s, rows=s), None
    if name == "digit accepted png RGBA 26 MP":
        return "digit", h.png(5099, 5099, 6, rows=5099), None
    good = None
    weights = {
        "weights 1 TiB header": lambda: _weights(**{"conv1.w.npy": h.npy_header("<f4", (2**20, 2**20, 256))}),
        "weights tokenize error": lambda: _weights(**{"conv1.w.npy": h.npy_header(
            "", (), raw="{'descr': '<f4', 'fortran_order': False, 'shape': (5, 5, 1, 6), '''")}),
        "weights encrypted bit": lambda: _patched(_weights(), [(b"PK\x03\x04", 6, b"\x09"), (b"PK\x01\x02", 8, b"\x09")]),
        "weights compression 99": lambda: _patched(_weights(), [(b"PK\x03\x04", 8, b"\x63\x00"),
                                                                 (b"PK\x01\x02", 10, b"\x63\x00")]),
        "weights 1 GB unused member (1 MB file)": lambda: _weights(**{"junk.npy": _zeros(2**30)}),
        "weights float64 1e39": lambda: _weights(**{"dense1.b.npy": h.npy(np.full(128, 1e39))}),
        "weights bad cnnviz_format": lambda: _weights(**{"cnnviz_format.npy": h.npy(np.array(np.inf))}),
        "weights 60,000 entries": lambda: _weights(**{f"x{i}.npy": b"" for i in range(60_000)}),
    }
    if name in weights:
        return "weights", weights[name](), good
    if name == "mnist gzip bomb in the cache (1 GB)":
        return "mnist", h.gzip_bomb(2**30), None
    edges = {"edges kernel 1e19": "1e19 0 -1e19\n2e19 0 -2e19\n1e19 0 -1e19", "edges kernel 1e300": "1e300 0 0\n0 0 0\n0 0 0"}
    if name in edges:
        return "edges", edges[name], None
    if name == "short_number 10**400 MACs":
        return "short_number", 10**400, None
    raise KeyError(name)


CASES = [
    "matrix 1/1e9999999", "matrix 0e999999999/1", "matrix 1e10000000/1", "matrix 4,300-digit int",
    "matrix 1M entries 1/3", "matrix U+3000",
    "webp lossless RGBA 7071² (26 B)", "webp 1696×16383 (30 B, lossy)", "webp 1696×16383 (26 B, lossless RGB)",
    "png palette + tRNS 7071²", "png RGBA 40 MP", "tiff float 7071²", "png 16-bit 7071²", "tiff 100,000 pages",
    "png zTXt 2 MB text", "tiff float NaN", "gif 10 MB comment of 1-byte blocks",
    "tiff 4 million strips (16 MB)", "png 1.6 million empty chunks (20 MB)",
    "jpeg 5 million empty comments (20 MB)", "bmp RLE8 of 1-pixel runs (8 MB)",
    "digit png palette + tRNS 7071²",
    "weights 1 TiB header", "weights tokenize error", "weights encrypted bit", "weights compression 99",
    "weights 1 GB unused member (1 MB file)", "weights float64 1e39", "weights bad cnnviz_format", "weights 60,000 entries",
    "mnist gzip bomb in the cache (1 GB)", "edges kernel 1e19", "edges kernel 1e300", "short_number 10**400 MACs",
    "accepted png L 50 MP", "accepted png 1-bit 50 MP", "accepted png RGB 50 MP", "accepted png RGBA 26 MP",
    "accepted png LA 29 MP", "accepted png palette + tRNS 43 MP", "accepted png 16-bit 29 MP",
    "accepted tiff float 20 MP", "accepted png L + key 24 MP", "accepted png RGB + key 17 MP",
    "digit accepted png RGBA 26 MP",
]


def consume(kind: str, data, workdir: Path) -> str:
    """Run ``data`` through the engine call the page makes; the outcome: a CnnvizError code or "ok"."""
    from cnnviz.errors import CnnvizError

    try:
        if kind == "matrix":
            from cnnviz.matrix_text import parse_matrix
            parse_matrix(data)
        elif kind == "image":
            from cnnviz.images import load_image
            load_image(data)
        elif kind == "digit":
            from cnnviz.digits import decode_image, preprocess_digit
            preprocess_digit(decode_image(data))
        elif kind == "weights":
            from cnnviz.nn import load_model
            load_model(data)
        elif kind == "mnist":
            from cnnviz.mnist import MNIST_FILES, load_mnist
            (workdir / f"{MNIST_FILES['train'][0].name}.gz").write_bytes(data)
            (workdir / f"{MNIST_FILES['train'][1].name}.gz").write_bytes(data)
            got = load_mnist("train", "auto", workdir, mirrors=["http://127.0.0.1:9/"], timeout=0.5)
            return f"fell back to {got.source}" if got.fallback_reason else got.source
        elif kind == "edges":
            from cnnviz.edges import edge_map, edge_maps
            from cnnviz.images import SAMPLES, luma
            from cnnviz.kernels import custom_kernel
            maps = edge_maps(luma(SAMPLES["shapes"]().pixels), custom_kernel(data, True).weights, "zeros")
            edge_map(maps.magnitude, 0.25 * float(maps.magnitude.max()))
        elif kind == "short_number":
            from cnnviz.viz.networks import short_number
            return "ok " + short_number(data)
    except CnnvizError as err:
        return err.code
    return "ok"


def _rss_kb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def _hwm_kb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


def _timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def _ticking(work):
    """Run ``work()`` while another thread ticks every 5 ms; the longest late tick (s) and work's result."""
    gaps, done = [0.0], threading.Event()

    def tick():
        last = time.perf_counter()
        while not done.is_set():
            time.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last - 0.005)
            last = now
    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        result = work()
    finally:
        done.set()
        ticker.join()
    return max(gaps), result


def child(name: str) -> dict:
    import cnnviz.digits  # noqa: F401  (imports before measuring: they are not the input's cost)
    import cnnviz.edges  # noqa: F401
    import cnnviz.kernels  # noqa: F401
    import cnnviz.matrix_text  # noqa: F401
    import cnnviz.mnist  # noqa: F401
    import cnnviz.nn  # noqa: F401
    import cnnviz.viz.networks  # noqa: F401

    kind, data, accepted = build(name)
    with tempfile.TemporaryDirectory() as tmp:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the peak-RSS mark: building the input is not its cost
        before = _rss_kb()
        idle, _ = _ticking(lambda: time.sleep(0.5))  # the reference: the same ticker while nothing runs
        stall, (outcome, seconds) = _ticking(lambda: _timed(consume, kind, data, Path(tmp)))
        extra_kb = max(0, _hwm_kb() - before)
    row = {"name": name, "outcome": outcome, "seconds": seconds, "extra_mb": extra_kb / 1024,
           "stall_ms": 1000 * stall, "idle_stall_ms": 1000 * idle,
           "input_bytes": len(data) if isinstance(data, (bytes, str)) else None}
    if accepted:
        row["mode"], pixels = accepted
        row["bytes_per_pixel"] = extra_kb * 1024 / pixels
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    from cnnviz.images import MAX_DECODED_BYTES, decoded_bytes

    load = os.getloadavg()
    print(f"Hostile inputs, one process each; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores. Targets: ≤ {TIME_TARGET:.0f} s, ≤ {MEMORY_TARGET:.0f} MB extra, "
          f"stall ≤ {STALL_TARGET:.0f} ms. Decoded-bytes limit {MAX_DECODED_BYTES / 1e6:.0f} MB.")
    print(f"{'case':44} {'input':>10} {'outcome':28} {'time s':>7} {'extra MB':>9} {'stall ms':>9} "
          f"{'idle ms':>8}  within")
    misses = 0
    for name in CASES:
        if args.only not in name:
            continue
        run = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True, text=True,
                             env={**os.environ, "OPENBLAS_NUM_THREADS": "1"}, timeout=300)
        if run.returncode:
            print(f"{name:44} CRASHED: {run.stderr.strip().splitlines()[-1] if run.stderr.strip() else run.returncode}")
            misses += 1
            continue
        r = json.loads(run.stdout.strip().splitlines()[-1])
        ok = r["seconds"] <= TIME_TARGET and r["extra_mb"] <= MEMORY_TARGET and r["stall_ms"] <= STALL_TARGET
        misses += not ok
        size = f"{r['input_bytes']:,}" if r["input_bytes"] is not None else "—"
        line = (f"{name:44} {size:>10} {r['outcome'][:28]:28} {r['seconds']:7.3f} {r['extra_mb']:9.1f} "
                f"{r['stall_ms']:9.1f} {r['idle_stall_ms']:8.1f}  {'yes' if ok else 'NO'}")
        if "bytes_per_pixel" in r:
            mode = r["mode"]
            table = decoded_bytes(mode.split("+")[0], 1, 1, "", keyed="+key" in mode)
            line += f"   measured {r['bytes_per_pixel']:.2f} B/px vs table {table} (ratio {r['bytes_per_pixel'] / table:.2f})"
        print(line, flush=True)
    print(f"{misses} case(s) outside the targets.")


if __name__ == "__main__":
    main()
