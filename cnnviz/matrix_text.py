"""Matrices typed as text — one row per line, entries separated by spaces or commas — and back.

Fractions such as ``1/9``, exponents, and the typographic minus ``−`` are accepted, because that is
how kernels are written in course notes; so are brackets as Python or numpy print a matrix.

Typed text is bounded before any number is computed: its length, then the matrix size, then each
entry's digits and exponent — so no entry (``1/1e9999999``, a 5,000-digit integer) can make Python's
exact arithmetic run for seconds while holding the interpreter.
"""
from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np

from .errors import CnnvizError, Term

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_BLANK = re.compile(r"[\s,]*")
MAX_DIGITS = 30  # digits of one number's mantissa: far more than a float holds (17)
MAX_EXPONENT = 400  # |e| of ``1e…``: past float range (±308, denormals to −324) either way
MAX_ENTRY_CHARS = 2 * (MAX_DIGITS + 8) + 1  # a fraction of two such numbers with sign, point and exponent


def _number(part: str, where: dict) -> Fraction:
    """One number of an entry (``-2``, ``.5``, ``1e-3``) as an exact Fraction, after its limits are checked."""
    match = _NUMBER.match(part)
    if not match:
        raise CnnvizError("matrix_not_a_number", **where)
    mantissa, exponent = match.group(1), match.group(2)
    if sum(ch.isdigit() for ch in mantissa) > MAX_DIGITS:
        raise CnnvizError("matrix_too_many_digits", **where, limit=MAX_DIGITS)
    power = exponent[1:].lstrip("+-") if exponent else ""
    if len(power) > len(str(MAX_EXPONENT)) or power and int(power) > MAX_EXPONENT:  # int() of ≤ 3 digits only
        raise CnnvizError("matrix_exponent_out_of_range", **where, limit=MAX_EXPONENT)
    return Fraction(part)


def _entry(text: str, row: int, col: int) -> float:
    """One typed entry: ``-2``, ``0.5``, ``.5``, ``1e-3``, ``1/16``, ``−1``."""
    where = {"row": row, "col": col, "text": text if len(text) <= MAX_ENTRY_CHARS else text[:MAX_ENTRY_CHARS] + "…"}
    if len(text) > MAX_ENTRY_CHARS:
        raise CnnvizError("matrix_entry_too_long", **where, limit=MAX_ENTRY_CHARS)
    parts = text.replace("−", "-").replace("–", "-").split("/")
    if len(parts) > 2:
        raise CnnvizError("matrix_not_a_number", **where)
    numbers = [_number(p, where) for p in parts]
    if len(numbers) == 2 and numbers[1] == 0:
        raise CnnvizError("matrix_divides_by_zero", **where)
    value = numbers[0] / numbers[1] if len(numbers) == 2 else numbers[0]
    try:
        result = float(value)  # exact numbers of at most ~430 digits: quick
    except OverflowError:
        result = math.inf
    if not math.isfinite(result):  # e.g. 1e999, which float() would turn into infinity
        raise CnnvizError("matrix_entry_too_large", **where)
    return result


def _rows(text: str) -> list[str]:
    flat = re.sub(r"\]\s*[,;]?\s*\[", "\n", text).replace("[", " ").replace("]", " ").replace(";", "\n")
    return [line for line in flat.splitlines() if not _BLANK.fullmatch(line)]


def parse_matrix(text: str, max_size: int = 15, what: str = "matrix") -> np.ndarray:
    """Typed numbers → a float64 array ``(rows, cols)``, at most ``max_size × max_size``.

    One row per line (or rows separated by ``;``); entries separated by spaces or commas;
    ``[[1, 0], [0, 1]]`` works too. ``what`` names the matrix in messages (a ``term.*`` word).
    Raises CnnvizError, checked in this order: not text, too long, empty, too big
    (``the matrix is 16×16; at most 15×15 fits here``), a row whose length differs, then the first
    bad entry (1-based: ``row 2, entry 3: 'x' is not a number``).
    """
    name = Term(what)
    if not isinstance(text, str):
        raise CnnvizError("matrix_not_text", what=name)
    limit = max_size * max_size * (MAX_ENTRY_CHARS + 4) + 64  # every entry at its longest, with separators
    if len(text) > limit:
        raise CnnvizError("matrix_text_too_long", what=name, length=len(text), limit=limit)
    lines = _rows(text)
    if not lines:
        raise CnnvizError("matrix_empty", what=name)
    rows = [[e for e in re.split(r"[\s,]+", line) if e] for line in lines]
    widest = max(len(row) for row in rows)
    if len(rows) > max_size or widest > max_size:
        raise CnnvizError("matrix_too_big", what=name, rows=len(rows), cols=widest, limit=max_size)
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != len(rows[0]):
            raise CnnvizError("matrix_ragged", row=r, count=len(row), first=len(rows[0]))
    values = [[_entry(e, r + 1, c + 1) for c, e in enumerate(row)] for r, row in enumerate(rows)]
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
