"""Every preset: exact parameter totals, per-layer rows and shapes, worked out by hand from the papers.

Expected numbers are written as the arithmetic a student would do (``k·k·C_in·C_out + C_out``), not
taken from the code under test.
"""
import pytest

from cnnviz.networks import PRESETS, summarize


def conv(c_in, c_out, k, bias=True):
    return k * k * c_in * c_out + (c_out if bias else 0)


def dense(n_in, n_out):
    return n_in * n_out + n_out


def weight_rows(summary):
    """(name, output_shape, params) of the rows that hold parameters."""
    return [(r.name, r.output_shape, r.params) for r in summary.rows if r.params]


@pytest.mark.parametrize("name, total", [
    ("lenet5", 61_706), ("lenet5_mnist", 47_154), ("course_example", 62_958), ("alexnet", 61_100_840),
    ("alexnet2012", 60_965_224), ("vgg16", 138_357_544), ("googlenet", 6_624_904), ("resnet18", 11_689_512),
    ("resnet50", 25_557_032), ("densenet121", 7_978_856),
])
def test_preset_total_params_match_the_published_counts(name, total):
    summary = summarize(name)
    assert summary.total_params == total
    assert summary.output_shape == ((1000,) if total > 1e6 else (10,))


def test_lenet5_rows_follow_the_1998_paper():
    rows = weight_rows(summarize("lenet5"))
    assert rows == [
        ("C1", (6, 28, 28), conv(1, 6, 5)), ("C3", (16, 10, 10), conv(6, 16, 5)),
        ("C5", (120, 1, 1), conv(16, 120, 5)), ("F6", (84,), dense(120, 84)), ("output", (10,), dense(84, 10)),
    ]
    assert [r.output_shape for r in summarize("lenet5").rows if r.kind == "AvgPool2d"] == [(6, 14, 14), (16, 5, 5)]


def test_lenet5_mnist_rows_match_the_course_keras_model():
    rows = weight_rows(summarize("lenet5_mnist"))
    assert [r[2] for r in rows] == [156, 2_416, 32_896, 10_836, 850]
    assert [r[1] for r in rows] == [(6, 24, 24), (16, 8, 8), (128,), (84,), (10,)]
    assert summarize("lenet5_mnist").rows[6].output_shape == (16 * 4 * 4,)  # flatten


def test_course_example_rows_are_the_worked_example():
    summary = summarize("course_example")
    assert [r[2] for r in weight_rows(summary)] == [608, 3_216, 48_120, 10_164, 850]
    shapes = [r.output_shape for r in summary.rows if r.kind in ("Conv2d", "MaxPool2d", "Flatten")]
    assert shapes == [(8, 28, 28), (8, 14, 14), (16, 10, 10), (16, 5, 5), (400,)]


def test_alexnet_torchvision_rows():
    rows = weight_rows(summarize("alexnet"))
    assert rows == [
        ("conv1", (64, 55, 55), conv(3, 64, 11)), ("conv2", (192, 27, 27), conv(64, 192, 5)),
        ("conv3", (384, 13, 13), conv(192, 384, 3)), ("conv4", (256, 13, 13), conv(384, 256, 3)),
        ("conv5", (256, 13, 13), conv(256, 256, 3)), ("fc1", (4096,), dense(256 * 6 * 6, 4096)),
        ("fc2", (4096,), dense(4096, 4096)), ("fc3", (1000,), dense(4096, 1000)),
    ]


def test_alexnet2012_grouped_convs_see_half_the_channels():
    rows = weight_rows(summarize("alexnet2012"))
    assert [r[2] for r in rows] == [
        conv(3, 96, 11), 256 * 5 * 5 * 48 + 256, conv(256, 384, 3), 384 * 3 * 3 * 192 + 384,
        256 * 3 * 3 * 192 + 256, dense(9216, 4096), dense(4096, 4096), dense(4096, 1000)]
    assert [r[1] for r in rows[:5]] == [(96, 55, 55), (256, 27, 27), (384, 13, 13), (384, 13, 13), (256, 13, 13)]


def test_vgg16_rows_and_blocks():
    summary = summarize("vgg16")
    widths = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]
    expected = [conv(c_in, c_out, 3) for c_in, c_out in zip([3] + widths, widths)]
    expected += [dense(512 * 7 * 7, 4096), dense(4096, 4096), dense(4096, 1000)]
    assert [r[2] for r in weight_rows(summary)] == expected
    blocks = summary.grouped(1)
    assert [(b.name, b.output_shape) for b in blocks[:5]] == [
        ("block1", (64, 112, 112)), ("block2", (128, 56, 56)), ("block3", (256, 28, 28)),
        ("block4", (512, 14, 14)), ("block5", (512, 7, 7))]


def basic(c_in, c_out, k):
    """torchvision's BasicConv2d / conv-bn pair: conv without bias, then γ and β per channel."""
    return conv(c_in, c_out, k, bias=False) + 2 * c_out


INCEPTIONS = {  # name: (C_in, 1×1, 3×3 reduce, 3×3, "5×5" reduce, "5×5", pool proj, H)
    "inception3a": (192, 64, 96, 128, 16, 32, 32, 28), "inception3b": (256, 128, 128, 192, 32, 96, 64, 28),
    "inception4a": (480, 192, 96, 208, 16, 48, 64, 14), "inception4b": (512, 160, 112, 224, 24, 64, 64, 14),
    "inception4c": (512, 128, 128, 256, 24, 64, 64, 14), "inception4d": (512, 112, 144, 288, 32, 64, 64, 14),
    "inception4e": (528, 256, 160, 320, 32, 128, 128, 14), "inception5a": (832, 256, 160, 320, 32, 128, 128, 7),
    "inception5b": (832, 384, 192, 384, 48, 128, 128, 7),
}


def test_googlenet_inception_blocks_concatenate_their_branches():
    blocks = {b.name: b for b in summarize("googlenet").grouped(1)}
    for name, (c_in, c1, c3r, c3, c5r, c5, proj, h) in INCEPTIONS.items():
        block = blocks[name]
        assert block.kind == "Concat"
        assert block.input_shape[0] == c_in
        assert block.output_shape == (c1 + c3 + c5 + proj, h, h)
        assert block.params == (basic(c_in, c1, 1) + basic(c_in, c3r, 1) + basic(c3r, c3, 3)
                                + basic(c_in, c5r, 1) + basic(c5r, c5, 3) + basic(c_in, proj, 1))
    stem = [(r.name, r.output_shape) for r in summarize("googlenet").rows[:11] if r.kind == "MaxPool2d"]
    assert stem == [("maxpool1", (64, 56, 56)), ("maxpool2", (192, 28, 28))]  # ceil_mode: 112 → 56


def test_googlenet_ceil_mode_pools_round_up():
    rows = {r.name: r for r in summarize("googlenet").rows}
    assert rows["maxpool3"].output_shape == (480, 14, 14)
    assert rows["maxpool4"].output_shape == (832, 7, 7)  # 2×2/2 on 14
    assert rows["avgpool"].output_shape == (1024, 1, 1)
    assert rows["fc"].params == dense(1024, 1000)


def test_resnet18_stages():
    blocks = {b.name: b for b in summarize("resnet18").grouped(1)}
    assert blocks["conv1"].params == conv(3, 64, 7, bias=False)
    assert blocks["layer1"].params == 4 * basic(64, 64, 3)
    assert blocks["layer2"].params == basic(64, 128, 3) + 3 * basic(128, 128, 3) + basic(64, 128, 1)
    assert blocks["layer3"].params == basic(128, 256, 3) + 3 * basic(256, 256, 3) + basic(128, 256, 1)
    assert blocks["layer4"].params == basic(256, 512, 3) + 3 * basic(512, 512, 3) + basic(256, 512, 1)
    assert [blocks[f"layer{i}"].output_shape for i in range(1, 5)] == [
        (64, 56, 56), (128, 28, 28), (256, 14, 14), (512, 7, 7)]
    assert blocks["fc"].params == dense(512, 1000)


def test_resnet50_bottleneck_stages():
    blocks = {b.name: b for b in summarize("resnet50").grouped(2)}

    def bottleneck(c_in, width, project):
        p = basic(c_in, width, 1) + basic(width, width, 3) + basic(width, 4 * width, 1)
        return p + (basic(c_in, 4 * width, 1) if project else 0)

    assert blocks["layer1.0"].params == bottleneck(64, 64, True)
    assert blocks["layer1.1"].params == bottleneck(256, 64, False)
    assert blocks["layer2.0"].params == bottleneck(256, 128, True)
    assert blocks["layer4.2"].params == bottleneck(2048, 512, False)
    assert blocks["layer2.0"].output_shape == (512, 28, 28)  # v1.5: stride 2 on the 3×3
    assert blocks["layer4.2"].output_shape == (2048, 7, 7)
    assert blocks["layer1.0"].kind == "Residual"


def test_densenet121_blocks_grow_by_32_channels_per_layer():
    summary = summarize("densenet121")
    blocks = {b.name: b for b in summary.grouped(1)}
    channels = 64
    for i, (n, h) in enumerate(zip((6, 12, 24, 16), (56, 28, 14, 7)), start=1):
        block = blocks[f"denseblock{i}"]
        # per layer: norm1 over its input, 1×1 conv to 128, norm2 over 128, 3×3 conv to 32 (no bias)
        assert block.params == sum(2 * (channels + 32 * j) + conv(channels + 32 * j, 128, 1, bias=False)
                                   + 2 * 128 + conv(128, 32, 3, bias=False) for j in range(n))
        channels += 32 * n
        assert block.output_shape == (channels, h, h)
        if i < 4:
            assert blocks[f"transition{i}"].params == 2 * channels + conv(channels, channels // 2, 1, bias=False)
            channels //= 2
            assert blocks[f"transition{i}"].output_shape == (channels, h // 2, h // 2)
    assert blocks["classifier"].params == dense(1024, 1000)
    assert len([r for r in summary.rows if r.kind == "Conv2d"]) == 120  # 121 = 120 convs + 1 dense


def test_lenet5_macs_by_hand():
    macs = 28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 120 * 400 + 120 * 84 + 84 * 10
    assert summarize("lenet5").total_macs == macs


@pytest.mark.parametrize("name, gmacs", [
    # torchvision's published "GFLOPS" (multiply-accumulates of convs and linear layers, 224×224)
    ("alexnet", 0.71), ("vgg16", 15.47), ("googlenet", 1.50), ("resnet18", 1.81), ("resnet50", 4.09),
    ("densenet121", 2.83),
])
def test_preset_macs_match_torchvision_published_figures(name, gmacs):
    assert round(summarize(name).total_macs / 1e9, 2) == gmacs


def test_resnet18_macs_exact():
    # conv1 + 4 stages of 3×3 convs + projections + fc, counted by hand
    macs = 112 * 112 * 64 * 3 * 49
    for width, h, c_in in ((64, 56, 64), (128, 28, 64), (256, 14, 128), (512, 7, 256)):
        macs += h * h * width * 9 * (c_in + 3 * width)  # first conv reads c_in, the other three read width
        if c_in != width:
            macs += h * h * width * c_in  # 1×1 projection
    macs += 512 * 1000
    assert summarize("resnet18").total_macs == macs == 1_814_073_344


def test_every_preset_documents_source_and_variant():
    for preset in PRESETS.values():
        assert preset.source and preset.variant and preset.title
        assert len(preset.input_shape) == 3
