r"""Data augmentation: small random moves, turns and size changes of each digit.

A network that sees every training digit slightly shifted, rotated and scaled learns that these
changes do not change the digit — the classic way to get more out of a small MNIST sample.

Each output pixel ``p`` looks up the source position (``c`` the image centre, ``θ`` the angle,
``s`` the scale, ``t`` the shift)

.. math:: q = \tfrac{1}{s}\,R(-θ)\,(p - c - t) + c

and takes the bilinear blend of the four pixels around ``q``; positions outside the image read 0
(background). With ``θ = 0``, ``s = 1`` and a whole-pixel ``t`` this is an exact translation.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def affine_warp(images: np.ndarray, angle, scale, shift) -> np.ndarray:
    """Warp each image ``(N, H, W)`` (uint8 or float) by its own ``angle`` (degrees, counter-clockwise as
    displayed), ``scale`` (``N,``) and ``shift`` (``(N, 2)``: rows down, columns right, in pixels).
    """
    n, h, w = images.shape
    f32 = np.float32
    theta = np.deg2rad(np.asarray(angle, dtype=f32))[:, None, None]
    inv = (1 / np.asarray(scale, dtype=f32))[:, None, None]
    shift = np.asarray(shift, dtype=f32)
    cy, cx = f32((h - 1) / 2), f32((w - 1) / 2)
    y = np.arange(h, dtype=f32)[None, :, None] - cy - shift[:, 0, None, None]  # (N, H, 1)
    x = np.arange(w, dtype=f32)[None, None, :] - cx - shift[:, 1, None, None]  # (N, 1, W)
    cos, sin = np.cos(theta) * inv, np.sin(theta) * inv
    # rows point down, so a counter-clockwise turn on screen is a clockwise one in (x, y) maths axes
    src_y = cos * y + sin * x + cy  # (N, H, W)
    src_x = cos * x - sin * y + cx
    # bilinear weights, and the top-left neighbour in an image with a 1-pixel background ring;
    # clipping sends every position outside the image to that ring, whose pixels are 0
    np.clip(src_y, -1, h, out=src_y)
    np.clip(src_x, -1, w, out=src_x)
    y0, x0 = np.floor(src_y), np.floor(src_x)
    fy, fx = src_y - y0, src_x - x0
    padded = np.pad(images, ((0, 0), (1, 2), (1, 2))).astype(f32).ravel()  # rows/cols −1 … H+1
    stride = w + 3
    corner = (np.arange(n)[:, None, None] * (h + 3) + y0.astype(np.intp) + 1) * stride + x0.astype(np.intp) + 1
    top = padded.take(corner) * (1 - fx) + padded.take(corner + 1) * fx
    bottom = padded.take(corner + stride) * (1 - fx) + padded.take(corner + stride + 1) * fx
    out = top * (1 - fy) + bottom * fy
    if np.issubdtype(images.dtype, np.integer):
        np.rint(out, out=out)
    return out.astype(images.dtype)


def random_affine(images: np.ndarray, rng: np.random.Generator, max_shift: float = 2.0,
                  max_rotation: float = 10.0, max_scale: float = 0.1) -> np.ndarray:
    """Each image ``(N, H, W)`` moved by up to ``max_shift`` pixels along each axis, turned by up to
    ``max_rotation`` degrees and scaled by a factor in ``1 ± max_scale`` (uniform draws from ``rng``).
    """
    n = len(images)
    angle = rng.uniform(-max_rotation, max_rotation, n)
    scale = rng.uniform(1 - max_scale, 1 + max_scale, n)
    shift = rng.uniform(-max_shift, max_shift, (n, 2))
    return affine_warp(images, angle, scale, shift)


def random_shift(images: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Move each image ``(N, H, W)`` by its own random whole-pixel offset in ``[−max_shift, max_shift]``
    along each axis; pixels moved in from outside are 0 (background). ``max_shift=0`` → a copy.
    """
    n, h, w = images.shape
    s = max_shift
    offsets = rng.integers(0, 2 * s + 1, size=(2, n))  # per image: where the crop starts in the padded image
    padded = np.pad(images, ((0, 0), (s, s), (s, s)))  # (N, H+2s, W+2s)
    crops = sliding_window_view(padded, (h, w), axis=(1, 2))  # (N, 2s+1, 2s+1, H, W), a view
    return crops[np.arange(n), offsets[0], offsets[1]]  # (N, H, W)
