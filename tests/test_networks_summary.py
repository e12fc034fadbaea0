"""summarize(): shape propagation through chains, residual and concat blocks; receptive fields; the error path."""
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz.networks import (AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Concat, Conv2d, Dense, Flatten,
                             GlobalAvgPool, LayerError, MaxPool2d, ReLU, Residual, Sequential, summarize)
from cnnviz.shapes import resolve_padding


# ------------------------------------------------------------------ chains
def test_chain_shapes_params_and_macs_by_hand():
    s = summarize(Sequential([Conv2d(4, 3, stride=2, padding=1), ReLU(), MaxPool2d(2), Flatten(), Dense(5)]),
                  (2, 9, 7))
    assert [r.output_shape for r in s.rows] == [(4, 5, 4), (4, 5, 4), (4, 2, 2), (16,), (5,)]
    assert [r.params for r in s.rows] == [4 * 2 * 9 + 4, 0, 0, 0, 16 * 5 + 5]
    assert [r.macs for r in s.rows] == [4 * 5 * 4 * (2 * 9), 0, 0, 0, 16 * 5]
    assert [r.activations for r in s.rows] == [80, 80, 16, 16, 5]
    assert s.input_shape == (2, 9, 7) and s.output_shape == (5,)


def test_grouped_conv_macs_divide_by_groups():
    s = summarize(Conv2d(8, 3, padding="same", groups=4, bias=False), (4, 6, 6))
    assert s.rows[0].params == 8 * 1 * 9
    assert s.rows[0].macs == 8 * 6 * 6 * 9


def test_padding_modes_and_dilation_come_through():
    s = summarize(Sequential([Conv2d(1, 3, padding="full"), Conv2d(1, 3, padding="same", stride=2),
                              Conv2d(1, 3, dilation=2)]), (1, 10, 10))
    assert [r.output_shape[1:] for r in s.rows] == [(12, 12), (6, 6), (2, 2)]


def test_unnamed_layers_are_numbered_per_kind_and_single_ones_are_not():
    s = summarize(Sequential([Conv2d(2, 3), ReLU(), Conv2d(2, 3), ReLU(), Flatten(), Dense(3)]), (1, 8, 8))
    assert [r.name for r in s.rows] == ["conv1", "relu1", "conv2", "relu2", "flatten", "fc"]


def test_duplicate_layer_names_are_refused():
    with pytest.raises(ValueError, match="both called 'a'"):
        Sequential([ReLU(name="a"), ReLU(name="a")])


def test_adaptive_pool_fixes_the_output_size():
    s = summarize(Sequential([AdaptiveAvgPool2d(6)]), (3, 13, 13))
    assert s.rows[0].output_shape == (3, 6, 6)
    assert s.rows[0].rf is None  # 13 does not divide into 6 equal windows


# ------------------------------------------------------------------ residual and concat
def block(stride, c_out, project):
    body = Sequential([Conv2d(c_out, 3, stride, 1, bias=False), BatchNorm2d(), ReLU(),
                       Conv2d(c_out, 3, 1, 1, bias=False), BatchNorm2d()])
    shortcut = Sequential([Conv2d(c_out, 1, stride, bias=False), BatchNorm2d()]) if project else None
    return Residual(body, shortcut, ReLU(), name="res")


def test_residual_identity_keeps_the_shape_and_adds_a_merge_row():
    s = summarize(block(1, 8, False), (8, 10, 10))
    assert [r.name for r in s.rows] == ["res.conv1", "res.bn1", "res.relu", "res.conv2", "res.bn2", "res.add",
                                        "res.relu_out"]
    add = s.rows[5]
    assert add.kind == "Add" and add.output_shape == (8, 10, 10) and add.params == 0
    assert s.total_params == 2 * (8 * 8 * 9 + 16)


def test_residual_projection_shortcut_downsamples_both_paths():
    s = summarize(block(2, 16, True), (8, 10, 10))
    rows = {r.name: r for r in s.rows}
    assert rows["res.shortcut.conv"].output_shape == (16, 5, 5)
    assert rows["res.add"].output_shape == (16, 5, 5)
    assert rows["res.shortcut.conv"].params == 8 * 16


def test_residual_without_projection_fails_at_the_add_with_both_shapes():
    s = summarize(block(2, 16, False), (8, 10, 10), strict=False)
    assert s.error.name == "res.add" and s.error.kind == "Add"
    assert "16×5×5" in s.error.reason and "8×10×10" in s.error.reason
    assert s.skipped == ("res.relu_out",)
    assert [r.name for r in s.rows][-1] == "res.bn2"


def test_concat_stacks_channels_of_equal_sized_branches():
    inception = Concat([Sequential([Conv2d(4, 1)]), Sequential([Conv2d(2, 1), Conv2d(6, 3, padding=1)]),
                        Sequential([MaxPool2d(3, 1, 1), Conv2d(3, 1)])], name="mix")
    s = summarize(Sequential([inception, GlobalAvgPool()]), (5, 7, 7))
    rows = {r.name: r for r in s.rows}
    assert rows["mix.concat"].output_shape == (4 + 6 + 3, 7, 7)
    assert rows["mix.branch2.conv2"].input_shape == (2, 7, 7)
    assert rows["gap"].output_shape == (13, 1, 1)


def test_empty_branch_passes_its_input_through_like_densenet():
    layer = Concat([Sequential(name="input"), Sequential([BatchNorm2d(), Conv2d(4, 3, padding=1)], name="new")])
    s = summarize(Sequential([layer, layer.__class__(layer.branches, name="second")]), (6, 5, 5))
    assert [r.output_shape for r in s.rows if r.kind == "Concat"] == [(10, 5, 5), (14, 5, 5)]
    assert s.rows[0].name == "concat.new.bn"


def test_concat_of_different_sizes_names_the_merge():
    bad = Concat([Sequential([Conv2d(2, 3)]), Sequential([Conv2d(2, 1)])], name="mix")
    with pytest.raises(LayerError, match=r"mix\.concat .*2×3×3, 2×5×5.*equal height and width"):
        summarize(bad, (1, 5, 5))


# ------------------------------------------------------------------ error path
def test_first_layer_that_cannot_fit_is_named_with_the_reason():
    net = Sequential([Conv2d(6, 5), MaxPool2d(2), Conv2d(16, 5), MaxPool2d(2), Conv2d(8, 5), Flatten(), Dense(3)])
    with pytest.raises(LayerError) as caught:
        summarize(net, (1, 28, 28))
    err = caught.value.row
    assert (err.name, err.kind, err.input_shape) == ("conv3", "Conv2d", (16, 4, 4))
    assert "kernel 5 is larger than the padded input 4" in err.reason
    assert str(caught.value).startswith("conv3 (Conv2d): ")
    assert isinstance(caught.value, ValueError)


def test_non_strict_summary_keeps_the_good_rows_and_lists_the_skipped():
    net = Sequential([Conv2d(6, 5), MaxPool2d(2), Conv2d(16, 5), MaxPool2d(2), Conv2d(8, 5), Flatten(), Dense(3)])
    s = summarize(net, (1, 28, 28), strict=False)
    assert not s.ok
    assert [r.name for r in s.rows] == ["conv1", "maxpool1", "conv2", "maxpool2"]
    assert s.error.name == "conv3"
    assert s.skipped == ("flatten", "fc")
    assert s.total_params == 156 + 2416


@pytest.mark.parametrize("net, shape, match", [
    (Conv2d(4, 3, in_channels=3), (1, 8, 8), "expects 3 input channels but receives 1"),
    (Sequential([Flatten(), Conv2d(2, 3)]), (1, 8, 8), "already flat"),
    (Dense(4), (2, 3, 3), "add a Flatten layer"),
    (Conv2d(4, 3, groups=2), (3, 8, 8), "groups 2 must divide the input channels 3"),
    (MaxPool2d(2, padding=2), (1, 8, 8), "at most half the window"),
    (BatchNorm2d(4), (3, 2, 2), "normalises 4 channels but receives 3"),
])
def test_shape_errors_read_like_a_sentence(net, shape, match):
    with pytest.raises(LayerError, match=match):
        summarize(net, shape)


@pytest.mark.parametrize("make, match", [
    (lambda: Conv2d(0, 3), "output channels must be at least 1"),
    (lambda: Conv2d(4, 3, padding="half"), "padding mode must be one of"),
    (lambda: Conv2d(3, 3, groups=2), "groups 2 must divide the output channels 3"),
    (lambda: Dense(2.5), "whole number"),
    (lambda: MaxPool2d((2, 2, 2)), "pool size"),
])
def test_bad_specs_are_refused_when_built(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_input_shape_is_required_and_checked():
    with pytest.raises(ValueError, match="give an input shape"):
        summarize(Conv2d(1, 3))
    with pytest.raises(ValueError, match="input height must be at least 1"):
        summarize(Conv2d(1, 3), (1, 0, 5))
    with pytest.raises(ValueError, match="unknown network 'lenet'"):
        summarize("lenet")


def test_summaries_and_errors_survive_pickling_for_streamlit_caching():
    s = summarize("resnet18", (3, 16, 16), strict=False)
    assert pickle.loads(pickle.dumps(s)) == s
    with pytest.raises(LayerError) as caught:
        summarize("alexnet", (3, 32, 32))
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.row == caught.value.row and str(again) == str(caught.value)


def test_preset_input_shape_can_be_overridden():
    s = summarize("resnet18", (3, 32, 32))
    assert s.total_params == 11_689_512
    assert {b.name: b.output_shape for b in s.grouped(1)}["layer4"] == (512, 1, 1)


def test_grouping_folds_rows_by_path_prefix():
    s = summarize("resnet18")
    top = s.grouped(1)
    assert sum(b.params for b in top) == s.total_params
    assert sum(b.count for b in top) == len(s.rows)
    assert [b.name for b in s.grouped(2)][4:7] == ["layer1.0", "layer1.1", "layer2.0"]
    assert s.grouped(s.max_depth) == s.rows


# ------------------------------------------------------------------ receptive fields vs brute force
def brute_force_field(layers, input_hw, i):
    """Input rows seen by output row ``i``: walk index sets back through every window (padding included)."""
    sizes = [input_hw]
    for f, s, p, d in layers:
        before, after = resolve_padding(p, sizes[-1], f, s, d)
        sizes.append((sizes[-1] + before + after - d * (f - 1) - 1) // s + 1)
    seen = {i}
    for (f, s, p, d), n in zip(reversed(layers), reversed(sizes[:-1])):
        before, _ = resolve_padding(p, n, f, s, d)
        seen = {j * s + d * k - before for j in seen for k in range(f)}
    return min(seen), max(seen), sizes[-1]


layer_st = st.tuples(st.integers(1, 4), st.integers(1, 3), st.sampled_from([0, 1, 2, "same", "valid", "full"]),
                     st.integers(1, 2))


@settings(max_examples=150, deadline=None)
@given(st.lists(layer_st, min_size=1, max_size=4), st.integers(12, 40))
def test_receptive_field_matches_brute_force_index_tracking(layers, n):
    try:
        last = brute_force_field(layers, n, 0)
    except ValueError:
        return
    if last[2] < 2 or min(brute_force_field(layers[:k], n, 0)[2] for k in range(1, len(layers) + 1)) < 1:
        return
    net = Sequential([Conv2d(1, (f, 1), (s, 1), (p, 0) if not isinstance(p, str) else p, (d, 1))
                      for f, s, p, d in layers])
    s = summarize(net, (1, n, 3), strict=False)
    if not s.ok:
        return
    rf = s.rows[-1].rf.rows
    for i in range(last[2]):
        first, final, _ = brute_force_field(layers, n, i)
        assert rf.bounds(i) == (first, final)


def test_receptive_field_of_pools_and_residual_union():
    s = summarize(Sequential([Conv2d(1, 3, padding=1), MaxPool2d(2), block(1, 1, False)]), (1, 16, 16))
    rows = {r.name: r.rf for r in s.rows}
    assert (rows["conv"].size, rows["conv"].start) == ((3, 3), (-1, -1))
    assert (rows["maxpool"].size, rows["maxpool"].jump) == ((4, 4), (2, 2))
    # two 3×3 convs at jump 2 add 2·2 + 2·2 pixels; the identity path's field lies inside
    assert rows["res.add"].size == (12, 12) and rows["res.add"].start == (-5, -5)


def test_receptive_field_union_when_the_skip_path_reaches_further():
    # body: a 1×1 conv; shortcut: a 5×5 conv (padding 2) — the sum sees the shortcut's wider field
    res = Residual(Sequential([Conv2d(1, 1)]), Sequential([Conv2d(1, 5, padding=2)]), name="r")
    s = summarize(res, (1, 9, 9))
    assert s.rows[-1].rf.size == (5, 5) and s.rows[-1].rf.start == (-2, -2)


def test_receptive_field_after_global_pool_covers_the_whole_map_and_is_none_once_flat():
    s = summarize(Sequential([Conv2d(1, 3), GlobalAvgPool(), Flatten()]), (1, 10, 8))
    assert s.rows[1].rf.size == (10, 8) and s.rows[1].rf.start == (0, 0)
    assert s.rows[2].rf is None


def test_classic_receptive_fields():
    rf = {r.name: r.rf for r in summarize("vgg16").rows}
    # block by block: 3, 5 → 6 | 10, 14 → 16 | 24, 32, 40 → 44 | 60, 76, 92 → 100 | 132, 164, 196 → 212
    assert rf["block5.conv3"].size == (196, 196)
    assert rf["block5.maxpool"].size == (212, 212) and rf["block5.maxpool"].jump == (32, 32)
    rows = summarize("alexnet2012").rows
    assert [r.rf.size[0] for r in rows if r.kind == "Conv2d"] == [11, 51, 99, 131, 163]
    assert summarize(Sequential([AvgPool2d(2), AvgPool2d(2)]), (1, 8, 8)).rows[-1].rf.size == (4, 4)


def test_failed_block_names_the_error_and_the_skipped_blocks_at_the_shown_depth():
    s = summarize("vgg16", (3, 16, 16), strict=False)
    assert s.error.name == "block5.maxpool"
    assert s.failed_block(1) == ("block5", ("avgpool", "flatten", "classifier"))
    failed, skipped = s.failed_block(2)
    assert failed == "block5.maxpool" and skipped[:2] == ("avgpool", "flatten") and "classifier.fc1" in skipped
    assert summarize("vgg16").failed_block(1) == (None, ())


def test_a_residual_or_concat_that_cannot_join_says_why_in_english_and_korean():
    res = Residual(Sequential([Conv2d(2, 3)]), None, name="r")  # body 2×6×6 + identity 1×8×8
    cause = summarize(res, (1, 8, 8), strict=False).error.cause
    assert cause.code == "add_shapes_differ" and "an addition needs equal shapes" in str(cause)
    assert "더하려면" in cause.message("ko") and "6" in cause.message("ko")
    cat = Concat([Sequential([Conv2d(2, 3)]), Sequential([Conv2d(2, 1)])], name="c")
    cause = summarize(cat, (1, 8, 8), strict=False).error.cause
    assert cause.code == "concat_shapes_differ" and "이어 붙이기" in cause.message("ko")
