"""The volume and pooling figure builders: valid Plotly figures, drawn from the engine's records, small."""
import numpy as np
import plotly.graph_objects as go
import pytest

import cnnviz
from cnnviz.course import random_filters, random_volume
from cnnviz.layer import bottleneck, channel_contributions, conv_layer
from cnnviz.trace import format_number
from cnnviz.viz.board import Board, Slot, cell_texts
from cnnviz.viz.pooling import channels_figure, winners_figure
from cnnviz.viz.volumes import bottleneck_figure, layer_figure


def test_layer_figure_draws_the_three_stages_and_is_valid():
    x, bank = random_volume(2), random_filters(2)
    maps = conv_layer(x, bank.w, bank.b, 2, 1, "sigmoid")
    fig = layer_figure(maps, bank.b)
    go.Figure(fig)
    np.testing.assert_allclose(np.array(fig["data"][2]["z"]), maps.activated[0])
    assert fig["data"][2]["text"] == cell_texts(maps.activated[0], 2)  # two decimals for sigmoid


def test_cell_texts_write_each_number_as_format_number_does_whatever_was_written_before():
    values = np.array([[2.0, -0.0, 0.125, -3.5], [np.nan, np.inf, 1 / 3, 0.0]])
    for digits in (4, 2, 4):  # the remembered texts are per number of decimals
        assert cell_texts(values, digits) == [[format_number(v, digits) if np.isfinite(v) else "" for v in row]
                                              for row in values.tolist()]
    assert cell_texts(values, 2)[1][2] == "0.33" and cell_texts(values)[1][2] == "0.3333"


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


