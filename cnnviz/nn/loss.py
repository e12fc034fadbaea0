r"""Softmax and the softmax cross-entropy loss.

.. math::
    p_{nj} = \frac{e^{z_{nj} - m_n}}{\sum_i e^{z_{ni} - m_n}},\qquad
    L = -\frac{1}{N}\sum_n \log p_{n,y_n},\qquad
    \frac{\partial L}{\partial z_{nj}} = \frac{p_{nj} - [j = y_n]}{N}

(subtracting each row's maximum ``m_n`` changes nothing mathematically and avoids overflow).
"""
from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    """Class probabilities ``(N, K)`` from scores ``(N, K)``; each row sums to 1."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    e /= e.sum(axis=-1, keepdims=True)
    return e


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Mean loss over the batch, its gradient ``∂L/∂logits (N, K)``, and the probabilities ``(N, K)``.

    ``labels`` are class indices ``(N,)``.
    """
    n = len(logits)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_norm  # log-softmax, (N, K)
    rows = np.arange(n)
    loss = float(-log_p[rows, labels].mean())
    probs = np.exp(log_p)
    dlogits = probs.copy()
    dlogits[rows, labels] -= 1
    dlogits /= n
    return loss, dlogits, probs
