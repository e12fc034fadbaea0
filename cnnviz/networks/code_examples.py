"""Example model programs the "Your own network" page offers, kept as plain .py text in ``examples/``.

``EXAMPLES``: names in menu order; ``example_code(name) -> str``. They are read as text, never imported.
"""
from __future__ import annotations

from pathlib import Path

EXAMPLES = ("keras_lenet", "torch_vgg_block", "torch_lenet", "keras_does_not_fit")
_FOLDER = Path(__file__).resolve().parent / "examples"


def example_code(name: str) -> str:
    """The program called ``name`` (one of ``EXAMPLES``)."""
    if name not in EXAMPLES:
        raise ValueError(f"unknown example {name!r}; choose one of {', '.join(EXAMPLES)}")
    return (_FOLDER / f"{name}.py").read_text(encoding="utf-8")
