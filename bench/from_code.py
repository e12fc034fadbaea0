"""How long from_code takes to read — or refuse — model code, next to Python's own ast.parse of the same text.

Prints, per source, the best of a few runs in ms and the ratio to ast.parse measured in the same run (for
refused sources that Python itself cannot parse, ast.parse's own failure is the reference).

    python bench/from_code.py
"""
from __future__ import annotations

import ast
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnnviz.networks.code_examples import example_code  # noqa: E402
from cnnviz.networks.code_reading import CodeError  # noqa: E402
from cnnviz.networks.from_code import from_code  # noqa: E402

SOURCES = {
    "course Keras LeNet": example_code("keras_lenet"),
    "PyTorch LeNet-5": example_code("torch_lenet"),
    "500 model.add lines": "model = Sequential()\n" + "model.add(Dense(4))\n" * 500,
    "1000 model.add lines (refused)": "model = Sequential()\n" + "model.add(Dense(4))\n" * 1000,
    "200 kB of text (refused)": "x" * 200_000,
    "49,000 unary minus (refused)": "-" * 49_000 + "1",
    "1,000 nested brackets (refused)": "x = " + "(" * 1000 + ")" * 1000,
    "3,000 additions in an argument (refused)": "model = Sequential([Dense(" + "1 + " * 3000 + "1)])",
}


def best_ms(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            fn()
        except (CodeError, SyntaxError, RecursionError, MemoryError, ValueError):
            pass
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def main() -> None:
    print(f"{'source':44} {'from_code ms':>13} {'ast.parse ms':>13} {'ratio':>7}")
    for name, source in SOURCES.items():
        ours = best_ms(lambda: from_code(source, input_shape=(1, 28, 28)))
        ref = best_ms(lambda: ast.parse(source))
        print(f"{name:44} {ours:13.2f} {ref:13.2f} {ours / ref if ref else float('nan'):7.1f}")


if __name__ == "__main__":
    main()
