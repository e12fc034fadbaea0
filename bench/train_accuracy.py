"""Accuracy of cnnviz.nn's LeNet on the official MNIST test set after training with train()'s defaults.

    python bench/train_accuracy.py --full            # both targets of issue 16 (below), then a verdict each
    python bench/train_accuracy.py                   # lenet5_mnist, 10 epochs on the bundled subset only
    python bench/train_accuracy.py --variant lenet5+bn --epochs 5 --seeds 0 1 2   # any cnnviz.nn.build name

Targets (issue 16): 10 epochs on the bundled 4,500 images ≥ 97.5 %; one epoch of full MNIST ≥ 98.0 %
(each seed must meet it).

Training uses only the bundled subset's 4,500 training images and the defaults of
``cnnviz.nn.train`` (batch 64, Adam, lr 1e-3, flat-cosine schedule, random shifts ≤ 2 px; ``--augment none`` to
compare).
Accuracy is measured on the official 10,000-image test set from ``../shared/data/mnist-test``
(the bench stops with a message when it is missing). Prints the test accuracy after every
epoch, the time, and the peak resident memory of the process.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_TARGET, FULL_TARGET = 0.975, 0.980  # issue 16
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from cnnviz.mnist import full_mnist_cached, load_mnist, read_idx_files  # noqa: E402
from cnnviz.nn import build, evaluate, train  # noqa: E402
from tests.conftest import SHARED_MNIST  # noqa: E402


def official_test_set():
    images, labels = SHARED_MNIST / "t10k-images-idx3-ubyte.gz", SHARED_MNIST / "t10k-labels-idx1-ubyte.gz"
    if not images.is_file():
        sys.exit(f"the official MNIST test set is not at {SHARED_MNIST}; nothing to measure against")
    return read_idx_files(images, labels)


def full_training_set():
    """Full MNIST's 60,000 training digits: from the verified cache, else from ../shared/data/mnist-train
    (official file names) when the files were put there; None when neither has them."""
    if full_mnist_cached("train"):
        full = load_mnist("train", "download")
        return full.images, full.labels, f"the {full.source}"
    folder = SHARED_MNIST.parent / "mnist-train"
    images, labels = folder / "train-images-idx3-ubyte.gz", folder / "train-labels-idx1-ubyte.gz"
    if images.is_file() and labels.is_file():
        return (*read_idx_files(images, labels), str(folder))
    return None


def run(variant: str, seed: int, epochs: int, train_images, train_labels, test, augment: str) -> float:
    model = build(variant, seed=seed)
    start, accuracy = time.perf_counter(), 0.0
    line = []
    for p in train(model, train_images, train_labels, epochs=epochs, seed=seed, augment=augment):
        if p.batch == p.batches_per_epoch:
            accuracy = evaluate(model, *test).accuracy
            line.append(f"{100 * accuracy:.2f}")
    print(f"  {variant} seed {seed}: test accuracy per epoch {' '.join(line)} %  "
          f"({time.perf_counter() - start:.0f} s incl. evaluation)", flush=True)
    return accuracy


def verdict(what: str, accuracies: list[float], target: float) -> str:
    met = all(a >= target for a in accuracies)
    worst = min(accuracies)
    return (f"TARGET {what} ≥ {100 * target:.1f} %: {'met' if met else 'NOT met'} "
            f"(lowest of {len(accuracies)} seed(s): {100 * worst:.2f} %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", default="lenet5_mnist")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seeds", type=int, nargs="*", default=[0])
    parser.add_argument("--augment", default="shift", help="train()'s augment option (default: its default)")
    parser.add_argument("--full", action="store_true",
                        help="one epoch of full MNIST, if it is in the cache or in ../shared/data/mnist-train")
    args = parser.parse_args()
    test = official_test_set()
    images, labels = load_mnist("train", "bundled")
    print(f"{args.variant}: {args.epochs} epochs on the bundled subset ({len(labels):,} images), "
          f"train() defaults, augment={args.augment!r}; official test set ({len(test[1]):,} images)")
    finals = [run(args.variant, seed, args.epochs, images, labels, test, args.augment) for seed in args.seeds]
    print(f"final test accuracy: {', '.join(f'{100 * a:.2f} %' for a in finals)}"
          + (f" (mean {100 * sum(finals) / len(finals):.2f} %)" if len(finals) > 1 else ""))
    verdicts = []
    if args.epochs == 10:
        verdicts.append(verdict("10 epochs on the bundled 4,500", finals, BUNDLED_TARGET))
    if args.full:
        full = full_training_set()
        if full is None:
            print("full MNIST is neither cached (cnnviz.mnist.download_mnist() fetches it) nor in "
                  f"{SHARED_MNIST.parent / 'mnist-train'}; skipped")
        else:
            full_images, full_labels, where = full
            print(f"full MNIST ({len(full_labels):,} images, from {where}), one epoch:")
            ones = [run(args.variant, seed, 1, full_images, full_labels, test, args.augment) for seed in args.seeds]
            verdicts.append(verdict("one epoch of full MNIST", ones, FULL_TARGET))
    for line in verdicts:
        print(line)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
