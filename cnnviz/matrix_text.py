"""Matrices typed as text — one row per line, entries separated by spaces or commas — and back.

Fractions such as ``1/9``, exponents, and the typographic minus ``−`` are accepted, because that is
how kernels are written in course notes; so are brackets as Python or numpy print a matrix.
"""
from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _entry(text: str, row: int, col: int) -> float:
    """One typed entry: ``-2``, ``0.5``, ``.5``, ``1e-3``, ``1/16``, ``−1``."""
    where = f"row {row}, entry {col}"
    cleaned = text.replace("−", "-").replace("–", "-")
    parts = cleaned.split("/")
    if len(parts) > 2 or not all(_NUMBER.match(p) for p in parts):
        raise ValueError(f"{where}: '{text}' is not a number (write e.g. 2, -1, 0.25 or 1/16)")
    if len(parts) == 2 and Fraction(parts[1]) == 0:
        raise ValueError(f"{where}: '{text}' divides by zero")
    try:
        value = float(Fraction(parts[0]) / Fraction(parts[1])) if len(parts) == 2 else float(cleaned)
    except OverflowError:  # a fraction whose value is beyond float range
        value = math.inf
    if not math.isfinite(value):  # e.g. 1e999, which float() would turn into infinity
        raise ValueError(f"{where}: '{text}' is too large to compute with")
    return value


def parse_matrix(text: str, max_size: int = 15, what: str = "matrix") -> np.ndarray:
    """Typed numbers → a float64 array ``(rows, cols)``.

    One row per line (or rows separated by ``;``); entries separated by spaces or commas;
    ``[[1, 0], [0, 1]]`` works too. Raises ValueError naming the first bad entry (1-based:
    ``row 2, entry 3: 'x' is not a number``), the row whose length differs, or the size limit.
    """
    if not isinstance(text, str):
        raise ValueError(f"the {what} must be typed as text")
    flat = re.sub(r"\]\s*[,;]?\s*\[", "\n", text).replace("[", " ").replace("]", " ").replace(";", "\n")
    lines = [line for line in flat.splitlines() if line.strip(" \t,")]
    if not lines:
        raise ValueError(f"the {what} is empty: type its numbers, one row per line")
    rows = [[e for e in re.split(r"[\s,]+", line.strip(" \t,")) if e] for line in lines]
    values = [[_entry(e, r + 1, c + 1) for c, e in enumerate(row)] for r, row in enumerate(rows)]
    for r, row in enumerate(values[1:], start=2):
        if len(row) != len(values[0]):
            raise ValueError(f"row {r} has {len(row)} entries but row 1 has {len(values[0])}; "
                             "every row needs the same number of entries")
    if len(values) > max_size or len(values[0]) > max_size:
        raise ValueError(f"the {what} is {len(values)}×{len(values[0])}; at most {max_size}×{max_size} fits here")
    return np.array(values, dtype=np.float64)


def format_matrix(a) -> str:
    """The inverse of ``parse_matrix``: one line per row, entries aligned, read back exactly.

    Whole numbers stay whole, short decimals stay decimals (``0.1``, ``0.25``); other fractions are
    written over one denominator (``1/16 2/16 1/16``, ``1/9``) rather than rounded.
    """
    w = np.atleast_2d(np.asarray(a, dtype=np.float64))
    denominator = 1 if all(round(v, 2) == v for v in w.ravel()) else _common_denominator(w)
    if denominator == 1:
        cells = [[_plain(v) for v in row] for row in w]
    else:
        cells = [[f"{_numerator(v, denominator)}/{denominator}" if v else "0" for v in row] for row in w]
    width = max(len(c) for row in cells for c in row)
    return "\n".join(" ".join(c.rjust(width) for c in row) for row in cells)


def _common_denominator(w: np.ndarray, largest: int = 1024) -> int:
    """The smallest d ≤ ``largest`` making every entry × d a whole number exactly, else 1."""
    d = 1
    for v in w.ravel():
        frac = Fraction(float(v)).limit_denominator(largest)
        if float(frac) != v:
            return 1
        d = d * frac.denominator // math.gcd(d, frac.denominator)
        if d > largest:
            return 1
    return d


def _numerator(v: float, denominator: int, largest: int = 1024) -> int:
    """``v · denominator`` computed exactly (in floats 1/13 · 273 is 21.000000000000004)."""
    return int(Fraction(float(v)).limit_denominator(largest) * denominator)


def _plain(v: float) -> str:
    """Shortest text that reads back as exactly ``v``."""
    return str(int(v)) if v == int(v) else repr(float(v))
