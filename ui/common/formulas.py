"""Formulas in page text: a line may break between the steps of a worked formula, never inside one."""
from __future__ import annotations

NOWRAP = "<span style='white-space:nowrap'>{}</span>"


def unbroken(formula: str) -> str:
    """HTML for ``formula`` that wraps only at its `` = ``: ``⌊(8 − 3)/2⌋ + 1 = ⌊5/2⌋ + 1 = 3`` keeps
    ``⌊(8 − 3)/2⌋ + 1`` whole. For markdown with ``unsafe_allow_html=True``."""
    return " = ".join(NOWRAP.format(part) for part in formula.split(" = "))
