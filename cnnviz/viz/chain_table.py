"""The layer-chain calculator's result table and shape flow, as plain rows in the reader's language.

Every number comes from ``cnnviz.networks.table.summarize_table``; this module only formats it. Words come
from the catalogue (``chain.col.*``, ``chain.cell.*``) in ``lang``.
"""
from __future__ import annotations

from ..locales import t
from ..shapes import Geometry2D
from .style import shape_text

COLUMNS = ("index", "layer", "output", "formula", "width_formula", "field", "jump", "params")


def spatial_text(shape) -> str:
    """``28`` for a square ``(C, H, W)`` map, ``28×20`` otherwise."""
    return str(shape[1]) if shape[1] == shape[2] else f"{shape[1]}×{shape[2]}"


def shape_flow(result, input_shape) -> tuple[str, str]:
    """``32 → 28 → 14`` and ``32×32×1 → 28×28×6 → …`` over the rows that fit."""
    shapes = [input_shape] + [r.result.output_shape for r in result.rows if r.status == "ok"]
    return " → ".join(map(spatial_text, shapes)), " → ".join(map(shape_text, shapes))


def _window(row) -> Geometry2D | None:
    window = row.layer.apply(row.input_shape).window if row.layer is not None else None
    return window if isinstance(window, Geometry2D) else None


def formulas(row, square: bool) -> tuple[str, str]:
    """The output-size formulas of one row: for a square chain the height's, worked step by step (the
    width's is the same); otherwise height and width, each as one line, so both fit a 1280-px screen."""
    window = _window(row)
    if window is None:
        return "", ""
    if square:
        return window.rows.worked(), ""
    return window.rows.formula(), window.cols.formula()


def chain_table(result, types, lang: str) -> list[dict]:
    """One dict per non-empty row, keyed by the translated column titles; every cell filled ('' or —)."""
    titles = {c: t(f"chain.col.{c}", lang) for c in COLUMNS}
    ok = [r.result for r in result.rows if r.status == "ok"]
    square = all(_window_square(r) for r in ok)
    table = []
    for r in result.rows:
        if r.status == "empty":
            continue
        line = dict.fromkeys(COLUMNS, "")
        line |= {"index": r.index + 1, "layer": r.name or types[r.index] or "?"}
        if r.status == "ok":
            rf = r.result.rf
            height, width = formulas(r.result, square)
            line |= {"output": shape_text(r.result.output_shape), "formula": height, "width_formula": width,
                     "field": f"{rf.size[0]} × {rf.size[1]}",
                     "jump": str(rf.jump[0]) if rf.jump[0] == rf.jump[1] else f"{rf.jump[0]} × {rf.jump[1]}",
                     "params": f"{r.result.params:,}"}
        else:
            line["output"] = t("chain.cell.cannot_fit" if r.status == "error" else "chain.cell.not_computed", lang)
        if square:
            del line["width_formula"]
        table.append({titles[c]: v for c, v in line.items()})
    return table


def _window_square(row) -> bool:
    window = _window(row)
    return window is None or window.rows == window.cols
