"""from_code: model programs in tests/model_code read to the shapes and counts the frameworks' rules give.

Expected numbers are worked out by hand here — Keras: 'valid' ⌊(n−k)/s⌋+1, 'same' ⌈n/s⌉, conv params
k·k·C·F + F, Dense in·out + out, BatchNormalization 4·C of which 2·C non-trainable; PyTorch:
⌊(n+2p−d(k−1)−1)/s⌋+1, ceil_mode rounds up, pooling stride defaults to the kernel — never copied from the
implementation.
"""
from __future__ import annotations

import random
import re
import warnings
from pathlib import Path

import pytest

from cnnviz.errors import CnnvizError
from cnnviz.locales import catalogue
from cnnviz.networks import summarize
from cnnviz.networks.code_examples import EXAMPLES, example_code
from cnnviz.networks.code_reading import CodeError
from cnnviz.networks.framework_table import framework_table, layer_rows
from cnnviz.networks.from_code import from_code

CORPUS = Path(__file__).parent / "model_code"


def read(name: str, **kw):
    """A program of the corpus, or (without .py) one of the page's examples."""
    source = (CORPUS / name).read_text(encoding="utf-8") if name.endswith(".py") else example_code(name)
    return from_code(source, **kw)


def top_rows(network):
    return [(r.name, r.output_shape, r.params) for r in summarize(network).grouped(1)]


def test_course_keras_lenet_has_47154_parameters_and_every_shape():
    net = read("keras_lenet")
    assert net.framework == "keras" and net.input_shape == (1, 28, 28)
    assert top_rows(net) == [
        ("conv2d", (6, 24, 24), 5 * 5 * 1 * 6 + 6),  # 28 − 5 + 1 = 24
        ("average_pooling2d", (6, 12, 12), 0),
        ("conv2d_1", (16, 8, 8), 5 * 5 * 6 * 16 + 16),
        ("average_pooling2d_1", (16, 4, 4), 0),
        ("flatten", (256,), 0),
        ("dense", (128,), 256 * 128 + 128),
        ("dense_1", (84,), 128 * 84 + 84),
        ("dense_2", (10,), 84 * 10 + 10),
    ]
    assert summarize(net).total_params == 47_154


def test_course_lenet_as_keras_prints_its_summary():
    net = read("keras_lenet")
    table = framework_table(summarize(net), "keras", net.types)
    assert [(r.layer, r.output_shape, r.params) for r in table.rows][:3] == [
        ("conv2d (Conv2D)", "(None, 24, 24, 6)", 156),
        ("average_pooling2d (AveragePooling2D)", "(None, 12, 12, 6)", 0),  # AvgPool2D is an alias
        ("conv2d_1 (Conv2D)", "(None, 8, 8, 16)", 2416)]
    assert (table.total, table.trainable, table.non_trainable) == (47_154, 47_154, 0)


def test_pytorch_tutorial_lenet_reads_16_times_5_times_5_as_a_number():
    net = read("torch_lenet")
    assert net.input_shape == (1, 32, 32)
    assert summarize(net).total_params == 61_706  # the LeNet-5 count: 156 + 2,416 + 48,120 + 10,164 + 850


def test_the_example_that_does_not_fit_stops_at_the_third_convolution():
    net = read("keras_does_not_fit")
    summary = summarize(net, strict=False)
    assert summary.error.name.split(".")[0] == "conv2d_2"  # 28 → 24 → 12 → 8 → 4, and 5×5 does not fit in 4×4
    assert summary.error.input_shape == (16, 4, 4)
    assert net.position_of(summary.error.name) == (11, 5)


def test_every_example_reads():
    for name in EXAMPLES:
        assert read(name).layers


def test_keras_list_with_same_padding_batch_norm_and_global_pooling():
    net = read("keras_list_same.py")
    assert net.input_shape == (3, 32, 32)  # input_shape=(32, 32, 3) on the first layer
    assert top_rows(net) == [
        ("conv2d", (32, 16, 16), 3 * 3 * 3 * 32 + 32),  # 'same', stride 2: ⌈32/2⌉
        ("batch_normalization", (32, 16, 16), 2 * 32),  # γ, β learnable
        ("re_lu", (32, 16, 16), 0),
        ("max_pooling2d", (32, 8, 8), 0),  # 'same', stride 2: ⌈16/2⌉
        ("conv2d_1", (64, 6, 4), 3 * 5 * 32 * 64),  # no bias; 8−3+1, 8−5+1
        ("global_average_pooling2d", (64,), 0),  # flat, as Keras gives
        ("dropout", (64,), 0),
        ("classifier", (10,), 64 * 10 + 10),  # its own name=
    ]
    table = framework_table(summarize(net), "keras", net.types)
    assert table.rows[1].params == 4 * 32  # Keras' Param # counts the moving mean and variance
    assert (table.trainable, table.non_trainable, table.total) == (32_330, 64, 32_394)


def test_keras_same_on_an_odd_input_rounds_up_and_positional_arguments_bind_in_keras_order():
    net = read("keras_odd_same.py")
    assert top_rows(net) == [("conv2d", (8, 8, 8), 4 * 4 * 1 * 8 + 8),  # ⌈15/2⌉ = 8
                             ("max_pooling2d", (8, 4, 4), 0), ("flatten", (128,), 0),
                             ("dense", (5,), 128 * 5 + 5)]


def test_keras_activations_dilation_and_uneven_pool_strides():
    net = read("keras_activations.py")
    assert top_rows(net) == [
        ("conv2d", (16, 26, 26), 3 * 3 * 16 + 16), ("activation", (16, 26, 26), 0),
        ("average_pooling2d", (16, 12, 24), 0),  # ⌊(26−3)/2⌋+1, ⌊(26−3)/1⌋+1
        ("conv2d_1", (8, 8, 20), 3 * 3 * 16 * 8 + 8),  # dilation 2 spans 5
        ("leaky_re_lu", (8, 8, 20), 0), ("global_max_pooling2d", (8,), 0), ("re_lu", (8,), 0),
        ("dense", (4,), 8 * 4 + 4)]


def test_pytorch_vgg_block_reads_its_input_from_a_comment():
    net = read("torch_vgg_block")
    assert net.framework == "torch" and net.input_shape == (3, 32, 32)
    assert top_rows(net) == [("0", (64, 32, 32), 3 * 9 * 64 + 64), ("1", (64, 32, 32), 0),
                             ("2", (64, 32, 32), 64 * 9 * 64 + 64), ("3", (64, 32, 32), 2 * 64),
                             ("4", (64, 32, 32), 0), ("5", (64, 16, 16), 0)]
    table = framework_table(summarize(net), "torch", net.types)
    assert table.total == 38_848 and table.non_trainable == 0  # running statistics are buffers in PyTorch
    assert table.rows[3].layer == "3 (BatchNorm2d)" and table.rows[0].output_shape == "[-1, 64, 32, 32]"


def test_pytorch_keywords_positionals_ceil_mode_groups_same_and_dilation():
    net = read("torch_mixed_args.py")
    assert net.input_shape == (3, 30, 30)  # torch.randn(2, 3, 30, 30), batch dropped
    assert top_rows(net) == [
        ("0", (12, 15, 30), 3 * 5 * 3 * 12 + 12),  # ⌊(30+2−3)/2⌋+1 = 15, (30+4−5)+1 = 30
        ("1", (12, 7, 15), 0),  # ceil_mode: ⌈(15−3)/2⌉+1 = 7, ⌈(30−3)/2⌉+1 = 15
        ("2", (24, 7, 15), 3 * 3 * (12 // 3) * 24),  # groups 3, no bias, 'same' at stride 1
        ("3", (24, 3, 11), 3 * 3 * 24 * 24 + 24),  # dilation 2 spans 5
        ("4", (24, 1, 5), 0), ("5", (24, 1, 1), 0), ("6", (24,), 0), ("7", (24,), 0),
        ("8", (10,), 24 * 10 + 10), ("9", (10,), 0), ("10", (10,), 0)]
    assert net.types[8] == "Linear"


def test_a_pytorch_input_tensor_made_before_the_model_states_its_shape():
    net = from_code("import torch\nx = torch.zeros(8, 3, 20, 24)\n"
                    "model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 5))\n")
    assert net.input_shape == (3, 20, 24)
    assert summarize(net).output_shape == (4, 16, 20)


def test_pytorch_sequentials_assigned_before_nest_and_the_caller_gives_the_input():
    assert read("torch_nested_blocks.py").input_shape is None
    net = read("torch_nested_blocks.py", input_shape=(1, 28, 28))
    rows = summarize(net).rows
    assert [(r.name, r.output_shape) for r in rows] == [
        ("0.0", (8, 26, 26)), ("0.1", (8, 26, 26)), ("0.2", (8, 13, 13)), ("1", (1352,)),
        ("2.0", (1352,)), ("2.1.0", (10,))]
    assert summarize(net).total_params == 8 * 9 + 8 + 1352 * 10 + 10


def test_a_keras_mlp_on_a_flat_input():
    net = from_code("model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(128, activation='relu'),\n"
                    "    layers.BatchNormalization(), layers.Dropout(0.2), layers.Dense(10)])")
    assert net.input_shape == (784,)
    summary = summarize(net)
    assert summary.total_params == 784 * 128 + 128 + 2 * 128 + 128 * 10 + 10
    assert summary.total_non_trainable == 2 * 128


def test_the_layer_that_cannot_fit_is_pointed_at_in_the_code():
    src = "model = nn.Sequential(\n    nn.Conv2d(1, 4, 5),\n    nn.MaxPool2d(2),\n    nn.Conv2d(4, 8, 9),\n)\n"
    net = from_code(src, input_shape=(1, 16, 16))
    summary = summarize(net, strict=False)
    assert summary.error.name == "2"  # 16 → 12 → 6, and a 9×9 kernel does not fit
    assert net.position_of(summary.error.name) == (4, 5)
    assert isinstance(summary.error.cause, CnnvizError)
    assert "커널" in summary.error.cause.message("ko")


def test_the_same_model_in_both_frameworks_reads_to_the_same_counts():
    keras = "model = keras.Sequential([keras.Input((8, 8, 2)), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(3)])"
    torch = "model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.Flatten(), nn.Linear(144, 3))"
    a, b = summarize(from_code(keras)), summarize(from_code(torch, input_shape=(2, 8, 8)))
    assert [(r.output_shape, r.params) for r in a.rows] == [(r.output_shape, r.params) for r in b.rows]


@pytest.mark.parametrize("source, code, line, at", [
    ("import os\nos.system('rm -rf /')", "code_runs_something", 2, "os.system"),
    ("__import__('os').system('echo hi')", "code_runs_something", 1, "__import__"),
    ("model = Sequential([Dense(3)])\neval('1')", "code_runs_something", 2, "eval"),
    ("model = Sequential()\nfor i in range(3):\n    model.add(Dense(3))", "code_statement", 2, "for"),
    ("class Net(nn.Module):\n    pass", "code_statement", 1, "class"),
    ("def build():\n    return Sequential()", "code_statement", 1, "def"),
    ("n = 3\nmodel = Sequential([Dense(n)])", "code_computed_argument", 2, "n)"),
    ("model = Sequential([Dense(2 ** 10)])", "code_computed_argument", 1, "2 **"),
    ("model = Sequential([Conv3D(4, 3)])", "code_unknown_layer", 1, "Conv3D"),
    ("model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.GRU(4, 4))", "code_unknown_layer", 1, "nn.GRU"),
    ("model = Sequential([Dense(3, foo=1)])", "code_unknown_argument", 1, "1)"),
    ("model = Sequential([Conv2D(4)])", "code_missing_argument", 1, "Conv2D"),
    ("model = Sequential([Conv2D(4, 3, padding='full')])", "code_not_allowed", 1, "'full'"),
    ("model = Sequential([Conv2D(4, 3, data_format='channels_first')])", "code_not_allowed", 1, "'channels_first'"),
    ("model = Sequential([Dense(0)])", "code_not_whole", 1, "0"),
    ("model = Sequential([Dropout(1.5)])", "code_not_rate", 1, "1.5"),
    ("model = nn.Sequential(nn.Conv2d(1, 2, 3, stride=2, padding='same'))", "code_torch_same_stride", 1, "'same'"),
    ("model = nn.Sequential(nn.Conv2d(1, 2, 3), Conv2D(2, 3))", "code_mixed_frameworks", 1, "Conv2D"),
    ("inputs = Input(shape=(28, 28, 1))\nx = Conv2D(4, 3)(inputs)", "code_layer_outside_model", 1, "Input"),
    ("x = Conv2D(4, 3)(inputs)", "code_functional", 1, "Conv2D"),
    ("model = Sequential()\nmodel.pop()", "code_model_method", 2, "model.pop"),
    ("model = Sequential()\nmodel = Sequential()", "code_two_models", 2, "model"),
    ("model = Sequential([Dense(3), Dense(4, name='dense')])", "code_duplicate_name", 1, "Sequential"),
    ("model = Sequential([Dense(3)] * 1000000000)", "code_not_layer_list", 1, "[Dense"),
    ("import numpy as np\nx = np.zeros(3)", "code_no_model", 1, "import"),
    ("model = Sequential([\n    Dense(3)\n", "code_syntax", 1, "["),
], ids=lambda v: v if isinstance(v, str) and v.startswith("code_") else "")
def test_refusals_name_the_line_and_column(source, code, line, at):
    where = (line, source.splitlines()[line - 1].index(at) + 1)
    with pytest.raises(CodeError) as info:
        from_code(source)
    assert info.value.cause.code == code
    assert (info.value.line, info.value.column) == where
    assert str(info.value).startswith(f"line {where[0]}, column {where[1]}: ")
    assert info.value.message("ko").startswith(f"{where[0]}행 {where[1]}열: ")


@pytest.mark.parametrize("source, code", [
    ("x" * 200_000, "code_too_long"),
    ("model = Sequential()\n" + "model.add(Dense(1))\n" * 1000, "code_too_many_layers"),
    ("\n" * 5000, "code_too_many_lines"),
    ("-" * 49_000 + "1", "code_too_deep"),
    ("x = " + "(" * 1000 + ")" * 1000, "code_syntax"),
    ("model = Sequential([Dense(" + "1 + " * 3000 + "1)])", "code_too_deep"),
    ("model = Sequential()\x00", "code_nul"),
    (b"model = Sequential()\n# \xff\xfe", "code_not_text"),
], ids=lambda v: v if isinstance(v, str) and v.startswith("code_") else "")
def test_hostile_sources_are_refused_with_a_message(source, code):
    with pytest.raises(CodeError) as info:
        from_code(source)
    assert info.value.cause.code == code


def test_nothing_in_the_code_runs(tmp_path, monkeypatch):
    target = tmp_path / "ran"
    for source in (f"open({str(target)!r}, 'w').write('x')",
                   f"import pathlib\npathlib.Path({str(target)!r}).touch()",
                   f"model = Sequential([Dense(3)])\nprint(open({str(target)!r}, 'w'))"):
        with pytest.raises(CodeError):
            from_code(source)
    import builtins

    def forbidden(*args, **kwargs):
        raise AssertionError("user code was executed")

    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "eval", forbidden)
    net = from_code("import os\nmodel = Sequential([Dense(3, input_shape=(4,))])\nmodel.summary()\n")
    assert summarize(net).total_params == 4 * 3 + 3
    assert not target.exists()


def test_statements_that_build_no_layer_are_read_past():
    src = ("import tensorflow as tf\nfrom tensorflow import keras\n# 주석: 한국어 설명\n'''docstring'''\n"
           "keras.backend.clear_session()\n(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()\n"
           "x_train = x_train / 255.0\nmodel = keras.models.Sequential()\nmodel.add(keras.layers.Flatten("
           "input_shape=(28, 28)))\n")
    with pytest.raises(CodeError) as info:  # (28, 28) has no channels: Keras Flatten would take it, cnnviz asks
        from_code(src)
    assert info.value.cause.code == "code_not_input_shape"
    net = from_code(src.replace("(28, 28)", "(28, 28, 1)") + "model.add(keras.layers.Dense(10))\n"
                    "model.compile(loss='mse')\nhistory = model.fit(x_train, y_train, epochs=1)\nmodel.summary()\n")
    assert summarize(net).total_params == 784 * 10 + 10


def test_model_build_states_the_input_shape():
    net = from_code("model = Sequential()\nmodel.add(Conv2D(2, 3))\nmodel.build((None, 10, 12, 3))\n")
    assert net.input_shape == (3, 10, 12)
    assert summarize(net).rows[0].output_shape == (2, 8, 10)


def test_every_code_error_has_a_message_in_both_languages():
    root = Path(__file__).parents[1] / "cnnviz" / "networks"
    codes = {code for path in root.glob("*.py") for code in re.findall(r'"((?:code|export)_\w+)"', path.read_text())}
    assert {"code_syntax", "code_not_whole", "code_runs_something"} <= codes
    for lang in ("en", "ko"):
        assert sorted(c for c in codes if f"error.{c}" not in catalogue(lang)) == []


def test_a_keras_layer_with_its_activation_is_one_row_of_its_own_kind():
    rows = layer_rows(summarize(read("keras_lenet")))
    assert [(r.name, r.kind, r.count) for r in rows[:2]] == [("conv2d", "Conv2d", 2),
                                                            ("average_pooling2d", "AvgPool2d", 1)]


def test_refusals_of_the_whole_source_point_at_no_place():
    for source, pointed in (("x" * 200_000, False), ("import os", False), ("model = Sequential([Dense(n)])", True)):
        with pytest.raises(CodeError) as info:
            from_code(source)
        assert info.value.pointed is pointed


def test_mangled_programs_give_a_network_or_a_refusal_never_a_crash():
    sources = [example_code(n) for n in EXAMPLES] + [p.read_text(encoding="utf-8") for p in CORPUS.glob("*.py")]
    pieces = ["(", ")", "[", "]", ",", "=", "None", "True", "'same'", "-1", "0", "(2, 2)", ".", "*", "**", "\n",
              "    ", "#", "'", "Dense", "nn.", "model.add(", "Sequential(", "input_shape=", "1.5", "lambda: 0"]
    rng = random.Random(0)
    read = refused = 0
    for _ in range(400):
        source = rng.choice(sources)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(source) + 1)
            if rng.random() < 0.5:
                source = source[:at] + rng.choice(pieces) + source[at:]
            else:
                source = source[:at] + source[at + rng.randint(1, 6):]
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nothing may even warn
            try:
                summarize(from_code(source, input_shape=(1, 28, 28)), strict=False)
                read += 1
            except CodeError:
                refused += 1
    assert read > 20 and refused > 20  # both outcomes were exercised
