"""The volume and pooling figure builders: valid Plotly figures, drawn from the engine's records, small."""
import json

import numpy as np
import plotly.graph_objects as go
import pytest

import cnnviz
from cnnviz.course import random_filters, random_volume
from cnnviz.layer import bottleneck, channel_contributions, conv_layer
from cnnviz.viz import style
from cnnviz.viz.board import Board, Slot, cell_texts
from cnnviz.viz.pooling import channels_figure, winners_figure
from cnnviz.viz.volumes import MAX_FRAMES, VolumeLabels, bottleneck_figure, layer_figure, volume_figure


def _volume(size=5, c=3, k=2, f=3, stride=2, padding=1, **kw):
    x, bank = random_volume(1, c, size), random_filters(1, k, c, f)
    trace = cnnviz.conv2d_trace(x, bank.w, bank.b, stride, padding)
    names = tuple(f"ch {i + 1}" for i in range(c))
    return trace, volume_figure(trace.padded, trace.real, trace.steps, trace.output.shape, names, **kw)


def test_volume_figure_is_valid_and_has_one_frame_per_output_cell():
    trace, fig = _volume()
    go.Figure(fig)
    assert len(fig["frames"]) == trace.output.size == 18


def test_volume_figure_with_a_start_step_and_no_animation_shows_that_step():
    trace, fig = _volume(animate=False, start=10)
    go.Figure(fig)
    assert "frames" not in fig and "sliders" not in fig["layout"]
    step = trace.steps[10]
    assert f"<b>{cnnviz.format_number(step.value)}</b>" in fig["layout"]["annotations"][-1]["text"]


def test_volume_figure_stops_animating_above_the_frame_limit():
    trace, fig = _volume(size=10, c=1, k=4, f=1, stride=1, padding=0)
    assert len(trace.steps) == 400 > MAX_FRAMES
    assert "frames" not in fig


def test_volume_figure_stays_small_enough_for_a_classroom_network():
    _, fig = _volume(size=10, c=4, k=4, f=5, stride=1, padding=0)  # the largest animated case: 4·6·6 frames
    assert len(fig["frames"]) == 144 <= MAX_FRAMES
    assert len(json.dumps(fig)) < 1_500_000
    _, default = _volume()
    assert len(json.dumps(default)) < 150_000


def test_output_maps_fill_in_step_by_step():
    trace, fig = _volume()
    written = [int(np.sum([~np.isnan(np.array(t["z"], dtype=float)) for t in frame["data"][-2:]]))
               for frame in fig["frames"]]
    assert written == list(range(1, 19))


def test_layer_figure_draws_the_three_stages_and_is_valid():
    x, bank = random_volume(2), random_filters(2)
    maps = conv_layer(x, bank.w, bank.b, 2, 1, "sigmoid")
    fig = layer_figure(maps, bank.b)
    go.Figure(fig)
    np.testing.assert_allclose(np.array(fig["data"][2]["z"]), maps.activated[0])
    assert fig["data"][2]["text"] == cell_texts(maps.activated[0], 2)  # two decimals for sigmoid


def test_bottleneck_figure_bars_carry_the_engine_counts():
    bn = bottleneck(128, 32, 128, 3)
    fig = bottleneck_figure(bn)
    go.Figure(fig)
    assert [d["x"][0] for d in fig["data"]] == [147_456, 4_096, 36_864]


def test_winners_figure_boxes_each_winner_once():
    x = np.array([[1, 9, 2], [3, 4, 5], [6, 7, 8]])
    trace = cnnviz.pool2d_trace(x, 2, 1)  # windows overlap: 9 wins twice
    fig = winners_figure(trace.padded, trace.real, trace.steps, trace.geometry.out_shape)
    go.Figure(fig)
    boxed = [(s["y0"] + 0.5, s["x0"] + 0.5) for s in fig["layout"]["shapes"]]
    assert sorted(boxed) == [(0, 1), (2, 1), (2, 2)]


def test_channels_figure_is_valid_and_hides_numbers_when_cells_get_tiny():
    x = random_volume(3, 4, 16)
    bank = random_filters(3, 1, 4, 2)
    pooled = cnnviz.pool2d(x, 2, 2)
    parts = channel_contributions(x, bank.w[0], 2)
    fig = channels_figure(x, pooled, parts, parts.sum(axis=0) + bank.b[0], float(bank.b[0]), "max")
    go.Figure(fig)
    assert all(all(t == "" for row in d["text"] for t in row) for d in fig["data"])
    small = channels_figure(x[:1, :4, :4], pooled[:1, :2, :2], parts[:1, :2, :2], parts[0, :2, :2], 0.0, "max")
    assert small["data"][0]["text"][0][0] != ""


def test_board_keeps_cells_square_and_within_the_limits():
    board = Board.fit([Slot(0, 1, 5, 7), Slot(9, 1, 3, 3)], max_width_px=600, max_height_px=300, max_cell_px=50)
    assert board.cell_px == pytest.approx(min(50, 600 / 12, 300 / 6))
    layout = board.layout()
    w_frac = layout["xaxis"]["domain"][1] - layout["xaxis"]["domain"][0]
    h_frac = layout["yaxis"]["domain"][1] - layout["yaxis"]["domain"][0]
    plot_w, plot_h = layout["width"] - 20, layout["height"] - board.top_px - board.bottom_px
    assert w_frac * plot_w / 7 == pytest.approx(h_frac * plot_h / 5, rel=0.02)  # square cells
    assert layout["width"] <= 600 + 20


def test_signed_values_get_a_diverging_scale_centred_at_zero():
    _, fig = _volume()
    kernel = fig["data"][2]
    assert kernel["colorscale"] == style.DIVERGING and kernel["zmin"] == -kernel["zmax"]


def test_longer_translated_player_buttons_push_the_step_slider_right_instead_of_under_its_label():
    x, bank = random_volume(2), random_filters(2)
    trace = cnnviz.conv2d_trace(x, bank.w, bank.b, 2, 1)

    def slider_x(labels: VolumeLabels) -> float:
        fig = volume_figure(trace.padded, trace.real, trace.steps, trace.output.shape, "RGB", labels)
        return fig["layout"]["sliders"][0]["x"]

    english = slider_x(VolumeLabels())
    assert english >= 0.32  # at least where the figure asks for it
    longer = slider_x(VolumeLabels(play="▶ 재생하기", fast="▶▶ 아주 빠르게", pause="❚❚ 잠시 멈추기"))
    assert english < longer < 0.6
