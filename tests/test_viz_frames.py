"""The frame model: every animation's frames follow the engine's trace, checked against tests/reference.py."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import cnnviz
from cnnviz.transpose import conv_transpose2d, conv_transpose2d_stamps, transpose_geometry
from cnnviz.viz.frames import (convolution_animation, pooling_animation, transposed_animation,
                               volume_animation)
from tests import reference as ref


def _int_text(v: float) -> str:
    assert v == int(v)
    return str(int(v)).replace("-", "−")


def _windows(rows: list[int], cols: list[int], taps: tuple[int, int], dilation=(1, 1)):
    """Every window's cells in sliding order, from the reference's start positions."""
    for r0, c0 in itertools.product(rows, cols):
        yield tuple((r0 + dilation[0] * a, c0 + dilation[1] * b)
                    for a in range(taps[0]) for b in range(taps[1]))


CONV_CASES = [  # (input shape, kernel shape, stride, padding as given, reference pads, dilation)
    ((5, 5), (3, 3), (1, 1), 0, ((0, 0), (0, 0)), (1, 1)),
    ((7, 6), (3, 2), (2, 3), 1, ((1, 1), (1, 1)), (1, 1)),  # stride that does not divide: unreached cells
    ((6, 6), (2, 2), (1, 1), "same", (ref.same_pads(6, 2), ref.same_pads(6, 2)), (1, 1)),  # 0 top, 1 bottom
    ((7, 7), (3, 3), (1, 1), 0, ((0, 0), (0, 0)), (2, 2)),  # dilation
    ((5, 6), (2, 3), (2, 1), "same", (ref.same_pads(5, 2, 2), ref.same_pads(6, 3)), (1, 1)),
]


@pytest.mark.parametrize("shape, kshape, stride, padding, pads, dilation", CONV_CASES)
def test_convolution_frames_follow_the_sliding_window(shape, kshape, stride, padding, pads, dilation):
    rng = np.random.default_rng(sum(shape) + sum(kshape))
    x = rng.integers(-4, 5, shape).astype(float)
    w = rng.integers(-2, 3, kshape).astype(float)
    animation = convolution_animation(cnnviz.conv2d_trace(x, w, None, stride, padding, dilation))
    span = [(k - 1) * d + 1 for k, d in zip(kshape, dilation)]
    rows = ref.positions(shape[0], span[0], stride[0], *pads[0])
    cols = ref.positions(shape[1], span[1], stride[1], *pads[1])
    expected = ref.conv2d(x[None, None], w[None, None], None, stride, pads, dilation)[0, 0]
    xp = ref.zero_pad(x, pads)

    assert len(animation.frames) == len(rows) * len(cols)
    for n, (frame, window) in enumerate(zip(animation.frames, _windows(rows, cols, kshape, dilation))):
        i, j = divmod(n, len(cols))
        assert frame.number == n + 1
        assert frame.window == ((0, window),)
        assert frame.output == (2, i, j)
        assert frame.equation.endswith(" = " + _int_text(expected[i, j]))
        assert frame.equation.count("·") == w.size
        products = [p for *_, p in frame.products]
        assert products == [_int_text(xp[r, c] * w.ravel()[q]) for q, (r, c) in enumerate(window)]
    padding = animation.grids[0].padding
    assert padding.shape == xp.shape
    (top, bottom), (left, right) = pads
    assert padding[:top].all() and padding[xp.shape[0] - bottom:].all() and padding[:, :left].all()
    assert not padding[top: top + shape[0], left: left + shape[1]].any()
    assert animation.caption == f"padding: top {top}, bottom {bottom}, left {left}, right {right}"


def test_stride_leftovers_are_marked_unreached():
    animation = convolution_animation(cnnviz.conv2d_trace(np.ones((7, 7)), np.ones((3, 3)), stride=2))
    assert not animation.grids[0].unreached.any()  # (7 − 3)/2 divides: nothing left over
    animation = convolution_animation(cnnviz.conv2d_trace(np.ones((8, 8)), np.ones((3, 3)), stride=2))
    unreached = animation.grids[0].unreached
    assert unreached[7].all() and unreached[:, 7].all() and not unreached[:7, :7].any()


def test_same_padding_with_an_even_kernel_shows_the_real_asymmetric_padding():
    animation = convolution_animation(cnnviz.conv2d_trace(np.ones((4, 4)), np.ones((2, 2)), padding="same"))
    assert animation.caption == "padding: top 0, bottom 1, left 0, right 1"
    padding = animation.grids[0].padding
    assert padding[4].all() and padding[:, 4].all() and not padding[:4, :4].any()


def test_flipped_kernel_is_titled_as_flipped_and_drawn_rotated():
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    animation = convolution_animation(cnnviz.conv2d_trace(np.ones((3, 3)), w, flip=True), flip=True)
    assert animation.grids[1].title == "Kernel (flipped 180°)"
    np.testing.assert_array_equal(animation.grids[1].values, [[4, 3], [2, 1]])
    korean = convolution_animation(cnnviz.conv2d_trace(np.ones((3, 3)), w, flip=True), flip=True, lang="ko")
    assert "180°" in korean.grids[1].title and "커널" in korean.grids[1].title


def test_output_map_fills_in_frame_by_frame():
    x = np.arange(16.0).reshape(4, 4)
    w = np.array([[1.0, 0.0], [0.0, -1.0]])
    animation = convolution_animation(cnnviz.conv2d_trace(x, w))
    expected = ref.conv2d(x[None, None], w[None, None])[0, 0]
    for n in (0, 4, 8):
        shown = animation.values_at(n, 2)
        written = np.arange(9).reshape(3, 3) <= n
        np.testing.assert_array_equal(shown[written], expected[written])
        assert np.isnan(shown[~written]).all()


POOL_CASES = [  # (input shape, size, stride, padding, ceil mode)
    ((4, 4), (2, 2), (2, 2), 0, False),
    ((5, 5), (2, 2), (2, 2), 0, True),  # ceil: a last window hangs over the edge
    ((5, 6), (3, 3), (2, 2), 1, True),
    ((6, 5), (3, 2), (1, 2), 1, False),
]


@pytest.mark.parametrize("mode", ["max", "avg", "min"])
@pytest.mark.parametrize("shape, size, stride, padding, ceil", POOL_CASES)
def test_pooling_frames_follow_the_windows_and_mark_the_winner(shape, size, stride, padding, ceil, mode):
    rng = np.random.default_rng(7)
    x = rng.integers(0, 4, shape).astype(float)  # small range: ties happen
    animation = pooling_animation(cnnviz.pool2d_trace(x, size, stride, padding, mode, ceil))
    pads = ((padding, padding), (padding, padding))
    rows = ref.pool_positions(shape[0], size[0], stride[0], *pads[0], ceil)
    cols = ref.pool_positions(shape[1], size[1], stride[1], *pads[1], ceil)
    expected = ref.pool2d(x, size, stride, pads, mode, ceil)
    assert len(animation.frames) == len(rows) * len(cols)
    for n, (frame, window) in enumerate(zip(animation.frames, _windows(rows, cols, size))):
        i, j = divmod(n, len(cols))
        assert frame.window == ((0, window),) and frame.output == (1, i, j)
        assert frame.equation.startswith(mode if mode != "avg" else "(")
        assert frame.equation.split(" = ")[-1] == cnnviz.format_number(expected[i, j])
        if mode == "avg":
            assert frame.winner is None
            continue
        real = [(r, c) for r, c in window if padding <= r < padding + shape[0] and padding <= c < padding + shape[1]]
        values = [x[r - padding, c - padding] for r, c in real]
        best = values.index(max(values) if mode == "max" else min(values))  # ties: the first in the window
        assert frame.winner == (0, *real[best])


def test_average_pooling_shows_the_padded_zeros_it_counts_and_hides_the_overhang():
    x = np.arange(1.0, 17.0).reshape(4, 4)
    assert ref.pool_positions(4, 3, 2, 1, 1, True) == [0, 2, 4]  # the last window reaches row 6 of 0…5
    shown = pooling_animation(cnnviz.pool2d_trace(x, 3, 2, 1, "avg", True)).grids[0].values
    assert shown.shape == (7, 7)  # 4 + 2·1 padded, plus the ceil window's overhang of one
    np.testing.assert_array_equal(shown[1:5, 1:5], x)
    assert (shown[0, :6] == 0).all() and (shown[:6, 5] == 0).all()  # padding: zeros that count
    assert np.isnan(shown[6]).all() and np.isnan(shown[:, 6]).all()  # overhang: outside even the padding
    hidden = pooling_animation(cnnviz.pool2d_trace(x, 3, 2, 1, "max", True)).grids[0].values
    assert np.isnan(hidden[0]).all()  # max pooling's −∞ padding is not a number to read


def test_volume_frames_sum_the_channels_filter_by_filter():
    rng = np.random.default_rng(3)
    x = rng.integers(-2, 3, (3, 4, 4)).astype(float)
    w = rng.integers(-1, 2, (2, 3, 3, 3)).astype(float)
    b = np.array([1.0, -2.0])
    animation = volume_animation(cnnviz.conv2d_trace(x, w, b, 1, 1), ["R", "G", "B"])
    pads = ((1, 1), (1, 1))
    xp = ref.zero_pad(x, pads)
    expected = ref.conv2d(x[None], w, b, (1, 1), pads)[0]
    windows = list(_windows(ref.positions(4, 3, 1, 1, 1), ref.positions(4, 3, 1, 1, 1), (3, 3)))
    assert len(animation.frames) == 2 * len(windows)
    assert [g.title for g in animation.grids[:2]] == ["x · R", "filter slice · R"]
    for n, frame in enumerate(animation.frames):
        k, cell = divmod(n, len(windows))
        i, j = divmod(cell, 4)
        window = windows[cell]
        assert frame.window == tuple((2 * c, window) for c in range(3))
        assert frame.output == (6 + k, i, j)
        sums = [sum(xp[c, r, q] * w[k, c].ravel()[t] for t, (r, q) in enumerate(window)) for c in range(3)]
        terms = [f"({_int_text(s)})" if s < 0 else _int_text(s) for s in sums + [b[k]]]
        assert frame.equation == " + ".join(terms) + " = " + _int_text(expected[k, i, j])
        for c in range(3):
            np.testing.assert_array_equal(dict(frame.updates)[2 * c + 1], w[k, c])


@pytest.mark.parametrize("stride, padding, dilation", [(1, 0, 1), (2, 1, 1), (2, 0, 2)])
def test_transposed_frames_stamp_each_input_pixel(stride, padding, dilation):
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    w = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    geometry = transpose_geometry(x.shape, w.shape, stride, padding, 0, dilation)
    animation = transposed_animation(x, conv_transpose2d_stamps(x, w, stride, padding, 0, dilation), geometry)
    full = stride * (2 - 1) + dilation * (3 - 1) + 1  # uncropped size, from the definition
    canvas = np.zeros((full, full))
    assert len(animation.frames) == 4
    for n, frame in enumerate(animation.frames):
        i, j = divmod(n, 2)
        rows = [i * stride + dilation * a for a in range(3)]
        cols = [j * stride + dilation * a for a in range(3)]
        for a, r in enumerate(rows):
            for q, c in enumerate(cols):
                canvas[r, c] += x[i, j] * w[a, q]
        assert frame.output == (0, i, j)
        assert frame.window == ((1, tuple((r, c) for r in rows for c in cols)),)
        v = _int_text(x[i, j])
        assert frame.equation == (f"x[{i + 1}, {j + 1}] = {v}: adds {v} × kernel to "
                                  f"rows {rows[0] + 1}–{rows[-1] + 1}, columns {cols[0] + 1}–{cols[-1] + 1}")
        shown = animation.values_at(n, 1)
        np.testing.assert_array_equal(shown[np.isfinite(shown)], canvas[np.isfinite(shown)])
    cropped = animation.grids[1].padding
    assert cropped[:padding].all() and not cropped[padding: full - padding, padding: full - padding].any()
    np.testing.assert_allclose(canvas[padding: full - padding, padding: full - padding],
                               conv_transpose2d(x, w, None, stride, padding, 0, dilation))
