"""Matrices typed as text — one row per line, entries separated by spaces or commas — and back.

Fractions such as ``1/9`` and the minus sign ``−`` are accepted, because that is how kernels are
written in course notes.
"""
from __future__ import annotations

import re
from fractions import Fraction

import numpy as np

from .trace import format_number

_SPLIT = re.compile(r"[,\s;]+")


def _entry(token: str, row: int, col: int) -> float:
    clean = token.replace("−", "-").replace("–", "-")
    try:
        return float(Fraction(clean)) if "/" in clean else float(clean)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"row {row}, entry {col}: {token!r} is not a number") from None


def parse_matrix(text: str, max_size: int = 15) -> np.ndarray:
    """``"1 0 -1\\n2 0 -2"`` → a float array of shape (rows, cols).

    Brackets are ignored, so ``[[1, 0], [0, 1]]`` works too. Raises ValueError naming the bad entry
    (1-based row and entry numbers) or the row whose length differs.
    """
    lines = [ln.strip().strip("[](),") for ln in re.split(r"\]\s*,?\s*\[|\n", text)]
    rows = [[t for t in _SPLIT.split(ln.replace("[", " ").replace("]", " ")) if t] for ln in lines]
    rows = [r for r in rows if r]
    if not rows:
        raise ValueError("the matrix is empty: type one row per line, numbers separated by spaces")
    width = len(rows[0])
    for i, r in enumerate(rows, start=1):
        if len(r) != width:
            raise ValueError(f"row {i} has {len(r)} entries but row 1 has {width}: every row needs the same number")
    if len(rows) > max_size or width > max_size:
        raise ValueError(f"the matrix is {len(rows)}×{width}; at most {max_size}×{max_size} is supported")
    values = np.array([[_entry(t, i, j) for j, t in enumerate(r, start=1)] for i, r in enumerate(rows, start=1)])
    if not np.all(np.isfinite(values)):
        raise ValueError("entries must be finite numbers (no inf or nan)")
    return values


def _text(v: float) -> str:
    """Exact short text for ``v``: ``0.25`` stays a decimal, ``1/9`` is not rounded to ``0.1111``."""
    if round(v, 6) == v:
        return format_number(v, digits=6).replace("−", "-")
    frac = Fraction(float(v)).limit_denominator(1000)
    return str(frac) if float(frac) == float(v) else repr(float(v))


def format_matrix(a) -> str:
    """The inverse of ``parse_matrix``: one line per row, entries padded to line up."""
    cells = [[_text(v) for v in row] for row in np.atleast_2d(np.asarray(a, dtype=float))]
    width = max(len(c) for row in cells for c in row)
    return "\n".join(" ".join(c.rjust(width) for c in row) for row in cells)
