"""Transposed convolution: against the scatter definition, the adjoint of conv2d, textbook examples,
its direct-convolution view and its scatter trace."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cnnviz.conv import conv2d
from cnnviz.transpose import (
    IMPLICIT_PADDING,
    INPUT,
    INSERTED_ZERO,
    OUTPUT_PADDING,
    as_direct_convolution,
    conv_transpose2d,
    conv_transpose2d_stamps,
    transpose_geometry,
)


def scatter_reference(x, w, b, stride, padding, output_padding, dilation):
    """The definition, with loops: every input value stamps value·kernel onto a big canvas (taps
    ``d`` apart, stamps ``s`` apart); crop ``p`` from both ends of the stamped area and keep ``a``
    more positions at the end. x (N, C_in, H, W), w (C_in, C_out, fh, fw), pairs for the rest."""
    (sh, sw), (ph, pw), (ah, aw), (dh, dw) = stride, padding, output_padding, dilation
    n, c_in, h, wd = x.shape
    _, c_out, fh, fw = w.shape
    canvas = np.zeros((n, c_out, h * sh + fh * dh + ah + 1, wd * sw + fw * dw + aw + 1))
    last_r = last_c = 0
    for img in range(n):
        for ci in range(c_in):
            for co in range(c_out):
                for i in range(h):
                    for j in range(wd):
                        for u in range(fh):
                            for v in range(fw):
                                r, c = i * sh + u * dh, j * sw + v * dw
                                canvas[img, co, r, c] += x[img, ci, i, j] * w[ci, co, u, v]
                                last_r, last_c = max(last_r, r), max(last_c, c)
    out = canvas[:, :, ph: last_r + 1 - ph + ah, pw: last_c + 1 - pw + aw]
    return out + np.asarray(b).reshape(1, c_out, 1, 1)


@st.composite
def problems(draw):
    n, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    fh, fw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    a = (draw(st.integers(0, max(s[0], d[0]) - 1)), draw(st.integers(0, max(s[1], d[1]) - 1)))
    # the cropped output must keep at least one row and column (stamped extent − 2p + a ≥ 1)
    assume((h - 1) * s[0] + (fh - 1) * d[0] + 1 - 2 * p[0] + a[0] >= 1)
    assume((w - 1) * s[1] + (fw - 1) * d[1] + 1 - 2 * p[1] + a[1] >= 1)
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c_in, h, w))
    k = rng.standard_normal((c_in, c_out, fh, fw))
    b = rng.standard_normal(c_out)
    return x, k, b, s, p, a, d


@settings(max_examples=60, deadline=None)
@given(problems())
def test_conv_transpose2d_matches_the_scatter_definition(problem):
    x, k, b, s, p, a, d = problem
    got = conv_transpose2d(x, k, b, stride=s, padding=p, output_padding=a, dilation=d)
    np.testing.assert_allclose(got, scatter_reference(x, k, b, s, p, a, d), rtol=1e-10, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(problems(), st.integers(0, 2**16))
def test_conv_transpose2d_is_the_adjoint_of_conv2d(problem, seed):
    """<conv2d(y, w), x> = <y, conv_transpose2d(x, w)>, with conv2d read over the input's H×W.

    conv2d may find extra window positions after the last one (when a ≥ s, possible once d > s);
    the adjoint is the first H×W of them.
    """
    x, k, _, s, p, a, d = problem
    up = conv_transpose2d(x, k, stride=s, padding=p, output_padding=a, dilation=d)  # (N, C_out, Ho, Wo)
    y = np.random.default_rng(seed).standard_normal(up.shape)
    down = conv2d(y, k, stride=s, padding=p, dilation=d)  # (N, C_in, ≥H, ≥W); k read as (K=C_in, C=C_out, …)
    h, w = x.shape[-2:]
    if a[0] < s[0] and a[1] < s[1]:
        assert down.shape == x.shape
    lhs = float(np.sum(down[..., :h, :w] * x))
    rhs = float(np.sum(y * up))
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-9)


def test_textbook_example_stride_1():
    """d2l.ai §14.10: X = K = [[0, 1], [2, 3]] gives [[0, 0, 1], [0, 4, 6], [4, 12, 9]]."""
    x = np.array([[0, 1], [2, 3]])
    np.testing.assert_array_equal(conv_transpose2d(x, x), [[0, 0, 1], [0, 4, 6], [4, 12, 9]])


def test_textbook_example_stride_2_gives_the_four_stamps_side_by_side():
    """d2l.ai §14.10 with stride 2: the 2×2 stamps no longer overlap."""
    x = np.array([[0, 1], [2, 3]])
    expected = [[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]]
    np.testing.assert_array_equal(conv_transpose2d(x, x, stride=2), expected)


def test_padding_crops_the_border_of_the_output():
    """d2l.ai §14.10: padding=1 removes the first and last row and column of [[0, 0, 1], [0, 4, 6], [4, 12, 9]]."""
    x = np.array([[0, 1], [2, 3]])
    np.testing.assert_array_equal(conv_transpose2d(x, x, padding=1), [[4]])


def test_upsampling_a_4x4_map_by_2_with_the_classic_settings():
    """k=3, s=2, p=1, output padding 1 doubles the size: 2·(4−1) + 3 − 2 + 1 = 8."""
    out = conv_transpose2d(np.ones((4, 4)), np.ones((3, 3)), stride=2, padding=1, output_padding=1)
    assert out.shape == (8, 8)
    # per axis, 3-wide stamps starting at 0, 2, 4, 6 hit positions 0…8 this often: 1 1 2 1 2 1 2 1 1;
    # cropping p=1 in front and keeping 8 leaves 1 2 1 2 1 2 1 1 — the checkerboard of uneven overlap
    per_axis = np.array([1, 2, 1, 2, 1, 2, 1, 1])
    np.testing.assert_array_equal(out, np.outer(per_axis, per_axis))


def test_shapes_follow_the_input_layout():
    rng = np.random.default_rng(0)
    assert conv_transpose2d(rng.random((3, 4)), rng.random((2, 2))).shape == (4, 5)
    assert conv_transpose2d(rng.random((2, 3, 4)), rng.random((2, 5, 2, 2))).shape == (5, 4, 5)
    assert conv_transpose2d(rng.random((6, 2, 3, 4)), rng.random((2, 5, 2, 2))).shape == (6, 5, 4, 5)


def test_bias_is_added_everywhere_including_output_padding():
    out = conv_transpose2d(np.zeros((1, 2, 2)), np.ones((1, 1, 2, 2)), b=[7.5], stride=2, output_padding=1)
    assert out.shape == (1, 5, 5)
    np.testing.assert_array_equal(out, np.full((1, 5, 5), 7.5))


@pytest.mark.parametrize("kwargs, message", [
    ({"stride": 2, "output_padding": 2}, "output padding 2 must be smaller than the stride 2"),
    ({"padding": 3}, "crops away the whole output"),
    ({"stride": 0}, "stride must be at least 1"),
    ({"padding": -1}, "padding must be at least 0"),
])
def test_impossible_settings_raise_readable_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        conv_transpose2d(np.ones((2, 2)), np.ones((2, 2)), **kwargs)


def test_channel_mismatch_is_explained():
    with pytest.raises(ValueError, match="input has 3 channel"):
        conv_transpose2d(np.ones((3, 2, 2)), np.ones((2, 4, 3, 3)))


@settings(max_examples=40, deadline=None)
@given(problems())
def test_direct_convolution_view_reproduces_the_transposed_convolution(problem):
    x, k, b, s, p, a, d = problem
    view = as_direct_convolution(x, k, stride=s, padding=p, output_padding=a, dilation=d)
    direct = conv2d(view.padded, view.kernel, b, dilation=d)
    np.testing.assert_allclose(direct, conv_transpose2d(x, k, b, s, p, a, d), rtol=1e-10, atol=1e-10)


def test_direct_view_of_one_channel_stretches_pads_and_flips():
    x = np.array([[1, 2], [3, 4]])
    k = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    view = as_direct_convolution(x, k, stride=2, padding=1, output_padding=1)
    np.testing.assert_array_equal(view.stretched, [[1, 0, 2], [0, 0, 0], [3, 0, 4]])
    # implicit padding k − p − 1 = 1 on each side, plus the output padding 1 at the bottom/right
    assert view.pads == ((1, 2), (1, 2))
    assert view.padded.shape == (6, 6)
    np.testing.assert_array_equal(view.padded[1:4, 1:4], view.stretched)
    np.testing.assert_array_equal(view.kernel, [[9, 8, 7], [6, 5, 4], [3, 2, 1]])
    np.testing.assert_array_equal(conv2d(view.padded, view.kernel), conv_transpose2d(x, k, stride=2, padding=1,
                                                                                     output_padding=1))


def test_roles_label_input_inserted_zeros_padding_and_output_padding():
    view = as_direct_convolution(np.arange(1, 10).reshape(3, 3), np.ones((3, 3)), stride=2, padding=1, output_padding=1)
    row = view.roles[1]  # the first row that holds input pixels: pad, x, 0, x, 0, x, pad, extra
    assert row.tolist() == [IMPLICIT_PADDING, INPUT, INSERTED_ZERO, INPUT, INSERTED_ZERO, INPUT,
                            IMPLICIT_PADDING, OUTPUT_PADDING]
    assert view.roles.shape == view.padded.shape
    np.testing.assert_array_equal(view.padded[view.roles == INPUT], np.arange(1, 10))
    assert np.all(view.padded[view.roles != INPUT] == 0)


def test_padding_beyond_the_kernel_crops_the_stretched_input():
    """p > d(k−1): the implicit padding is negative, the direct view cuts rows off instead."""
    x = np.arange(16.0).reshape(4, 4)
    view = as_direct_convolution(x, np.ones((2, 2)), stride=2, padding=2)
    assert view.pads == ((-1, -1), (-1, -1))
    assert view.padded.shape == (5, 5)
    np.testing.assert_array_equal(conv2d(view.padded, view.kernel), conv_transpose2d(x, np.ones((2, 2)), stride=2,
                                                                                     padding=2))


def test_stamps_add_up_to_the_output_one_input_pixel_at_a_time():
    rng = np.random.default_rng(3)
    x, k = rng.integers(-3, 4, (3, 2)), rng.integers(-2, 3, (2, 3))
    stamps = conv_transpose2d_stamps(x, k, stride=2, padding=1, output_padding=1, dilation=1)
    assert [s.index for s in stamps] == [(i, j) for i in range(3) for j in range(2)]
    previous = np.zeros_like(stamps[0].canvas)
    for s in stamps:
        added = s.canvas - previous
        i, j = s.index
        assert s.rows == tuple(2 * i + np.arange(2)) and s.cols == tuple(2 * j + np.arange(3))
        np.testing.assert_array_equal(added[np.ix_(s.rows, s.cols)], x[i, j] * k)
        added[np.ix_(s.rows, s.cols)] = 0
        assert not added.any()
        previous = s.canvas
    ho, wo = transpose_geometry(x.shape, k.shape, 2, 1, 1).out_shape
    np.testing.assert_array_equal(stamps[-1].canvas[1: 1 + ho, 1: 1 + wo],
                                  conv_transpose2d(x, k, stride=2, padding=1, output_padding=1))


def test_formula_substitutes_every_term():
    geo = transpose_geometry((3, 4), (3, 2), stride=(2, 1), padding=(1, 0), output_padding=(1, 0), dilation=(1, 2))
    assert geo.rows.formula() == "2·(3 − 1) + 3 − 2·1 + 1 = 6"
    assert geo.cols.formula() == "1·(4 − 1) + 2·(2 − 1) + 1 = 6"
    assert geo.rows.implicit_padding == 1 and geo.cols.implicit_padding == 2


def test_matches_pytorch_when_available():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    cases = [(1, 0, 0, 1), (2, 1, 1, 1), (3, 2, 2, 1), (2, 0, 1, 2), (1, 1, 1, 2), ((2, 3), (1, 0), (1, 2), (1, 1))]
    for s, p, a, d in cases:
        x, k, b = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(2)
        want = torch.nn.functional.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(k), torch.from_numpy(b),
                                                    stride=s, padding=p, output_padding=a, dilation=d).numpy()
        np.testing.assert_allclose(conv_transpose2d(x, k, b, s, p, a, d), want, rtol=1e-10, atol=1e-10)
