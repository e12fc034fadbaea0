"""Padding an image's border: zeros, reflect, replicate or circular."""
from __future__ import annotations

import numpy as np

from .errors import CnnvizError, Term
from .shapes import check_int, split_padding_2d

PAD_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _side_pair(name: Term, value) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise CnnvizError("not_a_side_pair", name=name, value=repr(value))
        return check_int(name, value[0], 0), check_int(name, value[1], 0)
    p = check_int(name, value, 0)
    return p, p


def explicit_pads(padding) -> tuple[tuple[int, int], tuple[int, int]]:
    """``p``, ``(ph, pw)`` or ``((top, bottom), (left, right))`` → ``((top, bottom), (left, right))``."""
    if isinstance(padding, str):
        raise CnnvizError("pad2d_needs_numbers", value=repr(padding))
    rows, cols = split_padding_2d(padding)
    return _side_pair(Term("row padding"), rows), _side_pair(Term("column padding"), cols)


def pad2d(x, padding, mode: str = "zeros") -> np.ndarray:
    """Pad the last two axes of ``x`` (``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)``).

    ``mode``: ``'zeros'``, ``'reflect'`` (mirror without repeating the edge, like PyTorch),
    ``'replicate'`` (repeat the edge pixel) or ``'circular'`` (wrap around).
    """
    try:
        x = np.asarray(x)
    except ValueError:  # ragged nested lists
        raise CnnvizError("not_rectangular", name=Term("input")) from None
    if x.ndim < 2 or x.size == 0:
        raise CnnvizError("pad2d_needs_image", shape=x.shape)
    if not isinstance(mode, str) or mode not in PAD_MODES:
        raise CnnvizError("not_one_of", name=Term("padding mode"), options=", ".join(PAD_MODES), value=repr(mode))
    (top, bottom), (left, right) = explicit_pads(padding)
    h, w = x.shape[-2:]
    if mode == "reflect" and (max(top, bottom) >= h or max(left, right) >= w):
        raise CnnvizError("reflect_padding_too_large", h=h, w=w, top=top, bottom=bottom, left=left, right=right)
    if mode == "circular" and (max(top, bottom) > h or max(left, right) > w):
        raise CnnvizError("circular_padding_too_large", h=h, w=w, top=top, bottom=bottom, left=left, right=right)
    widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    return np.pad(x, widths, mode=PAD_MODES[mode])
