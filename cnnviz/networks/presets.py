"""Classic networks as layer specs, each with its source and the variant it follows.

``PRESETS`` maps a name to a ``Preset`` (``network``, ``input_shape`` channels-first, ``title``,
``source``, ``variant``); ``get_preset(name)`` looks one up. Parameter totals (tested exactly):

========================  ===========  ==============================================
name                      params       variant
========================  ===========  ==============================================
``lenet5``                     61,706  LeCun 1998, 32×32×1, dense C3, no trainable pooling
``lenet5_mnist``               47,154  the course's Keras LeNet, 28×28×1
``course_example``             62,958  the course's worked example, 32×32×3
``alexnet``                61,100,840  torchvision
``alexnet2012``            60,965,224  Krizhevsky 2012, two-GPU grouped convs, 227×227×3
``vgg16``                 138,357,544  torchvision (configuration D)
``googlenet``               6,624,904  torchvision, without auxiliary heads
``resnet18``               11,689,512  torchvision
``resnet50``               25,557,032  torchvision (v1.5: stride on the 3×3 conv)
``densenet121``             7,978,856  torchvision
========================  ===========  ==============================================
"""
from __future__ import annotations

from dataclasses import dataclass

from .layers import (AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Concat, Conv2d, Dense, Dropout, Flatten,
                     GlobalAvgPool, LocalResponseNorm, MaxPool2d, ReLU, Residual, Sequential, Softmax, Tanh)


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    network: Sequential
    input_shape: tuple[int, int, int]  # (C, H, W)
    source: str
    variant: str


# ------------------------------------------------------------------ LeNet family
def lenet5() -> Sequential:
    return Sequential((
        Conv2d(6, 5, name="C1"), Tanh(), AvgPool2d(2, name="S2"),
        Conv2d(16, 5, name="C3"), Tanh(), AvgPool2d(2, name="S4"),
        Conv2d(120, 5, name="C5"), Tanh(), Flatten(),
        Dense(84, name="F6"), Tanh(), Dense(10, name="output"),
    ))


def lenet5_mnist() -> Sequential:
    return Sequential((
        Conv2d(6, 5, padding="valid"), ReLU(), AvgPool2d(2),
        Conv2d(16, 5, padding="valid"), ReLU(), AvgPool2d(2),
        Flatten(), Dense(128), ReLU(), Dense(84), ReLU(), Dense(10), Softmax(),
    ))


def course_example() -> Sequential:
    return Sequential((
        Conv2d(8, 5), ReLU(), MaxPool2d(2),
        Conv2d(16, 5), ReLU(), MaxPool2d(2),
        Flatten(), Dense(120), ReLU(), Dense(84), ReLU(), Dense(10), Softmax(),
    ))


# ------------------------------------------------------------------ AlexNet, VGG
def alexnet() -> Sequential:
    return Sequential((
        Conv2d(64, 11, stride=4, padding=2), ReLU(), MaxPool2d(3, 2),
        Conv2d(192, 5, padding=2), ReLU(), MaxPool2d(3, 2),
        Conv2d(384, 3, padding=1), ReLU(),
        Conv2d(256, 3, padding=1), ReLU(),
        Conv2d(256, 3, padding=1), ReLU(), MaxPool2d(3, 2),
        AdaptiveAvgPool2d(6), Flatten(),
        Dropout(), Dense(4096), ReLU(), Dropout(), Dense(4096), ReLU(), Dense(1000),
    ))


def alexnet2012() -> Sequential:
    return Sequential((
        Conv2d(96, 11, stride=4), ReLU(), LocalResponseNorm(5), MaxPool2d(3, 2),
        Conv2d(256, 5, padding=2, groups=2), ReLU(), LocalResponseNorm(5), MaxPool2d(3, 2),
        Conv2d(384, 3, padding=1), ReLU(),
        Conv2d(384, 3, padding=1, groups=2), ReLU(),
        Conv2d(256, 3, padding=1, groups=2), ReLU(), MaxPool2d(3, 2),
        Flatten(), Dense(4096), ReLU(), Dropout(), Dense(4096), ReLU(), Dropout(), Dense(1000), Softmax(),
    ))


def vgg16() -> Sequential:
    blocks = []
    in_channels = 3
    for i, (width, convs) in enumerate(((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)), start=1):
        layers = []
        for _ in range(convs):
            layers += [Conv2d(width, 3, padding=1, in_channels=in_channels), ReLU()]
            in_channels = width
        blocks.append(Sequential((*layers, MaxPool2d(2)), name=f"block{i}"))
    classifier = Sequential((Dense(4096), ReLU(), Dropout(), Dense(4096), ReLU(), Dropout(), Dense(1000)),
                            name="classifier")
    return Sequential((*blocks, AdaptiveAvgPool2d(7, name="avgpool"), Flatten(), classifier))


# ------------------------------------------------------------------ GoogLeNet
def _conv_bn_relu(out: int, kernel: int, stride: int = 1, padding: int = 0) -> tuple:
    """torchvision's BasicConv2d: conv without bias, batch norm, ReLU."""
    return Conv2d(out, kernel, stride, padding, bias=False), BatchNorm2d(), ReLU()


def _inception(name: str, c1: int, c3r: int, c3: int, c5r: int, c5: int, pool_proj: int) -> Concat:
    # torchvision's "5×5" branch really uses a 3×3 kernel (a known quirk kept for its weights).
    return Concat((
        Sequential(_conv_bn_relu(c1, 1), name="branch1"),
        Sequential((*_conv_bn_relu(c3r, 1), *_conv_bn_relu(c3, 3, padding=1)), name="branch2"),
        Sequential((*_conv_bn_relu(c5r, 1), *_conv_bn_relu(c5, 3, padding=1)), name="branch3"),
        Sequential((MaxPool2d(3, 1, 1, ceil_mode=True), *_conv_bn_relu(pool_proj, 1)), name="branch4"),
    ), name=name)


def googlenet() -> Sequential:
    return Sequential((
        *_conv_bn_relu(64, 7, 2, 3), MaxPool2d(3, 2, ceil_mode=True),
        *_conv_bn_relu(64, 1), *_conv_bn_relu(192, 3, padding=1), MaxPool2d(3, 2, ceil_mode=True),
        _inception("inception3a", 64, 96, 128, 16, 32, 32),
        _inception("inception3b", 128, 128, 192, 32, 96, 64),
        MaxPool2d(3, 2, ceil_mode=True),
        _inception("inception4a", 192, 96, 208, 16, 48, 64),
        _inception("inception4b", 160, 112, 224, 24, 64, 64),
        _inception("inception4c", 128, 128, 256, 24, 64, 64),
        _inception("inception4d", 112, 144, 288, 32, 64, 64),
        _inception("inception4e", 256, 160, 320, 32, 128, 128),
        MaxPool2d(2, 2, ceil_mode=True),
        _inception("inception5a", 256, 160, 320, 32, 128, 128),
        _inception("inception5b", 384, 192, 384, 48, 128, 128),
        GlobalAvgPool(name="avgpool"), Flatten(), Dropout(0.2), Dense(1000, name="fc"),
    ))


# ------------------------------------------------------------------ ResNet
def _projection(out: int, stride: int) -> Sequential:
    return Sequential((Conv2d(out, 1, stride, bias=False), BatchNorm2d()))


def _basic_block(name: str, in_ch: int, out: int, stride: int) -> Residual:
    body = Sequential((Conv2d(out, 3, stride, 1, bias=False), BatchNorm2d(), ReLU(),
                       Conv2d(out, 3, 1, 1, bias=False), BatchNorm2d()))
    shortcut = _projection(out, stride) if stride != 1 or in_ch != out else None
    return Residual(body, shortcut, ReLU(), name=name)


def _bottleneck(name: str, in_ch: int, width: int, stride: int) -> Residual:
    out = 4 * width
    body = Sequential((Conv2d(width, 1, bias=False), BatchNorm2d(), ReLU(),
                       Conv2d(width, 3, stride, 1, bias=False), BatchNorm2d(), ReLU(),
                       Conv2d(out, 1, bias=False), BatchNorm2d()))
    shortcut = _projection(out, stride) if stride != 1 or in_ch != out else None
    return Residual(body, shortcut, ReLU(), name=name)


def _resnet(block, depths: tuple[int, ...], expansion: int) -> Sequential:
    stages = []
    in_ch = 64
    for i, (width, depth) in enumerate(zip((64, 128, 256, 512), depths), start=1):
        blocks = []
        for j in range(depth):
            stride = 2 if j == 0 and i > 1 else 1
            blocks.append(block(str(j), in_ch, width, stride))
            in_ch = width * expansion
        stages.append(Sequential(blocks, name=f"layer{i}"))
    return Sequential((
        Conv2d(64, 7, 2, 3, bias=False, name="conv1"), BatchNorm2d(name="bn1"), ReLU(name="relu"),
        MaxPool2d(3, 2, 1, name="maxpool"), *stages,
        GlobalAvgPool(name="avgpool"), Flatten(), Dense(1000, name="fc"),
    ))


def resnet18() -> Sequential:
    return _resnet(_basic_block, (2, 2, 2, 2), 1)


def resnet50() -> Sequential:
    return _resnet(_bottleneck, (3, 4, 6, 3), 4)


# ------------------------------------------------------------------ DenseNet
def _dense_layer(name: str, growth: int, bn_size: int) -> Concat:
    """One dense layer: its new ``growth`` channels are concatenated to everything before it."""
    new = Sequential((BatchNorm2d(name="norm1"), ReLU(name="relu1"),
                      Conv2d(bn_size * growth, 1, bias=False, name="conv1"),
                      BatchNorm2d(name="norm2"), ReLU(name="relu2"),
                      Conv2d(growth, 3, 1, 1, bias=False, name="conv2")), name="new")
    return Concat((Sequential(name="input"), new), name=name)


def densenet121(growth: int = 32, blocks: tuple[int, ...] = (6, 12, 24, 16), bn_size: int = 4) -> Sequential:
    layers = [Conv2d(64, 7, 2, 3, bias=False, name="conv0"), BatchNorm2d(name="norm0"), ReLU(name="relu0"),
              MaxPool2d(3, 2, 1, name="pool0")]
    channels = 64
    for i, n in enumerate(blocks, start=1):
        layers.append(Sequential([_dense_layer(f"denselayer{j}", growth, bn_size) for j in range(1, n + 1)],
                                 name=f"denseblock{i}"))
        channels += n * growth
        if i < len(blocks):
            channels //= 2
            layers.append(Sequential((BatchNorm2d(name="norm"), ReLU(name="relu"),
                                      Conv2d(channels, 1, bias=False, name="conv"), AvgPool2d(2, name="pool")),
                                     name=f"transition{i}"))
    layers += [BatchNorm2d(name="norm5"), ReLU(name="relu"), GlobalAvgPool(name="avgpool"), Flatten(),
               Dense(1000, name="classifier")]
    return Sequential(layers)


_TORCHVISION = "torchvision.models (PyTorch's reference implementation)"
PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("lenet5", "LeNet-5 (1998)", lenet5(), (1, 32, 32),
           "LeCun, Bottou, Bengio, Haffner: Gradient-based learning applied to document recognition, 1998",
           "tanh, average pooling without trainable coefficients, C3 fully connected to S2 (modern form)"),
    Preset("lenet5_mnist", "LeNet-5 for MNIST (course, Keras)", lenet5_mnist(), (1, 28, 28),
           "The course's Keras LeNet", "28×28×1 input, ReLU, average pooling, dense 128 → 84 → 10"),
    Preset("course_example", "Course worked example", course_example(), (3, 32, 32),
           "The course's worked example (LeNet-5-like, after Andrew Ng's CNN lecture)",
           "32×32×3 input, conv 8@5×5 → max pool → conv 16@5×5 → max pool → 120 → 84 → 10"),
    Preset("alexnet", "AlexNet (torchvision)", alexnet(), (3, 224, 224), _TORCHVISION,
           "single-GPU variant from 'One weird trick' (Krizhevsky 2014): 64-192-384-256-256 filters, no LRN"),
    Preset("alexnet2012", "AlexNet (2012, two GPUs)", alexnet2012(), (3, 227, 227),
           "Krizhevsky, Sutskever, Hinton: ImageNet classification with deep CNNs, NeurIPS 2012",
           "96-256-384-384-256 filters; conv2, conv4, conv5 split in two groups (one per GPU); 227×227 input "
           "(the paper says 224, but only 227 gives its 55×55 maps)"),
    Preset("vgg16", "VGG-16", vgg16(), (3, 224, 224),
           "Simonyan, Zisserman: Very deep convolutional networks, 2014; " + _TORCHVISION,
           "configuration D, no batch norm"),
    Preset("googlenet", "GoogLeNet / Inception v1", googlenet(), (3, 224, 224),
           "Szegedy et al.: Going deeper with convolutions, 2014; " + _TORCHVISION,
           "torchvision: batch norm after every conv, 3×3 instead of 5×5 in the third branch, "
           "auxiliary classifiers left out"),
    Preset("resnet18", "ResNet-18", resnet18(), (3, 224, 224),
           "He, Zhang, Ren, Sun: Deep residual learning, 2015; " + _TORCHVISION,
           "basic blocks (two 3×3 convs), 1×1 projection shortcuts when the shape changes"),
    Preset("resnet50", "ResNet-50", resnet50(), (3, 224, 224),
           "He, Zhang, Ren, Sun: Deep residual learning, 2015; " + _TORCHVISION,
           "bottleneck blocks 1×1 → 3×3 → 1×1; v1.5: the stride sits on the 3×3 conv"),
    Preset("densenet121", "DenseNet-121", densenet121(), (3, 224, 224),
           "Huang, Liu, van der Maaten, Weinberger: Densely connected CNNs, 2017; " + _TORCHVISION,
           "growth rate 32, blocks of 6-12-24-16 layers, bottleneck 1×1 convs with 128 channels, "
           "transitions halve the channels"),
)}


def get_preset(name: str) -> Preset:
    """The preset called ``name``; a ValueError lists the known names otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown network {name!r}; choose one of {', '.join(PRESETS)}") from None
