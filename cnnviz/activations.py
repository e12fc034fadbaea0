r"""Activation functions, elementwise on arrays of any shape.

``relu(z) = max(z, 0)``; ``leaky_relu(z) = z`` for ``z > 0`` and ``slope·z`` otherwise;
``sigmoid(z) = 1/(1 + e^{−z})``; ``tanh(z) = (e^z − e^{−z})/(e^z + e^{−z})``.
"""
from __future__ import annotations

import numpy as np

from .conv import as_numeric
from .errors import CnnvizError, Term

ACTIVATIONS = ("relu", "leaky_relu", "sigmoid", "tanh")


def relu(z) -> np.ndarray:
    """``max(z, 0)``, same shape as ``z``."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, 0.0)


def leaky_relu(z, slope: float = 0.01) -> np.ndarray:
    """``z`` where ``z > 0``, else ``slope·z``; ``slope`` is the gradient on the negative side."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, slope * z)


def sigmoid(z) -> np.ndarray:
    """``1/(1 + e^{−z})`` in (0, 1), computed without overflow for large ``|z|``."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh(z) -> np.ndarray:
    """Hyperbolic tangent, in (−1, 1)."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def activate(z, name: str, slope: float = 0.01) -> np.ndarray:
    """Apply the activation called ``name`` (one of ``ACTIVATIONS``); ``slope`` is leaky ReLU's."""
    z = as_numeric("activation input", z)
    if name == "relu":
        return relu(z)
    if name == "leaky_relu":
        if not 0 <= slope < 1:
            raise CnnvizError("slope_out_of_range", slope=slope)
        return leaky_relu(z, slope)
    if name == "sigmoid":
        return sigmoid(z)
    if name == "tanh":
        return tanh(z)
    raise CnnvizError("not_one_of", name=Term("activation"), options=", ".join(ACTIVATIONS), value=repr(name))


_LATEX = {
    "relu": r"\mathrm{ReLU}(z) = \max(z,\,0)",
    "leaky_relu": r"\mathrm{Leaky\,ReLU}(z) = \begin{cases} z & z > 0 \\ SLOPE\,z & z \le 0 \end{cases}",
    "sigmoid": r"\sigma(z) = \dfrac{1}{1 + e^{-z}}",
    "tanh": r"\tanh(z) = \dfrac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
}


def activation_latex(name: str, slope: float = 0.01) -> str:
    """The definition of the activation ``name`` as LaTeX (leaky ReLU with its ``slope`` written in)."""
    if name not in _LATEX:
        raise CnnvizError("not_one_of", name=Term("activation"), options=", ".join(ACTIVATIONS), value=repr(name))
    return _LATEX[name].replace("SLOPE", f"{slope:g}")
