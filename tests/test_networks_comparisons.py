"""The course's design comparisons, with the numbers worked out by hand."""
import pytest

from cnnviz.layer import bottleneck, conv_vs_dense
from cnnviz.networks.comparisons import alexnet_grouping, single_vs_stacked


def test_conv_vs_dense_for_the_same_input_and_output_size():
    c = conv_vs_dense((3, 32, 32), 6, 5)
    assert c.conv.total == 6 * (5 * 5 * 3) + 6
    assert c.dense.total == (32 * 32 * 3) * (28 * 28 * 6) + 28 * 28 * 6
    assert c.output_shape == (6, 28, 28)
    assert c.conv_macs == 28 * 28 * 6 * (5 * 5 * 3) and c.dense_macs == (32 * 32 * 3) * (28 * 28 * 6)
    strided = conv_vs_dense((1, 28, 28), 4, 3, stride=2, padding="same", bias=False)
    assert strided.conv.total == 36
    assert strided.dense.total == 784 * (14 * 14 * 4)


def test_conv_vs_dense_follows_dilation_and_groups():
    c = conv_vs_dense((4, 10, 10), 6, 3, dilation=2, groups=2)
    assert c.output_shape == (6, 6, 6)  # a 3×3 kernel at dilation 2 spans 5 pixels: 10 − 5 + 1
    assert c.conv.weights == 6 * (3 * 3 * 4 // 2) and c.conv.biases == 6
    assert c.dense.weights == 400 * 216


def test_two_3x3_convs_replace_one_5x5_with_the_same_field_and_fewer_weights():
    c = single_vs_stacked(channels=64, size=28)
    assert c.baseline.total_params == 25 * 64 * 64
    assert c.alternative.total_params == 2 * 9 * 64 * 64
    assert c.params_saved == pytest.approx(1 - 18 / 25)
    assert c.baseline.rows[-1].rf.size == c.alternative.rows[-1].rf.size == (5, 5)
    assert c.baseline.output_shape == c.alternative.output_shape == (64, 24, 24)
    assert c.baseline.total_macs == 24 * 24 * 64 * 25 * 64
    assert c.alternative.total_macs == 26 * 26 * 64 * 9 * 64 + 24 * 24 * 64 * 9 * 64


def test_three_3x3_convs_replace_a_7x7():
    c = single_vs_stacked(channels=8, size=20, kernel=7)
    assert len(c.alternative.rows) == 3
    assert c.alternative.rows[-1].rf.size == (7, 7)
    with pytest.raises(ValueError, match="odd"):
        single_vs_stacked(kernel=4)


def test_1x1_bottleneck_saves_about_72_percent_of_weights_and_of_multiplications():
    bn = bottleneck(128, 32, 128, 3)
    assert bn.direct.total == 147_456 == 3 * 3 * 128 * 128
    assert bn.bottleneck_params == 40_960 == 128 * 32 + 3 * 3 * 32 * 128
    assert round(100 * bn.saving) == 72
    assert bn.bottleneck_mults / bn.direct_mults == pytest.approx(1 - bn.saving)  # no bias: × 28·28 each


def test_alexnet_2012_groups_halve_the_weights_of_conv2_4_5():
    c = alexnet_grouping()
    assert c.baseline.total_params == 61_100_840
    assert c.alternative.total_params == 60_965_224
    grouped = {r.name: r for r in c.alternative.rows}
    assert grouped["conv2"].params == 256 * (5 * 5 * 96 // 2) + 256
    assert grouped["conv4"].params == 384 * (3 * 3 * 384 // 2) + 384
