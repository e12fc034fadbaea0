r"""LeNet for MNIST, in two variants, built from :mod:`cnnviz.nn` layers.

``"lenet5_mnist"`` — the course's Keras LeNet on 28×28 images (47,154 parameters)::

    28×28×1 → conv 6@5×5 + ReLU → 24×24×6 → avg-pool 2 → 12×12×6 → conv 16@5×5 + ReLU → 8×8×16
    → avg-pool 2 → 4×4×16 → flatten 256 → dense 128 + ReLU → dense 84 + ReLU → dense 10 (softmax)

``"lenet5"`` — LeCun et al. 1998, with the modern simplifications (full C3 connections, tanh,
average-pool subsampling without trainable coefficients, a softmax output instead of RBF units):
28×28 images padded with zeros to 32×32 (61,706 parameters)::

    32×32×1 → conv 6@5×5 + tanh → 28×28×6 → avg-pool 2 → 14×14×6 → conv 16@5×5 + tanh → 10×10×16
    → avg-pool 2 → 5×5×16 → flatten 400 → dense 120 + tanh → dense 84 + tanh → dense 10 (softmax)

Pixels are scaled to 0–1 and standardised with MNIST's mean and standard deviation (0.1307,
0.3081) before the first layer. The same seed always gives the same initial weights (He init for
ReLU, Xavier for tanh).
"""
from __future__ import annotations

import numpy as np

from .conv import Conv2d
from .layers import Dense, Flatten, ReLU, Tanh
from ..errors import CnnvizError
from .model import FORMAT_VERSION, MNIST_MEAN, MNIST_STD, Model
from .weights_file import MAX_VARIANT_CHARS, read_weights
from .pooling import AvgPool2d

VARIANTS = ("lenet5_mnist", "lenet5")
_DESIGN = {  # variant: (activation, init, input padding, dense widths)
    "lenet5_mnist": (ReLU, "he", 0, (128, 84)),
    "lenet5": (Tanh, "xavier", 2, (120, 84)),
}


def lenet(variant: str = "lenet5_mnist", seed: int = 0, dtype=np.float32) -> Model:
    """A freshly initialised LeNet (see the module docstring); ``model.layers[0]`` is ``conv1``.

    Layer names: conv1, relu1|tanh1, pool1, conv2, relu2|tanh2, pool2, flatten, dense1, relu3|tanh3,
    dense2, relu4|tanh4, dense3.
    """
    if variant not in VARIANTS:
        raise ValueError(f"LeNet variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    act, init, pad, (d1, d2) = _DESIGN[variant]
    rng = np.random.default_rng(seed)
    opts = dict(init=init, rng=rng, dtype=dtype)
    features = [
        Conv2d(1, 6, 5, name="conv1", **opts), act(name=f"{act.kind}1"), AvgPool2d(2, name="pool1"),
        Conv2d(6, 16, 5, name="conv2", **opts), act(name=f"{act.kind}2"), AvgPool2d(2, name="pool2"),
        Flatten(name="flatten"),
    ]
    shape = (28 + 2 * pad, 28 + 2 * pad, 1)
    for layer in features:  # the flattened size comes from the layers' own output shapes
        shape = layer.output_shape(shape)
    classifier = [
        Dense(shape[0], d1, name="dense1", **opts), act(name=f"{act.kind}3"),
        Dense(d1, d2, name="dense2", **opts), act(name=f"{act.kind}4"),
        Dense(d2, 10, name="dense3", **{**opts, "init": "xavier"}),
    ]
    return Model(features + classifier, variant=variant, input_padding=pad, input_mean=MNIST_MEAN,
                 input_std=MNIST_STD, dtype=dtype)


def load_model(file) -> Model:
    """A LeNet with the weights saved by :meth:`Model.save` (a path, a binary file object or bytes).

    Reads only the members the network needs, each bounded before it is unpacked
    (:mod:`cnnviz.nn.weights_file`); raises CnnvizError with a readable reason for anything else.
    """
    built: list[Model] = []

    def needs(variant: str) -> dict[str, tuple[int, ...]]:
        if variant not in VARIANTS:
            raise CnnvizError("weights_unknown_network", variant=variant[:MAX_VARIANT_CHARS],
                              expected=", ".join(VARIANTS))
        built.append(lenet(variant))
        return built[0].parameter_shapes()

    _, arrays = read_weights(file, needs, FORMAT_VERSION)
    built[0].load_state_dict(arrays)
    return built[0]
