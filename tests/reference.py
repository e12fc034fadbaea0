"""Independent reference implementations for the engine tests, written from the definitions.

Nothing here imports ``cnnviz``: sizes come from counting window positions, convolution from the
direct double sum over an explicitly zero-padded, explicitly dilated input, pooling from looping over
windows and looking only at real pixels. Padding arguments here are always explicit
``((top, bottom), (left, right))``.
"""
from __future__ import annotations

import numpy as np


def positions(n: int, span: int, stride: int, before: int = 0, after: int = 0) -> list[int]:
    """Start positions (padded coordinates) of every window that fits inside the padded axis."""
    padded = n + before + after
    starts, start = [], 0
    while start + span <= padded:
        starts.append(start)
        start += stride
    return starts


def pool_positions(n: int, f: int, stride: int, before: int, after: int, ceil_mode: bool) -> list[int]:
    """Window starts of PyTorch pooling, described in words rather than by its formula.

    Floor mode: windows that fit. Ceil mode: keep sliding until some window has covered the last
    padded pixel, but never start a window inside the right padding.
    """
    padded = n + before + after
    if not ceil_mode:
        return positions(n, f, stride, before, after)
    starts, start = [], 0
    while True:
        if start >= n + before:  # would start in the right padding (or beyond): dropped
            break
        starts.append(start)
        if start + f >= padded:  # this window reached the last padded pixel
            break
        start += stride
    return starts


def zero_pad(x: np.ndarray, pads) -> np.ndarray:
    """Zero-pad the last two axes by building a bigger array and copying ``x`` into its middle."""
    (t, b), (l, r) = pads
    h, w = x.shape[-2:]
    out = np.zeros(x.shape[:-2] + (h + t + b, w + l + r), dtype=np.float64)
    out[..., t: t + h, l: l + w] = x
    return out


def dilate_kernel(w: np.ndarray, dilation) -> np.ndarray:
    """Insert ``d − 1`` zeros between the taps of the last two axes: a dilated kernel is a sparse big one."""
    dh, dw = dilation
    fh, fw = w.shape[-2:]
    out = np.zeros(w.shape[:-2] + ((fh - 1) * dh + 1, (fw - 1) * dw + 1), dtype=np.float64)
    out[..., ::dh, ::dw] = w
    return out


def conv2d(x, w, b=None, stride=(1, 1), pads=((0, 0), (0, 0)), dilation=(1, 1), flip=False) -> np.ndarray:
    """Direct definition: ``out[n,k,i,j] = b[k] + Σ_c Σ_u Σ_v xpad[n,c,i·sh+u,j·sw+v] · wdil[k,c,u,v]``.

    ``x`` is ``(N, C, H, W)``, ``w`` is ``(K, C, fh, fw)``; returns ``(N, K, Ho, Wo)`` in float64.
    ``flip`` rotates the kernel by 180° (index reversal written out) before anything else.
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if flip:
        fh, fw = w.shape[-2:]
        rotated = np.empty_like(w)
        for u in range(fh):
            for v in range(fw):
                rotated[..., u, v] = w[..., fh - 1 - u, fw - 1 - v]
        w = rotated
    xp, wd = zero_pad(x, pads), dilate_kernel(w, dilation)
    n_img, _, hp, wp = xp.shape
    k_out, _, eh, ew = wd.shape
    rows = positions(hp, eh, stride[0])
    cols = positions(wp, ew, stride[1])
    out = np.zeros((n_img, k_out, len(rows), len(cols)))
    for n in range(n_img):
        for k in range(k_out):
            for i, r in enumerate(rows):
                for j, c in enumerate(cols):
                    window = xp[n, :, r: r + eh, c: c + ew]  # (C, eh, ew), zeros between dilated taps
                    out[n, k, i, j] = np.sum(window * wd[k]) + (0.0 if b is None else float(b[k]))
    return out


def same_pads(n: int, f: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    """TensorFlow's 'same': ``⌈n/s⌉`` outputs, the least total padding for that, odd pixel after."""
    out = -(-n // stride)
    needed = (out - 1) * stride + dilation * (f - 1) + 1
    total = max(needed - n, 0)
    return total // 2, total - total // 2


def pool2d(x, size, stride, pads, mode: str, ceil_mode: bool = False) -> np.ndarray:
    """Naive pooling of a 2-D image ``(H, W)`` with PyTorch semantics.

    max / min look only at real pixels; avg divides the sum of real pixels by the number of window
    taps that lie inside the padded image (padded zeros count, ceil mode's overhang does not).
    """
    x = np.asarray(x, dtype=np.float64)
    (fh, fw), (sh, sw) = size, stride
    (t, b), (l, r) = pads
    h, w = x.shape
    rows = pool_positions(h, fh, sh, t, b, ceil_mode)
    cols = pool_positions(w, fw, sw, l, r, ceil_mode)
    out = np.zeros((len(rows), len(cols)))
    for i, r0 in enumerate(rows):
        for j, c0 in enumerate(cols):
            real, taps_in_padded = [], 0
            for u in range(r0, r0 + fh):
                for v in range(c0, c0 + fw):
                    if u < h + t + b and v < w + l + r:
                        taps_in_padded += 1
                    if t <= u < t + h and l <= v < l + w:
                        real.append(x[u - t, v - l])
            if mode == "max":
                out[i, j] = max(real)
            elif mode == "min":
                out[i, j] = min(real)
            else:
                out[i, j] = sum(real) / taps_in_padded
    return out


def coverage(hw, fhw, stride, pads, dilation) -> np.ndarray:
    """For each real input pixel, how many output cells read it through some kernel tap."""
    (h, w), (fh, fw), (sh, sw), (dh, dw) = hw, fhw, stride, dilation
    (t, b), (l, r) = pads
    counts = np.zeros((h, w), dtype=np.int64)
    for r0 in positions(h, (fh - 1) * dh + 1, sh, t, b):
        for c0 in positions(w, (fw - 1) * dw + 1, sw, l, r):
            for u in range(fh):
                for v in range(fw):
                    row, col = r0 + u * dh - t, c0 + v * dw - l
                    if 0 <= row < h and 0 <= col < w:
                        counts[row, col] += 1
    return counts


def transposed_output_size(n: int, f: int, stride: int, padding: int, output_padding: int, dilation: int) -> int:
    """Size of a transposed conv by construction: scatter each input pixel's dilated kernel at ``i·s``,
    take the extent of the result, add the one-sided ``output_padding``, crop ``padding`` from both ends."""
    written = {i * stride + u * dilation for i in range(n) for u in range(f)}
    return max(written) + 1 + output_padding - 2 * padding


def output_size(n: int, f: int, stride: int, padding, dilation: int = 1) -> int:
    """Count the window positions along one axis; ``padding`` is per side, or 'valid' / 'same' / 'full'."""
    span = dilation * (f - 1) + 1
    if padding == "same":
        before, after = same_pads(n, f, stride, dilation)
    elif padding == "valid":
        before, after = 0, 0
    elif padding == "full":
        before, after = span - 1, span - 1
    else:
        before, after = padding, padding
    return len(positions(n, span, stride, before, after))


def receptive_field_size(layers) -> int:
    """Input pixels (one axis) that output pixel 0 of the last layer depends on, padding included.

    ``layers`` are ``(f, stride, dilation)``; walk back from output index 0, collecting every input index
    some tap of some window reads (padding only shifts the indices, so it does not change the count).
    """
    seen = {0}
    for f, stride, dilation in reversed(layers):
        seen = {i * stride + u * dilation for i in seen for u in range(f)}
    return max(seen) - min(seen) + 1


def conv_param_count(in_channels: int, filters: int, fh: int, fw: int, bias: bool = True) -> int:
    """Count the entries of the weight tensor (filters, in_channels, fh, fw) and the bias vector."""
    weights = np.zeros((filters, in_channels, fh, fw))
    return weights.size + (np.zeros(filters).size if bias else 0)


def dense_param_count(n_in: int, n_out: int) -> int:
    """Count the entries of the weight matrix (n_out, n_in) and the bias vector."""
    return np.zeros((n_out, n_in)).size + np.zeros(n_out).size


def max_pool_argmax(x, size: int, stride: int, i: int, j: int) -> tuple[int, int]:
    """(row, col) of the largest pixel of window (i, j), no padding; the first in reading order on ties."""
    best = None
    for u in range(i * stride, i * stride + size):
        for v in range(j * stride, j * stride + size):
            if best is None or x[u][v] > x[best[0]][best[1]]:
                best = (u, v)
    return best
