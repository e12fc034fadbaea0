"""Figures and notation for network summaries."""
import plotly.graph_objects as go

import pytest

from cnnviz.networks import summarize
from cnnviz.viz.networks import GroupLabels, field_text, layer_bars, short_number


def test_short_numbers_keep_three_significant_digits():
    assert [short_number(n) for n in (850, 61_706, 1_814_073_344, 138_357_544, 1_000, 999)] == [
        "850", "61.7 K", "1.81 G", "138 M", "1.00 K", "999"]


def test_field_text_shows_the_jump_only_when_it_is_not_one():
    rows = {r.name: r.rf for r in summarize("course_example").rows}
    assert field_text(rows["conv1"]) == "5×5"
    assert field_text(rows["maxpool2"]) == "16×16 · jump 4"
    assert field_text(None) == "—"


def test_parameter_bars_show_weight_layers_in_order_coloured_by_group():
    fig = layer_bars(summarize("course_example").rows, "params", "P", "params", GroupLabels(conv="Conv", dense="FC"))
    go.Figure(fig)  # a valid Plotly figure
    assert [t["name"] for t in fig["data"]] == ["Conv", "FC"]
    assert fig["data"][0]["x"] == ["conv1", "conv2"] and fig["data"][0]["y"] == [608, 3216]
    assert fig["layout"]["xaxis"]["categoryarray"] == ["conv1", "conv2", "fc1", "fc2", "fc3"]


def test_activation_bars_skip_layers_that_repeat_their_input_size():
    fig = layer_bars(summarize("course_example").rows, "activations", "A", "values")
    names = fig["layout"]["xaxis"]["categoryarray"]
    assert names == ["conv1", "maxpool1", "conv2", "maxpool2", "flatten", "fc1", "fc2", "fc3"]
    sizes = {x: y for t in fig["data"] for x, y in zip(t["x"], t["y"])}
    assert sizes["conv1"] == 6272 and sizes["maxpool2"] == 400


def test_many_bars_hide_their_tick_labels():
    fig = layer_bars(summarize("densenet121").rows, "params", "P", "params")
    assert fig["layout"]["xaxis"]["showticklabels"] is False
    assert sum(len(t["x"]) for t in fig["data"]) == 120 + 121 + 1  # convs, batch norms, classifier


@pytest.mark.parametrize("n", [10**15, 2**1024, 3 * 10**308 + 7, -(10**400), 9995 * 10**30, 1234567 * 10**500, 2**6000])
def test_short_numbers_past_float_range_are_exact_not_an_overflow(n):  # padding 1e154 gave OverflowError
    import decimal

    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_HALF_UP, Emax=10**6)):
        expected = format(+decimal.Decimal(n), ".2e")  # + rounds to the context's 3 digits
    assert short_number(n) == expected


def test_short_numbers_of_infinite_floats_do_not_raise():
    assert (short_number(float("inf")), short_number(-float("inf")), short_number(float("nan"))) == ("∞", "−∞", "—")
    assert short_number(1.5e300) == "1.50e+300"
