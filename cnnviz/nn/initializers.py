r"""Seeded weight initialisation.

* ``"he"`` (Kaiming uniform, for ReLU networks): ``U(−a, a)`` with ``a = √(6 / fan_in)``, so the
  variance ``2 / fan_in`` keeps activations from shrinking or exploding through ReLUs.
* ``"xavier"`` (Glorot uniform, Keras' default, for tanh networks): ``a = √(6 / (fan_in + fan_out))``.

Biases start at zero. Randomness always comes from an explicit ``np.random.Generator``.
"""
from __future__ import annotations

import numpy as np

INITS = ("he", "xavier")


def initial_weights(init: str, shape: tuple[int, ...], fan_in: int, fan_out: int,
                    rng: np.random.Generator | None, dtype=np.float32) -> np.ndarray:
    """An array of ``shape`` drawn by the ``init`` rule (``rng=None`` → a fixed generator, seed 0)."""
    if init not in INITS:
        raise ValueError(f"initialisation must be one of {', '.join(INITS)}, got {init!r}")
    rng = np.random.default_rng(0) if rng is None else rng
    limit = np.sqrt(6.0 / fan_in) if init == "he" else np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)
