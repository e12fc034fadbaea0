"""Dev-only: random Keras and PyTorch programs, read by from_code and built by the frameworks themselves, agree
exactly on every layer's output shape and parameter count (and on which programs cannot be built at all).

Skipped unless torch (and for Keras, keras 3 with KERAS_BACKEND=torch) is installed; neither is a project
dependency. The programs are written here by a generator of their own (not by cnnviz.networks.export), in
every style from_code accepts: positional and keyword arguments, list and ``model.add``, several prefixes.
"""
from __future__ import annotations

import os
import random

import pytest

from cnnviz.networks import summarize
from cnnviz.networks.from_code import from_code

os.environ.setdefault("KERAS_BACKEND", "torch")
torch = pytest.importorskip("torch")


def _size(rng, low, high):
    a = rng.randint(low, high)
    return a if rng.random() < 0.6 else (a, rng.randint(low, high))


def _call(rng, name, positional, keywords):
    """``name(p1, p2, k=v)``: each argument written positionally (while the order allows) or by keyword."""
    parts, by_keyword = [], False
    for key, value in positional:
        by_keyword = by_keyword or rng.random() < 0.4
        parts.append(f"{key}={value!r}" if by_keyword else repr(value))
    parts += [f"{k}={v!r}" for k, v in keywords]
    return f"{name}({', '.join(parts)})"


# ------------------------------------------------------------------ PyTorch
def torch_program(rng):
    """(source, (C, H, W)): a feature extractor, then (when it fits) a flatten and dense head."""
    c, h, w = rng.choice((1, 3)), rng.randint(6, 40), rng.randint(6, 40)
    prefix = rng.choice(("nn.", "torch.nn."))
    layers, channels = [], c
    for _ in range(rng.randint(1, 5)):
        kind = rng.choice(("conv", "conv", "pool", "bn", "act", "dropout"))
        if kind == "conv":
            out = rng.randint(1, 5) * rng.choice((1, 2))
            groups = rng.choice([g for g in (1, 2, 3) if channels % g == 0 and out % g == 0])
            stride, dilation = _size(rng, 1, 3), rng.choice((1, 1, 2))
            padding = rng.choice((0, 1, 2, (1, 0), "valid") + (("same",) if stride in (1, (1, 1)) else ()))
            kw = [("dilation", dilation)] if dilation != 1 else []
            kw += [("groups", groups)] if groups != 1 else []
            kw += [("bias", False)] if rng.random() < 0.3 else []
            layers.append(_call(rng, prefix + "Conv2d", [("in_channels", channels), ("out_channels", out),
                                                         ("kernel_size", _size(rng, 1, 5)), ("stride", stride),
                                                         ("padding", padding)], kw))
            channels = out
        elif kind == "pool":
            k = rng.randint(1, 3)
            stride = rng.choice((None, 1, 2, 3))
            args = [("kernel_size", k)] + ([("stride", stride)] if stride else [])
            kw = [("padding", rng.randint(0, k // 2))] + ([("ceil_mode", True)] if rng.random() < 0.4 else [])
            layers.append(_call(rng, prefix + rng.choice(("MaxPool2d", "AvgPool2d")), args, kw))
        elif kind == "bn":
            layers.append(_call(rng, prefix + "BatchNorm2d", [("num_features", channels)],
                                [("affine", False)] if rng.random() < 0.2 else []))
        elif kind == "act":
            layers.append(prefix + rng.choice(("ReLU()", "Tanh()", "Sigmoid()", "LeakyReLU(0.1)")))
        else:
            layers.append(_call(rng, prefix + "Dropout", [("p", 0.25)], []))
    if rng.random() < 0.3:
        layers.append(f"{prefix}AdaptiveAvgPool2d({rng.choice((1, 2, (2, 3)))!r})")
    return layers, (c, h, w), prefix


def torch_source(layers, shape, prefix):
    lines = ",\n    ".join(layers)
    return f"import torch\nfrom torch import nn\n\n# input: {shape[0]}x{shape[1]}x{shape[2]}\n" \
           f"model = nn.Sequential(\n    {lines},\n)\n"


def run_torch(source):
    """Every top-level child's output shape and parameter count, and the buffers, as PyTorch builds them."""
    namespace = {}
    exec(compile(source, "<generated>", "exec"), namespace)  # the test's own generated program, not a user's
    model, shape = namespace["model"], from_code(source).input_shape
    outputs = []
    hooks = [m.register_forward_hook(lambda mod, inp, out: outputs.append(tuple(out.shape[1:])))
             for m in model.children()]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    for hook in hooks:
        hook.remove()
    params = [sum(p.numel() for p in m.parameters()) for m in model.children()]
    buffers = sum(b.numel() for name, b in model.named_buffers() if not name.endswith("num_batches_tracked"))
    return list(zip(outputs, params)), buffers


@pytest.mark.parametrize("seed", range(60))
def test_random_pytorch_programs_match_pytorch(seed):
    rng = random.Random(seed)
    layers, shape, prefix = torch_program(rng)
    source = torch_source(layers, shape, prefix)
    ours = summarize(from_code(source), strict=False)
    try:
        theirs, buffers = run_torch(source)
    except RuntimeError:  # PyTorch cannot build it: cnnviz must name a layer that cannot fit
        assert ours.error is not None, source
        return
    assert ours.error is None, (source, ours.error)
    if rng.random() < 0.7:  # append a dense head, sized by what PyTorch says comes out
        flat = 1
        for d in theirs[-1][0]:
            flat *= d
        layers = layers + [f"{prefix}Flatten()", f"{prefix}Linear({flat}, {rng.randint(2, 10)})",
                           f"{prefix}Softmax(dim=1)"]
        source = torch_source(layers, shape, prefix)
        theirs, buffers = run_torch(source)
        ours = summarize(from_code(source))
    rows = ours.grouped(1)
    assert [(r.output_shape, r.params) for r in rows] == theirs, source
    assert ours.total_params == sum(p for _, p in theirs)
    assert ours.total_non_trainable == buffers


# ------------------------------------------------------------------ Keras 3
def keras_program(rng):
    h, w, c = rng.randint(6, 40), rng.randint(6, 40), rng.choice((1, 3))
    prefix = rng.choice(("layers.", "keras.layers.", ""))
    layers = []
    for _ in range(rng.randint(1, 5)):
        kind = rng.choice(("conv", "conv", "pool", "bn", "act", "dropout"))
        if kind == "conv":
            filters = rng.randint(1, 6) * rng.choice((1, 2))
            strides = _size(rng, 1, 3)
            kw = [("padding", rng.choice(("valid", "same")))]
            if strides in (1, (1, 1)) and rng.random() < 0.3:
                kw.append(("dilation_rate", 2))
            if rng.random() < 0.4:
                kw.append(("activation", rng.choice(("relu", "tanh", "sigmoid", "softmax"))))
            if rng.random() < 0.3:
                kw.append(("use_bias", False))
            layers.append(_call(rng, prefix + "Conv2D", [("filters", filters), ("kernel_size", _size(rng, 1, 5)),
                                                         ("strides", strides)], kw))
        elif kind == "pool":
            size = _size(rng, 1, 3)
            args = [("pool_size", size)] + ([("strides", _size(rng, 1, 3))] if rng.random() < 0.5 else [])
            name = rng.choice(("MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D"))
            layers.append(_call(rng, prefix + name, args, [("padding", rng.choice(("valid", "same")))]))
        elif kind == "bn":
            layers.append(prefix + "BatchNormalization()")
        elif kind == "act":
            layers.append(prefix + rng.choice(("ReLU()", "Activation('tanh')", "LeakyReLU(negative_slope=0.2)")))
        else:
            layers.append(_call(rng, prefix + "Dropout", [("rate", 0.3)], []))
    head = rng.choice(("Flatten()", "GlobalAveragePooling2D()", "GlobalMaxPooling2D()"))
    layers += [prefix + head, _call(rng, prefix + "Dense", [("units", rng.randint(2, 10))],
                                    [("activation", "softmax")] if rng.random() < 0.5 else [])]
    if rng.random() < 0.3:
        layers.insert(-1, prefix + "BatchNormalization()")
    return layers, (h, w, c), prefix


def keras_source(rng, layers, shape, prefix):
    head = ("import keras\nfrom keras import layers\nfrom keras.layers import *\n\n"
            "keras.backend.clear_session()\n")
    first = f"{prefix}Input(shape={shape!r})" if prefix else f"Input(shape={shape!r})"
    if rng.random() < 0.5:
        body = ",\n    ".join([first, *layers])
        return head + f"model = keras.Sequential([\n    {body},\n])\nmodel.summary()\n"
    adds = "".join(f"model.add({layer})\n" for layer in [first, *layers])
    return head + "model = keras.Sequential()\n" + adds + "model.compile(loss='mse')\n"


@pytest.mark.parametrize("seed", range(40))
def test_random_keras_programs_match_keras(seed):
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip("needs KERAS_BACKEND=torch")
    import numpy as np

    rng = random.Random(1000 + seed)
    layers, shape, prefix = keras_program(rng)
    source = keras_source(rng, layers, shape, prefix)
    ours = summarize(from_code(source), strict=False)
    namespace = {}
    try:
        exec(compile(source.replace("model.summary()\n", ""), "<generated>", "exec"), namespace)
    except ValueError:  # Keras refuses to build it: cnnviz must name a layer that cannot fit
        assert ours.error is not None, source
        return
    model = namespace["model"]
    assert ours.error is None, (source, ours.error)
    theirs = [(tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers]
    mine = [((r.output_shape if len(r.output_shape) == 1 else (*r.output_shape[1:], r.output_shape[0])),
             r.params + r.non_trainable) for r in ours.grouped(1)]
    assert mine == theirs, source
    assert [r.name for r in ours.grouped(1)] == [layer.name for layer in model.layers]  # Keras' own names
    assert ours.total_params == sum(int(np.prod(v.shape)) for v in model.trainable_weights)
    assert ours.total_non_trainable == sum(int(np.prod(v.shape)) for v in model.non_trainable_weights)


def test_the_course_keras_lenet_prints_in_keras_as_in_cnnviz():
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip("needs KERAS_BACKEND=torch")
    from cnnviz.networks.code_examples import example_code
    from cnnviz.networks.framework_table import framework_table

    source = example_code("keras_lenet")
    runnable = (source.replace("from tensorflow import keras", "import keras").replace("import tensorflow as tf", "")
                .replace("tensorflow.keras", "keras").replace("model.summary()", ""))  # Keras 3 without TensorFlow
    namespace = {}
    exec(compile(runnable, "<course>", "exec"), namespace)
    model = namespace["model"]
    net = from_code(source)
    table = framework_table(summarize(net), "keras", net.types)
    theirs = [(f"{layer.name} ({type(layer).__name__})", "(None, " + ", ".join(map(str, layer.output.shape[1:])) + ")",
               layer.count_params()) for layer in model.layers]
    assert [(r.layer, r.output_shape, r.params) for r in table.rows] == theirs
    assert model.count_params() == table.total == 47_154
