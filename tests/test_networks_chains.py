"""The layer-chain examples come from the presets, and the chain table formats the engine's numbers."""
from __future__ import annotations

from cnnviz.networks import AvgPool2d, BatchNorm2d, Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential, summarize
from cnnviz.networks.chains import CHAIN_EXAMPLES, spatial_rows
from cnnviz.networks.table import summarize_table
from cnnviz.viz.chain_table import chain_table, shape_flow
from cnnviz.viz.network_tables import exact_counts, layer_records


def test_lenet_example_is_the_presets_conv_and_pooling_layers():
    rows = CHAIN_EXAMPLES["lenet"].rows
    assert [(r["type"], r["out"], r["kernel"], r["stride"]) for r in rows] == [
        ("conv", 6, "5", "1"), ("avgpool", None, "2", "2"), ("conv", 16, "5", "1"), ("avgpool", None, "2", "2"),
        ("conv", 120, "5", "1")]
    assert CHAIN_EXAMPLES["lenet"].input_shape == (1, 32, 32)


def test_spatial_rows_stop_at_flatten_and_skip_activations():
    net = Sequential([Conv2d(4, 3), ReLU(), MaxPool2d(2), BatchNorm2d(), Conv2d(8, 3, padding="same"), AvgPool2d(2),
                      Flatten(), Dense(10), Conv2d(3, 1)])
    rows = spatial_rows(net)
    assert [r["type"] for r in rows] == ["conv", "maxpool", "conv", "avgpool"] and rows[2]["padding"] == "same"


def test_alexnet_and_vgg_examples_shrink_to_the_papers_map_sizes():
    for name, sizes in (("alexnet", [55, 27, 27, 13, 13, 13, 13, 6]), ("vgg", [224, 224, 112])):
        example = CHAIN_EXAMPLES[name]
        result = summarize_table(example.rows, example.input_shape)
        assert [r.result.output_shape[1] for r in result.rows][:len(sizes)] == sizes


def test_too_deep_fails_at_row_five():
    example = CHAIN_EXAMPLES["too_deep"]
    assert summarize_table(example.rows, example.input_shape).error.index == 4


def test_square_chains_show_the_worked_height_and_others_both_formulas():
    square = summarize_table([{"type": "conv", "out": 2, "kernel": "3", "stride": "2"}], (1, 9, 9))
    assert chain_table(square, ["conv"], "en")[0]["Height"] == "⌊(9 − 3)/2⌋ + 1 = ⌊6/2⌋ + 1 = 3 + 1 = 4"
    assert "Width" not in chain_table(square, ["conv"], "en")[0]
    wide = summarize_table([{"type": "conv", "out": 2, "kernel": "3"}], (1, 9, 12))
    line = chain_table(wide, ["conv"], "en")[0]
    assert (line["Height"], line["Width"]) == ("(9 − 3) + 1 = 7", "(12 − 3) + 1 = 10")
    assert shape_flow(wide, (1, 9, 12)) == ("9×12 → 7×10", "9×12×1 → 7×10×2")


def test_tables_read_in_korean_and_keep_exact_counts_beyond_64_bits():
    rows = summarize("course_example").rows
    assert "수용 영역" in layer_records(rows, "ko")[0]
    assert exact_counts([{"a": 2**64, "b": 1}, {"a": 3, "b": 2}]) == [{"a": f"{2**64:,}", "b": 1},
                                                                      {"a": "3", "b": 2}]
