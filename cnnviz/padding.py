"""Padding an image's border: zeros, reflect, replicate or circular."""
from __future__ import annotations

import numpy as np

from .shapes import check_int, split_padding_2d

PAD_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _side_pair(name: str, value) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} padding must be a number or a (before, after) pair, got {value!r}")
        return check_int(f"{name} padding", value[0], 0), check_int(f"{name} padding", value[1], 0)
    p = check_int(f"{name} padding", value, 0)
    return p, p


def explicit_pads(padding) -> tuple[tuple[int, int], tuple[int, int]]:
    """``p``, ``(ph, pw)`` or ``((top, bottom), (left, right))`` → ``((top, bottom), (left, right))``."""
    if isinstance(padding, str):
        raise ValueError("pad2d needs explicit padding numbers; resolve a mode with resolve_padding first")
    rows, cols = split_padding_2d(padding)
    return _side_pair("row", rows), _side_pair("column", cols)


def pad2d(x, padding, mode: str = "zeros") -> np.ndarray:
    """Pad the last two axes of ``x`` (``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)``).

    ``mode``: ``'zeros'``, ``'reflect'`` (mirror without repeating the edge, like PyTorch),
    ``'replicate'`` (repeat the edge pixel) or ``'circular'`` (wrap around).
    """
    x = np.asarray(x)
    if x.ndim < 2 or x.size == 0:
        raise ValueError(f"pad2d needs a non-empty image of at least 2 dimensions, got shape {x.shape}")
    if not isinstance(mode, str) or mode not in PAD_MODES:
        raise ValueError(f"padding mode must be one of {', '.join(PAD_MODES)}, got {mode!r}")
    (top, bottom), (left, right) = explicit_pads(padding)
    h, w = x.shape[-2:]
    if mode == "reflect" and (max(top, bottom) >= h or max(left, right) >= w):
        raise ValueError(f"reflect padding must be smaller than the image ({h}×{w}), "
                         f"got {top}/{bottom} rows and {left}/{right} columns")
    if mode == "circular" and (max(top, bottom) > h or max(left, right) > w):
        raise ValueError(f"circular padding cannot exceed the image size ({h}×{w})")
    widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    return np.pad(x, widths, mode=PAD_MODES[mode])
