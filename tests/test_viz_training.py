"""Figure builders of the training page (cnnviz.viz.training): valid Plotly, right numbers in the right place."""
import numpy as np
import plotly.graph_objects as go
import pytest

from cnnviz.viz.style import shape_text
from cnnviz.viz.training import (
    MAX_POINTS,
    activations_figure,
    confusion_figure,
    RunCurves,
    comparison_figure,
    curves_figure,
    enlarge,
    fit_square,
    filters_figure,
    mosaic,
    per_class_figure,
    probabilities_figure,
    vector_grid,
    with_box,
    with_centre_marks,
)


@pytest.mark.parametrize("shape, text", [((1, 28, 28), "28×28×1"), ((6, 24, 24), "24×24×6"),
                                         ((16, 4, 4), "4×4×16"), ((256,), "256"), ((10,), "10")])
def test_shape_text_uses_the_course_notation_height_width_channels(shape, text):
    assert shape_text(shape) == text


def test_mosaic_puts_map_k_in_row_major_grid_cells_with_nan_gaps():
    maps = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3)
    grid = mosaic(maps)  # 5 maps → 3 columns, 2 rows
    assert grid.shape == (2 * 2 + 1, 3 * 3 + 2)
    np.testing.assert_array_equal(grid[3:5, 4:7], maps[4])  # map 4: row 1, column 1
    np.testing.assert_array_equal(grid[0:2, 8:11], maps[2])
    assert np.isnan(grid[2]).all() and np.isnan(grid[:, 3]).all()
    assert np.isnan(grid[3:5, 8:11]).all()  # the unused sixth cell


def test_vector_grid_keeps_every_unit_in_order_and_pads_with_nan():
    v = np.arange(84.0)
    grid = vector_grid(v)
    assert grid.shape == (9, 10)
    np.testing.assert_array_equal(grid.ravel()[:84], v)
    assert np.isnan(grid.ravel()[84:]).all()


def test_curves_figure_is_valid_spans_the_whole_run_and_thins_long_histories():
    n = 5000
    steps = np.arange(1, n + 1)
    fig = curves_figure(steps, np.linspace(2.3, 0.1, n), np.linspace(2.2, 0.2, n), np.linspace(0.1, 0.99, n),
                        [0, 100, 200], [0.1, 0.5, 0.9], total_steps=9380)
    go.Figure(fig)  # raises on an invalid figure
    loss = fig["data"][0]
    assert len(loss["x"]) <= MAX_POINTS and loss["x"][0] == 1 and loss["x"][-1] == n
    assert fig["layout"]["xaxis"]["range"] == [0, 9380]
    assert fig["data"][3]["y"] == [10.0, 50.0, 90.0]  # held-out accuracy in percent


def test_curves_figure_draws_an_empty_run():
    go.Figure(curves_figure([], [], [], [], [], [], total_steps=None))


def test_filters_figure_shares_one_scale_centred_at_zero():
    w = np.random.default_rng(0).normal(size=(6, 1, 5, 5))
    fig = filters_figure(w)
    go.Figure(fig)
    trace = fig["data"][0]
    m = np.abs(w).max()
    assert trace["zmin"] == pytest.approx(-m) and trace["zmax"] == pytest.approx(m)
    assert fig["layout"]["xaxis"]["ticktext"] == ["1", "2", "3", "4", "5", "6"]


def test_activations_figure_labels_every_layer_with_its_shape():
    rng = np.random.default_rng(1)
    layers = [("input", rng.random((1, 28, 28))), ("conv1", rng.random((6, 24, 24))),
              ("pool1", rng.random((6, 12, 12))), ("dense", rng.normal(size=84)), ("softmax", rng.random(10))]
    fig = activations_figure(layers)
    go.Figure(fig)
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert texts == ["<b>28×28×1</b><br>input", "<b>24×24×6</b><br>conv1", "<b>12×12×6</b><br>pool1",
                     "<b>84</b><br>dense", "<b>10</b><br>softmax"]
    assert fig["data"][3]["colorscale"] != fig["data"][1]["colorscale"]  # signed values: diverging scale


def test_activations_figure_draws_every_layer_at_the_same_size_side_by_side():
    layers = [("input", np.zeros((1, 28, 28))), ("conv1", np.ones((6, 24, 24))), ("dense", np.ones(84))]
    fig = activations_figure(layers, panel=60, gap=12)
    lefts = []
    for trace in fig["data"]:
        rows, cols = len(trace["z"]), len(trace["z"][0])
        assert max(rows, cols) * trace["dx"] == pytest.approx(60) and trace["dy"] == trace["dx"]
        lefts.append(trace["x0"] - trace["dx"] / 2)
    assert lefts == pytest.approx([0, 72, 144])
    assert fig["layout"]["xaxis"]["range"] == [0, 204]


def test_the_input_panel_is_grey_even_when_the_network_standardises_it_to_negative_values():
    image = np.full((1, 28, 28), -0.42)
    image[0, 10:18, 12:15] = 2.8
    trace = activations_figure([("input", image), ("dense", np.ones(4))])["data"][0]
    assert trace["colorscale"][0][1] == "#000000" and trace["zmin"] == -0.42 and trace["zmax"] == 2.8


def test_probabilities_figure_marks_the_prediction_and_the_true_digit():
    p = np.full(10, 0.02)
    p[3] = 0.82
    fig = probabilities_figure(p, true_label=5)
    go.Figure(fig)
    bar = fig["data"][0]
    assert bar["y"][3] == 82.0
    assert bar["marker"]["color"][3] != bar["marker"]["color"][0]  # prediction highlighted (wrong here)
    assert bar["marker"]["line"]["color"][5] != "rgba(0,0,0,0)"  # true digit outlined


def test_confusion_figure_shows_every_count_exactly_once():
    rng = np.random.default_rng(2)
    c = rng.integers(0, 30, (10, 10))
    fig = confusion_figure(c)
    go.Figure(fig)
    right, wrong = (np.array([[np.nan if v is None else v for v in row] for row in t["z"]]) for t in fig["data"])
    np.testing.assert_array_equal(np.diag(right), np.diag(c))
    off = ~np.eye(10, dtype=bool)
    np.testing.assert_array_equal(np.nan_to_num(wrong)[off], c[off])
    assert np.isnan(right[off]).all() and np.isnan(np.diag(wrong)).all()


def test_per_class_figure_in_percent():
    fig = per_class_figure(np.linspace(0.5, 1, 10))
    go.Figure(fig)
    assert fig["data"][0]["y"][0] == 50.0 and fig["data"][0]["y"][-1] == 100.0


def test_enlarge_repeats_whole_pixels_and_converts_floats():
    a = np.array([[0.0, 1.0], [0.5, 0.25]])
    big = enlarge(a, size=8)
    assert big.shape == (8, 8) and big.dtype == np.uint8
    assert (big[:4, :4] == 0).all() and (big[:4, 4:] == 255).all() and (big[4:, :4] == 128).all()


def test_with_box_draws_the_rectangle_just_outside_the_box():
    img = np.zeros((10, 10), np.uint8)
    out = with_box(img, (3, 6, 2, 8), colour=(9, 9, 9), width=1)
    assert out.shape == (10, 10, 3)
    assert (out[2, 1:9] == 9).all() and (out[6, 1:9] == 9).all()
    assert (out[2:7, 1] == 9).all() and (out[2:7, 8] == 9).all()
    assert (out[3:6, 2:8] == 0).all()  # the inside is untouched


def test_with_centre_marks_puts_the_cross_at_the_target():
    img = np.zeros((28, 28), np.uint8)
    out = with_centre_marks(img, centre=(10.0, 10.0), target=(14.0, 14.0), size=224)
    f = 224 // 28
    assert out.shape == (224, 224, 3)
    assert tuple(out[int(14.5 * f), 3]) == (44, 160, 44)
    assert tuple(out[int(10.5 * f), int(10.5 * f)]) == (255, 127, 14)


def test_course_stages_of_the_course_lenet_follow_the_course_notation():
    from cnnviz.nn import lenet
    from cnnviz.viz.training import course_stages

    model = lenet("lenet5_mnist", seed=0)
    stages = model.activations(np.zeros((28, 28), np.uint8))
    shown = course_stages(stages, [layer.kind for layer in model.layers])
    assert " → ".join(shape_text(a.shape) for _, a in shown) == \
        "28×28×1 → 24×24×6 → 12×12×6 → 8×8×16 → 4×4×16 → 256 → 128 → 84 → 10"
    named = dict(stages)
    np.testing.assert_array_equal(dict(shown)["conv1"], named["relu1"])  # the map after its ReLU
    np.testing.assert_array_equal(dict(shown)["dense3"], named["dense3"])  # logits, before the softmax


def test_fit_square_centres_any_shape_on_one_tile_size():
    tall = np.ones((20, 5))
    tile = fit_square(tall, size=160, fill=(1, 2, 3), margin=8)
    assert tile.shape == (160, 160, 3)
    assert (tile[0, 0] == (1, 2, 3)).all() and (tile[80, 80] == 255).all()  # 7× blocks: 140×35 in the middle
    assert (tile[10:150, 62:97] == 255).all() and (tile[:, 61] == (1, 2, 3)).all() and (tile[9] == (1, 2, 3)).all()
    big = fit_square(np.zeros((400, 300)), size=160)
    assert big.shape == (160, 160, 3)


def test_a_previous_run_is_drawn_dashed_behind_the_live_curves():
    previous = RunCurves("lenet5_mnist", np.arange(1, 11), np.linspace(2, 0.5, 10), np.array([0, 5, 10]),
                         np.array([0.1, 0.6, 0.8]))
    fig = curves_figure([1, 2], [2.0, 1.9], [2.0, 1.95], [0.1, 0.2], [0], [0.1], total_steps=10, previous=previous)
    go.Figure(fig)
    dashed = [t for t in fig["data"] if t["line"].get("dash") == "dash"]
    assert [t["yaxis"] for t in dashed] == ["y", "y2"] and fig["data"][:2] == dashed  # behind: drawn first
    assert dashed[1]["y"] == [10.0, 60.0, 80.0] and dashed[0]["x"] == list(map(float, range(1, 11)))
    assert len(fig["data"]) == 6


def test_comparison_figure_puts_every_run_on_one_chart_with_a_legend():
    runs = [RunCurves(name, np.arange(1, 6), np.linspace(2, 1, 5) * k, np.array([0, 5]), np.array([0.1, 0.5 * k]))
            for name, k in (("MLP", 1.0), ("LeNet", 1.5))]
    fig = comparison_figure(runs, total_steps=20)
    go.Figure(fig)
    assert fig["layout"]["showlegend"] and fig["layout"]["xaxis"]["range"] == [0, 20.0]
    names = [(t["name"], t["yaxis"]) for t in fig["data"]]
    assert names == [("MLP", "y"), ("MLP", "y2"), ("LeNet", "y"), ("LeNet", "y2")]
    assert fig["data"][3]["y"] == [10.0, 75.0]
    assert fig["layout"]["yaxis"]["range"][1] == pytest.approx(3.0 * 1.05)  # the highest loss fits

