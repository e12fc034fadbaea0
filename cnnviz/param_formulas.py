r"""The parameter counts of :func:`cnnviz.layer.conv_vs_dense` written out as LaTeX, every factor named.

``K·(f·f·C) + K`` for the convolution and ``(H·W·C)·(Ho·Wo·K) + Ho·Wo·K`` for the dense layer, with the
numbers of one :class:`~cnnviz.layer.ConvVsDense`; the words under the braces come from the caller (translated).
"""
from __future__ import annotations

from dataclasses import dataclass

from .layer import ConvVsDense


@dataclass(frozen=True)
class FormulaWords:
    """The words under the braces (plain text; the caller translates them)."""

    filters: str  # K
    kernel: str  # f·f
    channels: str  # C
    biases: str
    inputs: str
    outputs: str


DOT = r"\cdot "


def _brace(value: str, note: str) -> str:
    return r"\underbrace{" + value + "}_{" + note + "}"


def _n(value: int) -> str:
    """A whole number with thousands separators that LaTeX does not space out: 12{,}345."""
    return f"{value:,}".replace(",", "{,}")


def _named(symbol: str, word: str) -> str:
    return symbol + r"\text{ " + word + "}"


def conv_latex(cmp: ConvVsDense, words: FormulaWords) -> str:
    """``K·(fh·fw·C) [+ K] = total``: the conv layer's count, each factor under its name."""
    k, (fh, fw), c = cmp.output_shape[0], cmp.kernel, cmp.input_shape[0]
    text = (_brace(str(k), _named("K", words.filters)) + DOT + "("
            + _brace(f"{fh}{DOT}{fw}", _named(f"f{DOT}f", words.kernel)) + DOT
            + _brace(str(c), _named("C", words.channels)) + ")")
    if cmp.conv.biases:
        text += " + " + _brace(str(k), _named("K", words.biases))
    return f"{text} = {_n(cmp.conv.total)}"


def dense_latex(cmp: ConvVsDense, words: FormulaWords) -> str:
    """``(H·W·C)·(Ho·Wo·K) [+ Ho·Wo·K] = total``: the dense layer's count, inputs and outputs named."""
    c, h, w = cmp.input_shape
    k, ho, wo = cmp.output_shape
    text = (_brace(f"{h}{DOT}{w}{DOT}{c}", _named(_n(c * h * w), words.inputs)) + DOT
            + _brace(f"{ho}{DOT}{wo}{DOT}{k}", _named(_n(k * ho * wo), words.outputs)))
    if cmp.dense.biases:
        text += " + " + _brace(_n(k * ho * wo), _named("", words.biases))
    return f"{text} = {_n(cmp.dense.total)}"
