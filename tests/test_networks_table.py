"""Networks as table rows: building, round trips, readable row errors, per-row summaries."""
import math

import pytest

from cnnviz.networks import PRESETS, Conv2d, Dense, MaxPool2d, summarize
from cnnviz.networks.table import (TableRowError, layer_from_row, network_from_table, summarize_table,
                                   table_from_network)

COURSE_ROWS = [
    {"type": "conv", "out": 8, "kernel": 5, "activation": "relu"},
    {"type": "maxpool", "kernel": 2},
    {"type": "conv", "out": 16, "kernel": 5, "activation": "relu"},
    {"type": "maxpool", "kernel": 2},
    {"type": "flatten"},
    {"type": "dense", "out": 120, "activation": "relu"},
    {"type": "dense", "out": 84, "activation": "relu"},
    {"type": "dense", "out": 10, "activation": "softmax"},
]


def test_course_rows_build_the_course_network():
    ts = summarize_table(COURSE_ROWS, (3, 32, 32))
    assert [r.status for r in ts.rows] == ["ok"] * 8
    assert [r.result.params for r in ts.rows] == [608, 0, 3_216, 0, 0, 48_120, 10_164, 850]
    assert [r.result.output_shape for r in ts.rows][:5] == [(8, 28, 28), (8, 14, 14), (16, 10, 10), (16, 5, 5),
                                                             (400,)]
    assert ts.total_params == 62_958
    assert [r.name for r in ts.rows] == ["conv1", "maxpool1", "conv2", "maxpool2", "flatten1", "fc1", "fc2", "fc3"]


def test_layer_chain_example_32_28_14_10_5():
    rows = [{"type": "conv", "out_channels": 6, "kernel": 5, "stride": 1, "padding": "valid"},
            {"type": "maxpool", "kernel": 2}, {"type": "conv", "out_channels": 16, "kernel": 5},
            {"type": "avgpool", "kernel": 2, "stride": 2}]
    ts = summarize_table(rows, (1, 32, 32))
    assert [r.result.output_shape[1] for r in ts.rows] == [28, 14, 10, 5]
    assert [r.result.rf.size[0] for r in ts.rows] == [5, 6, 14, 16]


@pytest.mark.parametrize("name", ["lenet5", "lenet5_mnist", "course_example", "alexnet", "alexnet2012", "vgg16"])
def test_chain_presets_round_trip_through_a_table(name):
    preset = PRESETS[name]
    rows = table_from_network(preset.network)
    again = summarize(network_from_table(rows), preset.input_shape)
    original = summarize(preset)
    assert again.total_params == original.total_params
    assert again.total_macs == original.total_macs
    assert again.output_shape == original.output_shape
    assert len(rows) == len([r for r in original.rows if r.params or r.kind not in ("ReLU", "Tanh", "Softmax")])


def test_branching_networks_are_not_tables():
    with pytest.raises(ValueError, match="Concat"):
        table_from_network(PRESETS["googlenet"].network)
    with pytest.raises(ValueError, match="Residual"):
        table_from_network(PRESETS["resnet18"].network)


def test_cells_accept_what_a_spreadsheet_gives():
    t, layer, act = layer_from_row({"Type": " Conv 2D ", "filters": 4.0, "kernel_size": "3x5", "stride": "2",
                                    "padding": "SAME", "bias": "no", "activation": "ReLU", "groups": float("nan")})
    assert t == "conv" and act is not None
    assert layer == Conv2d(4, (3, 5), 2, "same", 1, 1, False)
    assert layer_from_row({"type": "pool", "kernel": 3})[1] == MaxPool2d(3, 3)
    assert layer_from_row({"type": "FC", "units": 10, "kernel": None})[1] == Dense(10)
    assert layer_from_row({"type": "maxpool", "kernel": "2×2", "ceil_mode": True})[1] == MaxPool2d((2, 2), (2, 2),
                                                                                                   ceil_mode=True)


@pytest.mark.parametrize("row, match", [
    ({"type": "conv", "kernel": 3}, "needs the number of filters in the 'out' column"),
    ({"type": "conv", "out": 0}, "filters must be at least 1"),
    ({"type": "conv", "out": 4, "kernel": 2.5}, "kernel must be a whole number, got 2.5"),
    ({"type": "conv", "out": 4, "padding": "half"}, "padding must be a number, 'h x w', or one of valid"),
    ({"type": "convolve"}, "unknown layer type 'convolve'"),
    ({"type": None, "out": 3}, "choose a layer type"),
    ({"type": "dense", "out": 3, "activation": "gelu"}, "activation must be one of"),
    ({"type": "dropout", "p": 1.5}, "dropout rate must be from 0"),
    ({"type": "dense", "out": 3, "bias": "maybe"}, "bias must be yes or no"),
])
def test_bad_rows_raise_readable_errors(row, match):
    with pytest.raises(ValueError, match=match):
        layer_from_row(row)


def test_network_from_table_names_the_bad_row():
    rows = [{"type": "conv", "out": 4}, {"type": "conv", "out": -1}]
    with pytest.raises(TableRowError, match=r"^row 2: filters must be at least 1") as caught:
        network_from_table(rows)
    assert caught.value.index == 1


def test_duplicate_and_dotted_names_are_row_errors():
    with pytest.raises(TableRowError, match="both called 'a'"):
        network_from_table([{"type": "relu", "name": "a"}, {"type": "relu", "name": "a"}])
    with pytest.raises(TableRowError, match="cannot contain a dot"):
        network_from_table([{"type": "relu", "name": "a.b"}])


def test_a_kernel_too_big_after_pooling_marks_that_row_and_keeps_the_others():
    rows = [dict(r) for r in COURSE_ROWS]
    rows[2]["kernel"] = 15
    ts = summarize_table(rows, (3, 32, 32))
    assert [r.status for r in ts.rows] == ["ok", "ok", "error"] + ["skipped"] * 5
    assert "kernel 15 is larger than the padded input 14" in ts.error.reason
    assert ts.error.index == 2 and ts.error.name == "conv2"
    assert ts.total_params == 608


def test_a_malformed_row_is_marked_and_rows_before_it_keep_their_numbers():
    rows = [dict(r) for r in COURSE_ROWS]
    rows[5]["out"] = "many"
    ts = summarize_table(rows, (3, 32, 32))
    assert [r.status for r in ts.rows] == ["ok"] * 5 + ["error", "skipped", "skipped"]
    assert ts.error.reason == "units must be a whole number, got 'many'"
    assert ts.rows[4].result.output_shape == (400,)
    assert ts.rows[0].name == "conv1"  # names do not shift when a later row breaks


def test_blank_rows_are_ignored():
    rows = COURSE_ROWS[:2] + [{"type": None, "out": float("nan"), "kernel": ""}] + COURSE_ROWS[2:]
    ts = summarize_table(rows, (3, 32, 32))
    assert ts.rows[2].status == "empty"
    assert ts.total_params == 62_958


def test_dense_before_flatten_is_a_shape_error_on_that_row():
    ts = summarize_table([{"type": "conv", "out": 2, "kernel": 3}, {"type": "dense", "out": 4}], (1, 5, 5))
    assert ts.rows[1].status == "error" and "add a Flatten layer" in ts.rows[1].reason
    assert math.prod(ts.rows[0].result.output_shape) == 18


def test_a_row_with_an_activation_reports_the_layer_kind():
    ts = summarize_table(COURSE_ROWS[:1], (3, 32, 32))
    assert ts.rows[0].result.kind == "Conv2d" and ts.rows[0].result.count == 2
