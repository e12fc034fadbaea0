"""Figure builders of the padding & stride and transposed-convolution pages: valid Plotly figures that
draw exactly what the engine computed."""
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from cnnviz.shapes import conv_geometry, coverage, resolve_padding
from cnnviz.transpose import as_direct_convolution, conv_transpose2d, conv_transpose2d_stamps, transpose_geometry
from cnnviz.viz.board import axis_name
from cnnviz.viz.geometry import (Panel, coverage_figure, padded_grid_figure, panel_layout, same_padding_figure,
                                 stretched_input_figure)
from cnnviz.viz.stamps import stamps_figure


def z(trace) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in trace["z"]], dtype=float)


@pytest.mark.parametrize("args", [(5, 3), (8, 3, 2), ((7, 9), (3, 2), (2, 3), "same", (1, 2)), (32, 11, 8, 10, 4)])
def test_padded_grid_is_a_valid_figure_marking_padding_and_unreached_lines(args):
    geo = conv_geometry(*args)
    fig = padded_grid_figure(geo)
    go.Figure(fig)  # validates every property
    cells = z(fig["data"][0])[1:, 1:]  # the first row/column hold the window-start markers
    (t, b), (l, r) = geo.pads
    expected = np.zeros((geo.rows.padded, geo.cols.padded))
    expected[t: t + geo.rows.n, l: l + geo.cols.n] = 1
    np.testing.assert_array_equal(cells, expected)
    if "text" in fig["data"][0]:  # left out when the cells are too small to read
        text = fig["data"][0]["text"]
        assert sum(row[0] == "▶" for row in text) == geo.rows.out
        assert sum(c == "▼" for c in text[0]) == geo.cols.out
    else:
        assert geo.rows.padded > 30
    shaded = [s for s in fig["layout"]["shapes"] if s["line"]["width"] == 0]
    assert len(shaded) == len(geo.rows.unreached()) + len(geo.cols.unreached())


def test_coverage_figure_writes_the_engine_counts_inside_a_padding_ring():
    counts = coverage(5, 3, padding=1)
    fig = coverage_figure(counts, ((1, 1), (1, 1)))
    go.Figure(fig)
    values = z(fig["data"][1])
    np.testing.assert_array_equal(values[1:6, 1:6], counts)
    assert np.isnan(values[0]).all() and np.isnan(values[:, 0]).all()


def test_same_padding_figure_colours_the_odd_extra_row_and_column():
    n, f = 6, 4
    pads = (resolve_padding("same", n, f), resolve_padding("same", n, f))
    assert pads == ((1, 2), (1, 2))
    fig = same_padding_figure((n, n), pads, (f, f))
    go.Figure(fig)
    codes = z(fig["data"][0])
    assert (codes[-1] == 2).all() and (codes[:, -1] == 2).all()  # extra row at the bottom, column at the right
    assert (codes[0, :-2] == 0).all() and (codes[:-2, 0] == 0).all()  # the symmetric part at the top/left
    assert (codes[1:-2, 1:-2] == 1).all()


def test_stretched_input_figure_shows_roles_values_kernel_and_output():
    x, k = np.arange(9).reshape(3, 3), np.arange(4).reshape(2, 2)
    view = as_direct_convolution(x, k, stride=2, padding=0, output_padding=1)
    out = conv_transpose2d(x, k, stride=2, output_padding=1)
    fig = stretched_input_figure(view, out)
    go.Figure(fig)
    np.testing.assert_array_equal(z(fig["data"][0]), view.roles)
    assert [[float(t) for t in row] for row in fig["data"][0]["text"]] == view.padded.tolist()
    np.testing.assert_array_equal(z(fig["data"][1]), view.kernel)
    np.testing.assert_array_equal(z(fig["data"][2]), out)


def test_stamps_figure_has_one_frame_per_input_pixel_ending_on_the_full_canvas():
    x, k = np.array([[1, -2], [3, 4]]), np.array([[1, 0, 2], [-1, 1, 0]])
    geo = transpose_geometry(x.shape, k.shape, 2, 1, 1)
    stamps = conv_transpose2d_stamps(x, k, stride=2, padding=1, output_padding=1)
    fig = stamps_figure(x, stamps, geo)
    go.Figure(fig)
    assert len(fig["frames"]) == 4 == len(fig["layout"]["sliders"][0]["steps"])
    last_canvas = np.nan_to_num(z(fig["frames"][-1]["data"][1]))
    np.testing.assert_array_equal(last_canvas, stamps[-1].canvas)
    np.testing.assert_array_equal(z(fig["frames"][2]["data"][0]), 3 * k)  # x[1, 0] = 3 stamps 3·kernel
    # the colour scale is shared by every frame and centred at 0 (values of both signs)
    assert fig["frames"][0]["data"][1]["zmin"] == -fig["frames"][0]["data"][1]["zmax"]


def test_panel_titles_wrap_to_fit_narrow_grids_instead_of_overlapping():
    layout, cell = panel_layout([Panel("Stretched, padded input 5×5", 5, 5), Panel("Kernel rotated 180°", 2, 2),
                                 Panel("Output 4×4", 4, 4)], max_width_px=620)
    assert cell > 30
    assert layout["width"] <= 620 + 40
    kernel_title = layout["annotations"][1]["text"]
    assert kernel_title.count("<br>") >= 1


@pytest.mark.parametrize("titles", [("Stretched, padded input 3×3", "Kernel rotated 180°", "Output 4×4"),
                                    ("늘리고 패딩한 입력 10×10", "180° 뒤집은 커널", "출력 6×6"),
                                    ("x", "a very long title over a grid of one single column", "y")])
def test_panel_titles_are_centred_over_their_grids_on_two_lines_at_most(titles):
    panels = [Panel(title, n, n) for title, n in zip(titles, (3, 1, 4))]
    layout, _ = panel_layout(panels)
    for k, (panel, note) in enumerate(zip(panels, layout["annotations"])):
        assert note["xanchor"] == "center"  # 'auto' anchors paper titles at their closest side: off-centre
        domain = layout[f"xaxis{axis_name(k)}"]["domain"]
        assert note["x"] == pytest.approx(sum(domain) / 2)
        lines = note["text"].split("<br>")
        assert len(lines) <= 2 and " ".join(re.sub("</?b>", "", line) for line in lines) == panel.title
