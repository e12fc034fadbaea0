"""The backward animations: one frame per gradient cell, the windows the trace names, padding marked."""
import numpy as np

from cnnviz.backward_trace import conv2d_backward_trace
from cnnviz.viz.backward_frames import input_gradient_animation, weight_gradient_animation
from cnnviz.viz.quiz import grids_figure

X = np.arange(25, dtype=float).reshape(5, 5)
W = np.array([[1.0, -1.0], [2.0, 0.0]])


def test_weight_frames_walk_the_kernel_and_their_windows_skip_by_the_stride():
    back = conv2d_backward_trace(X, W, np.ones((3, 3)), stride=2, padding=1)
    anim = weight_gradient_animation(back, "ko")
    assert len(anim.frames) == 4 and [f.index for f in anim.frames] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    (grid, cells), = anim.frames[3].window
    assert grid == 0 and cells[:3] == ((1, 1), (1, 3), (1, 5))  # dw[1, 1] meets padded rows/cols 1, 3, 5
    np.testing.assert_allclose(anim.values_at(3, 2), back.dw)
    assert anim.grids[0].padding[0].all() and not anim.grids[0].padding[1, 1]
    assert "입력" in anim.grids[0].title


def test_input_frames_cover_the_padded_input_and_mark_what_is_cropped_and_added():
    back = conv2d_backward_trace(X, W, np.ones((3, 3)), stride=2, padding=1)
    anim = input_gradient_animation(back)
    assert len(anim.frames) == back.input.output.size == 7 * 7  # one per cell of the padded input
    spread_grid, _, dx_grid = anim.grids
    assert spread_grid.padding[2, 2] and not spread_grid.padding[1, 1]  # a zero between dy entries, a real entry
    assert dx_grid.padding[0].all() and not dx_grid.padding[1:-1, 1:-1].any()
    np.testing.assert_allclose(anim.values_at(len(anim.frames) - 1, 2)[1:-1, 1:-1], back.dx)


def test_huge_whole_numbers_still_make_a_figure():
    spec = grids_figure([("x", np.array([[1e40, 2.0]]))])
    assert spec["data"][0]["z"] == [[1e40, 2]]
