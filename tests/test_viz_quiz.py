"""Quiz figures: the guessed-vs-true difference heatmap, question grids, the poll histogram."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from cnnviz.viz.quiz import RIGHT_COLOUR, DifferenceLabels, difference_figure, grids_figure, histogram_figure


def test_difference_heatmap_shows_guess_minus_truth_and_boxes_the_wrong_cells():
    guess = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    truth = np.array([[1.0, 2.5, 3.0], [4.0, 5.0, 2.0]])
    fig = difference_figure(guess, truth, 0.1, DifferenceLabels("A", "B", "C"))
    go.Figure(fig)  # a valid Plotly figure
    assert fig["data"][2]["z"] == [[0, -0.5, 0], [0, 0, 4]]
    assert fig["data"][0]["z"] == [[1, 2, 3], [4, 5, 6]] and fig["data"][1]["z"] == [[1, 2.5, 3], [4, 5, 2]]
    boxed = {(s["xref"], (s["x0"] + s["x1"]) / 2, (s["y0"] + s["y1"]) / 2) for s in fig["layout"]["shapes"]}
    assert boxed == {("x", 1, 0), ("x", 2, 1), ("x3", 1, 0), ("x3", 2, 1)}
    assert fig["data"][0]["zmin"] == fig["data"][1]["zmin"] and fig["data"][0]["zmax"] == fig["data"][1]["zmax"]
    assert fig["data"][2]["zmin"] == -4 and fig["data"][2]["zmax"] == 4  # zero in the middle
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles == ["<b>A</b>", "<b>B</b>", "<b>C</b>"]


def test_right_guess_has_no_boxes_and_a_zero_difference():
    truth = np.array([[1.0, -2.0], [0.5, 3.0]])
    fig = difference_figure(truth.copy(), truth)
    assert fig["layout"]["shapes"] == []
    assert fig["data"][2]["z"] == [[0, 0], [0, 0]]


def test_difference_of_different_shapes_is_refused():
    with pytest.raises(ValueError):
        difference_figure(np.zeros((2, 2)), np.zeros((2, 3)))


def test_grids_show_every_matrix_with_its_numbers():
    fig = grids_figure([("x", np.arange(6).reshape(2, 3)), ("w", np.array([[0.5]]))])
    go.Figure(fig)
    assert fig["data"][0]["text"] == [["0", "1", "2"], ["3", "4", "5"]] and fig["data"][1]["text"] == [["0.5"]]


def test_histogram_orders_answers_by_count_and_marks_the_right_one_only_after_reveal():
    counts = {"4": 3, "5": 7, "3x3x8": 1}
    hidden = histogram_figure(counts)
    go.Figure(hidden)
    assert hidden["data"][0]["x"] == ["5", "4", "3x3x8"] and hidden["data"][0]["y"] == [7, 3, 1]
    assert RIGHT_COLOUR not in hidden["data"][0]["marker"]["color"]
    shown = histogram_figure(counts, right="4")
    assert shown["data"][0]["marker"]["color"][1] == RIGHT_COLOUR
    assert shown["data"][0]["marker"]["color"].count(RIGHT_COLOUR) == 1
