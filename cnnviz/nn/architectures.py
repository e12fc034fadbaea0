r"""The networks the training lessons use — LeNet in two variants, with optional BatchNorm and Dropout,
and a fully connected network (MLP) — built from :mod:`cnnviz.nn` layers.

``"lenet5_mnist"`` — the course's Keras LeNet on 28×28 images (47,154 parameters)::

    28×28×1 → conv 6@5×5 + ReLU → 24×24×6 → avg-pool 2 → 12×12×6 → conv 16@5×5 + ReLU → 8×8×16
    → avg-pool 2 → 4×4×16 → flatten 256 → dense 128 + ReLU → dense 84 + ReLU → dense 10 (softmax)

``"lenet5"`` — LeCun et al. 1998, with the modern simplifications (full C3 connections, tanh,
average-pool subsampling without trainable coefficients, a softmax output instead of RBF units):
28×28 images padded with zeros to 32×32 (61,706 parameters)::

    32×32×1 → conv 6@5×5 + tanh → 28×28×6 → avg-pool 2 → 14×14×6 → conv 16@5×5 + tanh → 10×10×16
    → avg-pool 2 → 5×5×16 → flatten 400 → dense 120 + tanh → dense 84 + tanh → dense 10 (softmax)

Options: ``batchnorm`` puts a :class:`BatchNorm` between every hidden conv/dense layer and its
activation (``conv → BN → ReLU``; the layer's bias is then redundant but kept, as Keras keeps it);
``dropout`` drops that share of the hidden dense layers' outputs while training (after their activation).

``"mlp"`` — a fully connected network with no convolutions (235,146 parameters)::

    28×28×1 → flatten 784 → dense 256 + ReLU → dense 128 + ReLU → dense 10 (softmax)

A network's full name records its options — ``"lenet5_mnist+bn+dropout"`` — and is what the weights
file stores, so :func:`load_model` rebuilds the same layers. Pixels are scaled to 0–1 and standardised
with MNIST's mean and standard deviation (0.1307, 0.3081) before the first layer. The same seed always
gives the same initial weights (He init for ReLU, Xavier for tanh) and the same dropout masks.
"""
from __future__ import annotations

import numpy as np

from ..errors import CnnvizError
from .batchnorm import BatchNorm
from .conv import Conv2d
from .dropout import Dropout
from .layers import Dense, Flatten, ReLU, Tanh
from .model import FORMAT_VERSION, MNIST_MEAN, MNIST_STD, Model
from .weights_file import MAX_VARIANT_CHARS, read_weights
from .pooling import AvgPool2d

VARIANTS = ("lenet5_mnist", "lenet5")
NETWORKS = (*VARIANTS, "mlp")
DROPOUT = 0.3  # the rate a "+dropout" name stands for
_DESIGN = {  # variant: (activation, init, input padding, dense widths)
    "lenet5_mnist": (ReLU, "he", 0, (128, 84)),
    "lenet5": (Tanh, "xavier", 2, (120, 84)),
}
MLP_WIDTHS = (256, 128)


def network_name(base: str, batchnorm: bool = False, dropout: bool = False) -> str:
    """``"lenet5_mnist"`` + options → ``"lenet5_mnist+bn+dropout"`` (the name weights files store)."""
    return base + ("+bn" if batchnorm else "") + ("+dropout" if dropout else "")


def build(name: str, seed: int = 0, dtype=np.float32) -> Model:
    """The network a full name describes (see :func:`network_name`), freshly initialised from ``seed``."""
    base, *options = str(name).split("+")
    if base not in NETWORKS or len(set(options)) != len(options) or not set(options) <= {"bn", "dropout"}:
        raise CnnvizError("unknown_network", name=repr(name), known=", ".join(NETWORKS))
    make = mlp if base == "mlp" else lambda **kw: lenet(base, **kw)
    return make(seed=seed, dtype=dtype, batchnorm="bn" in options, dropout="dropout" in options)


def _hidden(layer, act, index: int, batchnorm: bool, dropout: float, rng, dtype, features: int) -> list:
    """A hidden layer followed by [BatchNorm], its activation and [Dropout], named by ``index``."""
    block = [layer]
    if batchnorm:
        block.append(BatchNorm(features, dtype=dtype, name=f"bn{index}"))
    block.append(act(name=f"{act.kind}{index}"))
    if dropout:  # its own stream of masks, spawned without disturbing the weights' draws
        block.append(Dropout(dropout, rng=rng.spawn(1)[0], name=f"dropout{index}"))
    return block


def lenet(variant: str = "lenet5_mnist", seed: int = 0, dtype=np.float32, *, batchnorm: bool = False,
          dropout: bool = False) -> Model:
    """A freshly initialised LeNet (see the module docstring); ``model.layers[0]`` is ``conv1``.

    Layer names: conv1, [bn1], relu1|tanh1, pool1, conv2, [bn2], relu2|tanh2, pool2, flatten, dense1, [bn3],
    relu3|tanh3, [dropout3], dense2, [bn4], relu4|tanh4, [dropout4], dense3.
    """
    if variant not in VARIANTS:
        raise ValueError(f"LeNet variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    act, init, pad, (d1, d2) = _DESIGN[variant]
    rng = np.random.default_rng(seed)
    opts = dict(init=init, rng=rng, dtype=dtype)
    features = [
        *_hidden(Conv2d(1, 6, 5, name="conv1", **opts), act, 1, batchnorm, 0, rng, dtype, 6),
        AvgPool2d(2, name="pool1"),
        *_hidden(Conv2d(6, 16, 5, name="conv2", **opts), act, 2, batchnorm, 0, rng, dtype, 16),
        AvgPool2d(2, name="pool2"), Flatten(name="flatten"),
    ]
    shape = (28 + 2 * pad, 28 + 2 * pad, 1)
    for layer in features:  # the flattened size comes from the layers' own output shapes
        shape = layer.output_shape(shape)
    rate = DROPOUT if dropout else 0
    classifier = [
        *_hidden(Dense(shape[0], d1, name="dense1", **opts), act, 3, batchnorm, rate, rng, dtype, d1),
        *_hidden(Dense(d1, d2, name="dense2", **opts), act, 4, batchnorm, rate, rng, dtype, d2),
        Dense(d2, 10, name="dense3", **{**opts, "init": "xavier"}),
    ]
    return Model(features + classifier, variant=network_name(variant, batchnorm, dropout), input_padding=pad,
                 input_mean=MNIST_MEAN, input_std=MNIST_STD, dtype=dtype)


def mlp(seed: int = 0, dtype=np.float32, *, batchnorm: bool = False, dropout: bool = False) -> Model:
    """A freshly initialised fully connected network (see the module docstring).

    Layer names: flatten, dense1, [bn1], relu1, [dropout1], dense2, [bn2], relu2, [dropout2], dense3.
    """
    rng = np.random.default_rng(seed)
    opts = dict(init="he", rng=rng, dtype=dtype)
    rate = DROPOUT if dropout else 0
    layers, width = [Flatten(name="flatten")], 28 * 28
    for i, out in enumerate(MLP_WIDTHS, start=1):
        layers += _hidden(Dense(width, out, name=f"dense{i}", **opts), ReLU, i, batchnorm, rate, rng, dtype, out)
        width = out
    layers.append(Dense(width, 10, name=f"dense{len(MLP_WIDTHS) + 1}", **{**opts, "init": "xavier"}))
    return Model(layers, variant=network_name("mlp", batchnorm, dropout), input_mean=MNIST_MEAN,
                 input_std=MNIST_STD, dtype=dtype)


def load_model(file) -> Model:
    """The network with the weights saved by :meth:`Model.save` (a path, a binary file object or bytes).

    Reads only the members the network needs, each bounded before it is unpacked
    (:mod:`cnnviz.nn.weights_file`); raises CnnvizError with a readable reason for anything else.
    """
    built: list[Model] = []

    def needs(variant: str) -> dict[str, tuple[int, ...]]:
        built.append(build(variant[:MAX_VARIANT_CHARS]))  # an unknown name: CnnvizError "unknown_network"
        return built[0].parameter_shapes()

    _, arrays = read_weights(file, needs, FORMAT_VERSION)
    built[0].load_state_dict(arrays)
    return built[0]
