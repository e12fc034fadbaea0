"""A network written out as Keras code and as PyTorch code, which ``from_code`` reads back to the same summary.

``keras_code(network, input_shape) -> str`` and ``torch_code(network, input_shape) -> str``; both take
a chain of layers (nested ``Sequential`` blocks are flattened for Keras and kept as nested
``nn.Sequential`` for PyTorch). The input shape is channels-first ``(C, H, W)`` or ``(F,)``; it fixes
the padding each framework needs and PyTorch's ``in_channels`` / ``in_features``.

``network_snippets(network, input_shape) -> Snippets`` holds both for a page's code panel (``None`` for a
framework that cannot write the network).

What a framework cannot say is refused with ``CnnvizError('export_unsupported', layer=…, framework=…)``:
skip connections and branches in either; for Keras also explicit padding that is neither 'valid' nor
the Keras 'same' rule, pooling with padding or ``ceil_mode``, adaptive pooling; for PyTorch padding
that differs before and after, global max pooling. Local response normalisation is not exported.
"""
from __future__ import annotations

from ..code_snippets import Snippets
from ..errors import CnnvizError
from ..shapes import pair, resolve_padding, split_padding_2d
from .layers import (AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Dense, Dropout, Flatten, GlobalAvgPool,
                     GlobalMaxPool, LeakyReLU, MaxPool2d, ReLU, Sequential, Sigmoid, Softmax, Tanh, kind)
from .summary import named_children, summarize

_KERAS_ACTIVATIONS = {ReLU: "relu", Tanh: "tanh", Sigmoid: "sigmoid", Softmax: "softmax"}


def _leaves(layer) -> list:
    if isinstance(layer, Sequential):
        return [leaf for child in layer.layers for leaf in _leaves(child)]
    return [layer]


def _refuse(layer, framework: str) -> CnnvizError:
    return CnnvizError("export_unsupported", layer=kind(layer), framework=framework)


def _size(value) -> str:
    h, w = pair("size", value, 0)
    return str(h) if h == w else f"({h}, {w})"


def _pads(layer, shape, window, stride, dilation=1) -> tuple[tuple[int, int], tuple[int, int]]:
    """((top, bottom), (left, right)) that ``layer.padding`` gives on a ``(C, H, W)`` input."""
    (kh, kw), (sh, sw), (dh, dw) = pair("kernel size", window), pair("stride", stride), pair("dilation", dilation)
    ph, pw = split_padding_2d(layer.padding)
    return (resolve_padding(ph, shape[1], kh, sh, dh), resolve_padding(pw, shape[2], kw, sw, dw))


def _conv_options(layer: Conv2d, padding: str, names: tuple[str, str, str]) -> str:
    """``, stride=2, padding=1, …``: the conv's arguments that differ from the defaults, in a framework's
    ``names`` for (stride, dilation, bias); ``padding`` is written as given ('' leaves it out)."""
    stride, dilation, bias = names
    parts = (f"{stride}={_size(layer.stride)}" if pair("stride", layer.stride) != (1, 1) else "", padding,
             f"{dilation}={_size(layer.dilation)}" if pair("dilation", layer.dilation) != (1, 1) else "",
             f"groups={layer.groups}" if layer.groups != 1 else "", "" if layer.bias else f"{bias}=False")
    return "".join(f", {part}" for part in parts if part)


def _keras_padding(layer, shape, window, stride, dilation=1) -> str | None:
    """'valid' or 'same' when Keras' rule gives exactly this layer's padding, else None."""
    pads = _pads(layer, shape, window, stride, dilation)
    if pads == ((0, 0), (0, 0)):
        return "valid"
    same = Conv2d(1, window, stride, "same", dilation)
    return "same" if pads == _pads(same, shape, window, stride, dilation) else None


def _keras_layer(layer, shape, activation) -> str:
    framework = "Keras"
    act = f", activation={_KERAS_ACTIVATIONS[type(activation)]!r}" if activation is not None else ""
    if isinstance(layer, Conv2d):
        padding = _keras_padding(layer, shape, layer.kernel_size, layer.stride, layer.dilation)
        if padding is None:
            raise _refuse(layer, framework)
        extra = _conv_options(layer, f"padding={padding!r}", ("strides", "dilation_rate", "use_bias"))
        return f"layers.Conv2D({layer.out_channels}, {_size(layer.kernel_size)}{extra}{act})"
    if isinstance(layer, (MaxPool2d, AvgPool2d)):
        stride = layer.kernel_size if layer.stride is None else layer.stride
        padding = _keras_padding(layer, shape, layer.kernel_size, stride)
        if padding is None or layer.ceil_mode:
            raise _refuse(layer, framework)
        name = "MaxPooling2D" if isinstance(layer, MaxPool2d) else "AveragePooling2D"
        strides = "" if pair("stride", stride) == pair("kernel size", layer.kernel_size) else f", strides={_size(stride)}"
        return f"layers.{name}({_size(layer.kernel_size)}{strides}, padding={padding!r})"
    if isinstance(layer, GlobalAvgPool):
        name = "GlobalMaxPooling2D" if isinstance(layer, GlobalMaxPool) else "GlobalAveragePooling2D"
        return f"layers.{name}({'keepdims=True' if layer.keepdims else ''})"
    if isinstance(layer, BatchNorm2d):
        flags = "".join(("" if layer.center else ", center=False", "" if layer.scale else ", scale=False"))
        return f"layers.BatchNormalization({flags[2:]})"
    if isinstance(layer, Dense):
        return f"layers.Dense({layer.out_features}{'' if layer.bias else ', use_bias=False'}{act})"
    if isinstance(layer, Dropout):
        return f"layers.Dropout({layer.p})"
    if isinstance(layer, Flatten):
        return "layers.Flatten()"
    if isinstance(layer, LeakyReLU):
        return f"layers.LeakyReLU(negative_slope={layer.negative_slope})"
    if type(layer) in _KERAS_ACTIVATIONS:
        return f"layers.Activation({_KERAS_ACTIVATIONS[type(layer)]!r})"
    raise _refuse(layer, framework)


def keras_code(network, input_shape) -> str:
    """Keras 3 / tf.keras code that builds ``network`` for one ``input_shape`` (see the module docstring)."""
    summary = summarize(network, input_shape)
    leaves = _leaves(network)
    if len(leaves) != len(summary.rows):  # a merge row: a skip connection or branches
        raise _refuse(next(r.layer for r in summary.rows if r.kind in ("Add", "Concat")), "Keras")
    inputs = [r.input_shape for r in summary.rows]  # a chain: one row per leaf, in order
    lines, i = [], 0
    while i < len(leaves):
        layer = leaves[i]
        follower = leaves[i + 1] if i + 1 < len(leaves) else None
        fold = isinstance(layer, (Conv2d, Dense)) and type(follower) in _KERAS_ACTIVATIONS
        lines.append(_keras_layer(layer, inputs[i], follower if fold else None))
        i += 2 if fold else 1
    shape = tuple(summary.input_shape)
    keras_shape = shape if len(shape) == 1 else (*shape[1:], shape[0])
    body = "".join(f"    {line},\n" for line in lines)
    return ("import keras\nfrom keras import layers\n\n"
            f"model = keras.Sequential([\n    keras.Input(shape={keras_shape!r}),\n{body}])\nmodel.summary()\n")


def _torch_padding(layer, shape, window, stride, dilation=1) -> str:
    (top, bottom), (left, right) = _pads(layer, shape, window, stride, dilation)
    if top != bottom or left != right:
        raise _refuse(layer, "PyTorch")
    return _size((top, left))


def _torch_layer(layer, shape, indent: str) -> str:
    if isinstance(layer, Sequential):
        return _torch_block(layer, summarize(layer, shape), indent)
    if isinstance(layer, Conv2d):
        padding = _torch_padding(layer, shape, layer.kernel_size, layer.stride, layer.dilation)
        extra = _conv_options(layer, f"padding={padding}" if padding != "0" else "", ("stride", "dilation", "bias"))
        return f"nn.Conv2d({shape[0]}, {layer.out_channels}, kernel_size={_size(layer.kernel_size)}{extra})"
    if isinstance(layer, (MaxPool2d, AvgPool2d)):
        stride = layer.kernel_size if layer.stride is None else layer.stride
        padding = _torch_padding(layer, shape, layer.kernel_size, stride)
        name = "MaxPool2d" if isinstance(layer, MaxPool2d) else "AvgPool2d"
        extra = "".join((f", stride={_size(stride)}" if pair("stride", stride) != pair("kernel size", layer.kernel_size) else "",
                         f", padding={padding}" if padding != "0" else "",
                         ", ceil_mode=True" if layer.ceil_mode else ""))
        return f"nn.{name}({_size(layer.kernel_size)}{extra})"
    if isinstance(layer, GlobalMaxPool):
        raise _refuse(layer, "PyTorch")
    if isinstance(layer, GlobalAvgPool):
        return "nn.AdaptiveAvgPool2d(1)" + ("" if layer.keepdims else f",\n{indent}nn.Flatten()")
    if isinstance(layer, AdaptiveAvgPool2d):
        return f"nn.AdaptiveAvgPool2d({_size(layer.output_size)})"
    if isinstance(layer, BatchNorm2d):
        if layer.center != layer.scale:
            raise _refuse(layer, "PyTorch")
        return f"nn.BatchNorm2d({shape[0]}{'' if layer.center else ', affine=False'})"
    if isinstance(layer, Dense):
        return f"nn.Linear({shape[0]}, {layer.out_features}{'' if layer.bias else ', bias=False'})"
    if isinstance(layer, Dropout):
        return f"nn.Dropout({layer.p})"
    if isinstance(layer, LeakyReLU):
        return f"nn.LeakyReLU({layer.negative_slope})"
    if isinstance(layer, (Flatten, ReLU, Tanh, Sigmoid)):
        return f"nn.{kind(layer)}()"
    if isinstance(layer, Softmax):
        return "nn.Softmax(dim=1)"
    raise _refuse(layer, "PyTorch")


def _torch_block(seq: Sequential, summary, indent: str) -> str:
    inner = indent + "    "
    shapes = {}  # each child's input: the input of its first row
    for r in summary.rows:
        shapes.setdefault(r.name.split(".")[0], r.input_shape)
    items = [_torch_layer(child, shapes[name], inner) for name, child in named_children(seq)]
    return "nn.Sequential(\n" + "".join(f"{inner}{item},\n" for item in items) + f"{indent})"


def torch_code(network, input_shape) -> str:
    """PyTorch code that builds ``network`` for one ``input_shape`` (see the module docstring)."""
    if not isinstance(network, Sequential):
        network = Sequential((network,))
    summary = summarize(network, input_shape)
    shape = tuple(summary.input_shape)
    dims = ", ".join(map(str, shape))
    return ("import torch\nfrom torch import nn\n\n"
            f"model = {_torch_block(network, summary, '')}\n"
            f"x = torch.randn(1, {dims})  # one input: {'×'.join(map(str, shape))}\n"
            "print(model(x).shape)\nprint(sum(p.numel() for p in model.parameters()))\n")


def network_snippets(network, input_shape) -> Snippets:
    """Both exports for ``ui/common/code_panel.py``; a framework that cannot write the network gives None."""
    def attempt(write):
        try:
            return write(network, input_shape)
        except CnnvizError as exc:
            if exc.code != "export_unsupported":
                raise
            return None
    return Snippets(torch=attempt(torch_code), keras=attempt(keras_code))
