"""A layer table (data-editor rows) as one short text setting, so that it travels in the lesson link.

``conv,6,5,1,0;maxpool,,2,2,0`` is two rows of the columns ``type, out, kernel, stride, padding``: rows
are joined by ``;``, cells by ``,``, a blank cell is empty. Cells are kept as the editor gives them (text,
or a whole number in a number column) after :meth:`TableCodec.clean`; whether a row makes a layer is the
engine's question (``cnnviz.networks.table``), not the codec's, so a lesson with a broken row travels too.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import pandas as pd

from cnnviz.networks.table import is_blank

MAX_ROWS = 64
MAX_CELL = 16
MAX_NUMBER = 10**7
_CELL = re.compile(r"[^;,\s\x00-\x1f\x7f]{0,%d}" % MAX_CELL)
_NUMBER = re.compile(r"-?\d{1,7}(\.\d{0,5}[1-9])?")


def editor_key(prefix: str, base: str) -> str:
    """The data editor's widget key for a table that started as ``base``: a new start (an example picked,
    a link opened) is a new editor, so edits made to the old one are not replayed onto it."""
    return f"{prefix}.table.{zlib.crc32(base.encode()):08x}"


def _number(value) -> int | float | None:
    """A number cell: an int when whole, else a float to 6 decimals; ``None`` when it is not a number in range.
    Wrong values (0 filters, 2.5 units) are kept: the engine explains them."""
    try:
        number = round(float(value), 6)
    except (TypeError, ValueError):
        return None
    if not abs(number) < MAX_NUMBER:  # also NaN
        return None
    return int(number) if number.is_integer() else number


def _number_text(number) -> str:
    return str(number) if isinstance(number, int) else f"{number:.6f}".rstrip("0")


@dataclass(frozen=True)
class TableCodec:
    """Rows of ``columns`` ↔ text. ``numbers``: the columns holding a whole number (the editor's NumberColumn)."""

    columns: tuple[str, ...]
    numbers: tuple[str, ...] = ("out",)

    def clean(self, rows) -> list[dict]:
        """Editor rows in the codec's form: every column present, blanks ``None``, text without spaces or
        separators, numbers as :func:`_number` gives them."""
        out = []
        for row in list(rows)[:MAX_ROWS]:
            cells = {}
            for column in self.columns:
                value = row.get(column)
                if is_blank(value):
                    cells[column] = None
                elif column in self.numbers:
                    cells[column] = _number(value)
                else:
                    text = re.sub(r"[\s\x00-\x1f\x7f]", "", str(value)).replace(",", "x").replace(";", "")
                    cells[column] = text[:MAX_CELL] or None
            out.append(cells)
        return out

    def encode(self, rows) -> str:
        """Cleaned rows → text (trailing blank cells of a row are dropped)."""
        lines = []
        for row in self.clean(rows):
            cells = ["" if row[c] is None else _number_text(row[c]) if c in self.numbers else row[c]
                     for c in self.columns]
            while cells and not cells[-1]:
                cells.pop()
            lines.append(",".join(cells) or ",")  # a blank row stays a row
        return ";".join(lines)

    def decode(self, text: str) -> list[dict]:
        """Text → rows; ValueError when it is not a table this codec wrote."""
        if not isinstance(text, str):
            raise ValueError("not text")
        if not text:
            return []
        lines = text.split(";")
        if len(lines) > MAX_ROWS:
            raise ValueError("too many rows")
        rows = []
        for line in lines:
            cells = line.split(",")
            if len(cells) > len(self.columns):
                raise ValueError("too many cells")
            cells += [""] * (len(self.columns) - len(cells))
            row = {}
            for column, cell in zip(self.columns, cells):
                if column in self.numbers:
                    if cell and not _NUMBER.fullmatch(cell):
                        raise ValueError("not a whole number")
                    row[column] = (float(cell) if "." in cell else int(cell)) if cell else None
                else:
                    if not _CELL.fullmatch(cell):
                        raise ValueError("unreadable cell")
                    row[column] = cell or None
            rows.append(row)
        return rows

    def frame(self, rows) -> pd.DataFrame:
        """Rows as the data editor's start, numbered from 1: text columns as text and numbers as nullable
        integers, so a blank cell shows blank (not "None")."""
        frame = pd.DataFrame(self.clean(rows), columns=list(self.columns), index=range(1, len(rows) + 1))
        text = [c for c in self.columns if c not in self.numbers]
        whole = {c: "Int64" if all(isinstance(v, int) for v in frame[c].dropna()) else "Float64" for c in self.numbers}
        return frame.astype(whole | {c: "string" for c in text})
