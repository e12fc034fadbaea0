"""Export: a network written as Keras and as PyTorch code reads back (from_code) to the same summary."""
from __future__ import annotations

import os
import random

import pytest

from cnnviz.errors import CnnvizError
from cnnviz.networks import (PRESETS, AvgPool2d, BatchNorm2d, Conv2d, Dense, Dropout, Flatten, GlobalAvgPool,
                             LeakyReLU, MaxPool2d, ReLU, Sequential, Softmax, Tanh, summarize)
from cnnviz.networks.export import keras_code, network_snippets, torch_code
from cnnviz.networks.from_code import from_code

KERAS_PRESETS = ("lenet5", "lenet5_mnist", "course_example")
TORCH_PRESETS = ("lenet5", "lenet5_mnist", "course_example", "alexnet", "vgg16")


def numbers(summary):
    """What a summary says, layer by layer, without the names (Keras and PyTorch name layers their own way)."""
    return [(r.output_shape, r.params, r.non_trainable, r.macs) for r in summary.rows]


@pytest.mark.parametrize("export, framework, name", [(keras_code, "keras", n) for n in KERAS_PRESETS]
                         + [(torch_code, "torch", n) for n in TORCH_PRESETS])
def test_presets_written_as_code_read_back_to_the_same_summary(export, framework, name):
    preset = PRESETS[name]
    back = from_code(export(preset.network, preset.input_shape))
    assert back.framework == framework and back.input_shape == preset.input_shape
    assert numbers(summarize(back)) == numbers(summarize(preset.network, preset.input_shape))


@pytest.mark.parametrize("name", [n for n in PRESETS if n not in TORCH_PRESETS])
def test_networks_with_branches_or_lrn_are_refused_with_a_message(name):
    preset = PRESETS[name]
    for export in (keras_code, torch_code):
        with pytest.raises(CnnvizError) as info:
            export(preset.network, preset.input_shape)
        assert info.value.code == "export_unsupported"


def test_keras_export_folds_activations_into_their_layer_as_the_course_writes_it():
    code = keras_code(PRESETS["lenet5_mnist"].network, (1, 28, 28))
    assert "keras.Input(shape=(28, 28, 1))" in code
    assert "layers.Conv2D(6, 5, padding='valid', activation='relu')" in code
    assert "layers.Dense(10, activation='softmax')" in code


def test_explicit_padding_becomes_same_for_keras_only_where_the_keras_rule_agrees():
    net = Sequential((Conv2d(4, 3, padding=1), Conv2d(4, 4, stride=2, padding=1)))
    with pytest.raises(CnnvizError):  # on 9×9, 'same' for the 4×4 stride-2 conv pads (1, 2), not (1, 1)
        keras_code(net, (1, 9, 9))
    code = keras_code(Sequential((Conv2d(4, 3, padding=1),)), (1, 9, 9))
    assert "padding='same'" in code


def random_chain(rng, flat_pool: bool = True):
    layers = []
    for _ in range(rng.randint(1, 6)):
        kind = rng.choice(("conv", "conv", "pool", "bn", "act", "drop"))
        if kind == "conv":
            k = rng.choice((1, 2, 3, 5, (3, 1)))
            layers.append(Conv2d(rng.randint(1, 8), k, rng.choice((1, 2)), rng.choice((0, 1, "same", "valid")),
                                 bias=rng.random() < 0.8))
        elif kind == "pool":
            cls = rng.choice((MaxPool2d, AvgPool2d))
            layers.append(cls(rng.choice((2, 3)), rng.choice((None, 1, 2))))
        elif kind == "bn":
            layers.append(BatchNorm2d())
        elif kind == "act":
            layers.append(rng.choice((ReLU(), Tanh(), LeakyReLU(negative_slope=0.2))))
        else:
            layers.append(Dropout(0.5))
    layers.append(rng.choice((Flatten(), GlobalAvgPool(keepdims=False))) if flat_pool else Flatten())
    layers += [Dense(rng.randint(2, 12)), rng.choice((ReLU(), Softmax()))]
    return Sequential(layers), (rng.choice((1, 3)), rng.randint(8, 33), rng.randint(8, 33))


@pytest.mark.parametrize("export", [keras_code, torch_code])
def test_random_chains_read_back_to_the_same_summary(export):
    rng = random.Random(7)
    exported = 0
    for _ in range(150):
        net, shape = random_chain(rng, flat_pool=export is keras_code)
        if not summarize(net, shape, strict=False).ok:
            continue
        try:
            code = export(net, shape)
        except CnnvizError as exc:  # e.g. 'same' with an even kernel: PyTorch cannot pad unevenly
            assert exc.code == "export_unsupported"
            continue
        exported += 1
        assert numbers(summarize(from_code(code))) == numbers(summarize(net, shape)), code
    assert exported >= 40


def test_a_flat_global_pool_is_written_for_pytorch_as_adaptive_pooling_then_flatten():
    net, shape = Sequential((Conv2d(4, 3), GlobalAvgPool(keepdims=False), Dense(2))), (1, 9, 9)
    code = torch_code(net, shape)
    assert "nn.AdaptiveAvgPool2d(1),\n    nn.Flatten()," in code
    back, original = summarize(from_code(code)), summarize(net, shape)
    assert (back.output_shape, back.total_params) == (original.output_shape, original.total_params)


def test_exported_pytorch_code_runs_and_counts_the_same_in_pytorch():
    torch = pytest.importorskip("torch")
    preset = PRESETS["lenet5"]
    namespace = {}
    exec(torch_code(preset.network, preset.input_shape).replace("print(", "(lambda *a: None)("), namespace)
    model = namespace["model"]
    assert sum(p.numel() for p in model.parameters()) == 61_706
    assert tuple(model(torch.zeros(1, 1, 32, 32)).shape) == (1, 10)


def test_exported_keras_code_builds_the_same_counts_in_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip("needs KERAS_BACKEND=torch")
    namespace = {}
    exec(keras_code(PRESETS["lenet5_mnist"].network, (1, 28, 28)).replace("model.summary()", ""), namespace)
    assert namespace["model"].count_params() == 47_154


def test_network_snippets_hold_each_framework_that_can_write_the_network():
    vgg = network_snippets(PRESETS["vgg16"].network, (3, 224, 224))
    assert vgg.keras is None and "nn.AdaptiveAvgPool2d(7)" in vgg.torch  # Keras has no adaptive pooling
    resnet = network_snippets(PRESETS["resnet18"].network, (3, 224, 224))
    assert (resnet.torch, resnet.keras) == (None, None)  # skip connections: not a Sequential
    lenet = network_snippets(PRESETS["lenet5_mnist"].network, (1, 28, 28))
    assert "keras.Input(shape=(28, 28, 1))" in lenet.keras and "nn.Conv2d(1, 6, kernel_size=5)" in lenet.torch
