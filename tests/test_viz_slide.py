"""The sliding-window figure draws exactly what the engine's step records say, and stays small."""
import json

import numpy as np
import plotly.graph_objects as go
import pytest

import cnnviz
from cnnviz.viz.slide import MAX_FRAMES, slide_figure, wrap_equation


def _figure(x, w, **kw):
    trace = cnnviz.conv2d_trace(x, w, **kw)
    geo = trace.geometry
    fig = slide_figure(trace.padded, trace.real, geo.out_shape, trace.steps, kernel=trace.steps[0].kernel,
                       unreached=(geo.rows.unreached(), geo.cols.unreached()))
    return trace, fig


def test_slide_figure_is_a_valid_plotly_figure():
    _, fig = _figure(np.arange(25).reshape(5, 5), np.ones((3, 3)), padding=1, stride=2)
    go.Figure(fig)  # raises on any invalid property


def test_each_frame_reveals_the_output_written_so_far():
    x = np.array([[10, 10, 10, 0, 0, 0]] * 6)
    trace, fig = _figure(x, np.array([[1, 0, -1]] * 3))
    frames = fig["frames"]
    assert len(frames) == 16
    last = np.array(frames[-1]["data"][0]["z"], dtype=float)
    np.testing.assert_array_equal(last, cnnviz.conv2d(x, np.array([[1, 0, -1]] * 3)))
    third = np.array(frames[2]["data"][0]["z"], dtype=float)
    assert np.count_nonzero(~np.isnan(third)) == 3
    assert frames[5]["layout"]["annotations"][-1]["text"] == wrap_equation(trace.steps[5].equation)


def test_window_rectangle_follows_the_step_coordinates_in_padded_space():
    trace, fig = _figure(np.arange(49).reshape(7, 7), np.ones((3, 3)), padding=1, stride=2)
    step = trace.steps[5]  # output (1, 2)
    window = [s for s in fig["frames"][5]["layout"]["shapes"] if s["xref"] == "x" and s["line"]["width"] == 4][0]
    assert (window["x0"], window["x1"]) == (step.cols[0] - 0.5, step.cols[-1] + 0.5)
    assert (window["y0"], window["y1"]) == (step.rows[0] - 0.5, step.rows[-1] + 0.5)


def test_unreached_columns_are_shaded_when_the_stride_does_not_divide():
    trace, fig = _figure(np.zeros((8, 8)), np.ones((3, 3)), stride=2)
    assert trace.geometry.cols.unreached() == (7,)
    shaded = [s for s in fig["layout"]["shapes"] if s["line"]["width"] == 0]
    assert {(s["x0"], s["x1"]) for s in shaded} >= {(6.5, 7.5)}


def test_padding_cells_show_their_values_in_a_separate_grey_layer():
    _, fig = _figure(np.ones((3, 3)), np.ones((2, 2)), padding=1)
    real, pad = fig["data"][0], fig["data"][1]
    assert real["text"][0][0] == "" and pad["text"][0][0] == "0"
    assert real["text"][1][1] == "1" and pad["text"][1][1] == ""


def test_a_15_by_15_animation_stays_under_2_mb():
    x = np.random.default_rng(0).normal(size=(15, 15)).round(2)
    trace, fig = _figure(x, np.random.default_rng(1).normal(size=(3, 3)).round(2), padding=1)
    assert len(trace.steps) == MAX_FRAMES == len(fig["frames"])
    assert len(json.dumps(fig)) < 2_000_000


def test_larger_grids_give_one_static_frame_at_the_chosen_step():
    trace = cnnviz.conv2d_trace(np.zeros((16, 16)), np.ones((1, 1)))
    geo = trace.geometry
    fig = slide_figure(trace.padded, trace.real, geo.out_shape, trace.steps, start=40)
    assert "frames" not in fig and "sliders" not in fig
    output = np.array(fig["data"][-1]["z"], dtype=float)
    assert np.count_nonzero(~np.isnan(output)) == 41


@pytest.mark.parametrize("values, diverging", [([0, 1, 2], False), ([-1, 0, 3], True)])
def test_signed_values_get_a_diverging_scale_centred_at_zero(values, diverging):
    from cnnviz.viz.style import DIVERGING, value_scale

    scale = value_scale(values)
    assert (scale["colorscale"] is DIVERGING) == diverging
    if diverging:
        assert scale["zmin"] == -scale["zmax"]
