"""The layers ``from_code`` reads, per framework: a layer call in the syntax tree → a layer spec.

``layer_from_call(call, framework, path) -> CodeLayer``. Arguments are bound as the framework binds
them (its positional order, then keywords); values are literals (``code_reading.literal``). Arguments
that change no shape and no count (initialisers, regularisers, ``momentum``, ``inplace`` …) are read
past; anything else unknown is refused, so a count is never silently wrong.

Keras shapes are channels-last in code and channels-first here: ``Input(shape=(28, 28, 1))`` →
``(1, 28, 28)``. Keras' ``'same'`` is the TensorFlow rule (``cnnviz.shapes.resolve_padding``);
PyTorch's ``'same'`` exists only at stride 1, where both rules give the same numbers.
"""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass

from ..errors import CnnvizError
from .code_reading import CodeError, dotted, literal, refuse
from .layers import (AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Dense, Dropout, Flatten, GlobalAvgPool,
                     GlobalMaxPool, LeakyReLU, MaxPool2d, ReLU, Sequential, Sigmoid, Softmax, Tanh)

KERAS, TORCH = "keras", "torch"
_REQUIRED = object()  # default of an argument the framework requires

KERAS_ALIASES = {"MaxPool2D": "MaxPooling2D", "AvgPool2D": "AveragePooling2D", "Convolution2D": "Conv2D",
                 "GlobalAvgPool2D": "GlobalAveragePooling2D", "GlobalMaxPool2D": "GlobalMaxPooling2D"}
# canonical Keras class → positional argument order (Keras 3 signatures)
KERAS_ARGS = {
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups",
               "activation", "use_bias"),
    "MaxPooling2D": ("pool_size", "strides", "padding", "data_format"),
    "AveragePooling2D": ("pool_size", "strides", "padding", "data_format"),
    "GlobalAveragePooling2D": ("data_format", "keepdims"),
    "GlobalMaxPooling2D": ("data_format", "keepdims"),
    "BatchNormalization": ("axis", "momentum", "epsilon", "center", "scale"),
    "Dropout": ("rate", "noise_shape", "seed"),
    "Flatten": ("data_format",),
    "Dense": ("units", "activation", "use_bias"),
    "Activation": ("activation",),
    "ReLU": ("max_value", "negative_slope", "threshold"),
    "LeakyReLU": ("negative_slope",),
    "Softmax": ("axis",),
    "Input": ("shape", "batch_size", "dtype"),
    "InputLayer": ("shape", "batch_size", "dtype"),
}
KERAS_IGNORED = frozenset({
    "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
    "kernel_constraint", "bias_constraint", "beta_initializer", "gamma_initializer", "moving_mean_initializer",
    "moving_variance_initializer", "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint",
    "momentum", "epsilon", "seed", "noise_shape", "dtype", "max_value", "threshold", "batch_size", "synchronized"})
TORCH_ARGS = {
    "Conv2d": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias",
               "padding_mode"),
    "MaxPool2d": ("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"),
    "AvgPool2d": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"),
    "AdaptiveAvgPool2d": ("output_size",),
    "BatchNorm2d": ("num_features", "eps", "momentum", "affine", "track_running_stats"),
    "ReLU": ("inplace",), "Tanh": (), "Sigmoid": (), "LeakyReLU": ("negative_slope", "inplace"),
    "Softmax": ("dim",), "Dropout": ("p", "inplace"), "Flatten": ("start_dim", "end_dim"),
    "Linear": ("in_features", "out_features", "bias"),
}
TORCH_IGNORED = frozenset({"padding_mode", "return_indices", "count_include_pad", "divisor_override", "eps",
                           "momentum", "inplace", "dim", "device", "dtype"})
ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "softmax": Softmax, "leaky_relu": LeakyReLU}


def supported(framework: str) -> str:
    """The layer names a student may write, for messages."""
    names = (*KERAS_ARGS, *KERAS_ALIASES, "Sequential") if framework == KERAS else (*TORCH_ARGS, "Sequential")
    return ", ".join(sorted(names))


@dataclass(frozen=True)
class CodeLayer:
    """One layer call read from code."""

    type_name: str  # the framework's class, e.g. 'MaxPooling2D' (aliases resolved) or 'Conv2d'
    spec: object | None  # an unnamed layer spec, a Sequential(layer, activation) for Keras' activation=,
    # None for Input
    input_shape: tuple[int, ...] | None  # what Input(shape=…) / input_shape=… states, channels-first
    name: str  # the name= given in the code, or ''


class _Args:
    """A call's arguments bound to the framework's names: ``get(name, default)`` reads literals."""

    def __init__(self, call: ast.Call, layer: str, positional: tuple[str, ...], ignored: frozenset,
                 extra: tuple[str, ...]):
        self.call, self.layer, self.nodes = call, layer, {}
        if len(call.args) > len(positional):
            raise refuse(call.args[len(positional)], "code_too_many_arguments", layer=layer, count=len(positional))
        for node, name in zip(call.args, positional):
            if isinstance(node, ast.Starred):
                raise refuse(node, "code_computed_argument", argument="*", layer=layer)
            self.nodes[name] = node
        for kw in call.keywords:
            if kw.arg is None:
                raise refuse(kw.value, "code_computed_argument", argument="**", layer=layer)
            if kw.arg not in positional and kw.arg not in ignored and kw.arg not in extra:
                raise refuse(kw.value, "code_unknown_argument", argument=kw.arg, layer=layer,
                             supported=", ".join(a for a in (*positional, *extra) if a not in ignored))
            self.nodes[kw.arg] = kw.value

    def get(self, name: str, default=None):
        node = self.nodes.get(name)
        if node is None:
            if default is _REQUIRED:
                raise refuse(self.call, "code_missing_argument", argument=name, layer=self.layer)
            return default
        return literal(node, name, self.layer)

    def node(self, name: str) -> ast.AST:
        return self.nodes.get(name, self.call)

    def bad(self, name: str, code: str, **params) -> CodeError:
        return refuse(self.node(name), code, argument=name, layer=self.layer, **params)

    def whole(self, name: str, default=_REQUIRED, minimum: int = 1) -> int:
        value = self.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.bad(name, "code_not_whole", value=_show(value), minimum=minimum)
        return value

    def size(self, name: str, default=_REQUIRED, minimum: int = 1) -> int | tuple[int, int]:
        value = self.get(name, default)
        parts = value if isinstance(value, tuple) else (value,)
        if len(parts) not in (1, 2) or any(isinstance(v, bool) or not isinstance(v, int) or v < minimum
                                           for v in parts):
            raise self.bad(name, "code_not_size", value=_show(value), minimum=minimum)
        return value if len(parts) == 2 else parts[0]

    def flag(self, name: str, default: bool) -> bool:
        value = self.get(name, default)
        if not isinstance(value, bool):
            raise self.bad(name, "code_not_flag", value=_show(value))
        return value

    def rate(self, name: str, default=_REQUIRED) -> float:
        value = self.get(name, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            raise self.bad(name, "code_not_rate", value=_show(value))
        return float(value)

    def choice(self, name: str, default, allowed: tuple):
        value = self.get(name, default)
        key = value.lower() if isinstance(value, str) else value
        if key not in allowed:
            raise self.bad(name, "code_not_allowed", value=_show(value), allowed=", ".join(map(_show, allowed)))
        return key

    def activation(self, name: str = "activation"):
        """Keras' ``activation=``: a name such as 'relu' (or ``tf.nn.relu``) → a spec, None for none/'linear'."""
        node = self.nodes.get(name)
        if node is None:
            return None
        if isinstance(node, (ast.Name, ast.Attribute)):
            word = (dotted(node) or "").rsplit(".", 1)[-1]
        else:
            word = literal(node, name, self.layer)
        if word is None or word == "linear":
            return None
        if word not in ACTIVATIONS:
            raise self.bad(name, "code_not_allowed", value=_show(word),
                           allowed=", ".join(map(_show, (*ACTIVATIONS, "linear"))))
        return ACTIVATIONS[word]()


def _show(value) -> str:
    return repr(value)


def _keras_shape(args: _Args, name: str, value) -> tuple[int, ...]:
    """Keras' channels-last ``(H, W, C)`` or ``(F,)`` (a leading None batch dropped) → channels-first."""
    shape = tuple(value) if isinstance(value, tuple) else (value,)
    if name == "batch_shape" and shape and shape[0] is None:
        shape = shape[1:]
    if len(shape) not in (1, 3) or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in shape):
        raise args.bad(name, "code_not_input_shape", value=_show(value))
    return shape if len(shape) == 1 else (shape[2], shape[0], shape[1])


def _with(layer, activation):
    """A layer and its ``activation=``: one block, as Keras counts it (one row of its summary)."""
    return layer if activation is None else Sequential((layer, activation))


def _keras(call: ast.Call, type_name: str) -> CodeLayer:
    extra = ("name", "input_shape", "batch_shape") + (("alpha",) if type_name == "LeakyReLU" else ())
    a = _Args(call, type_name, KERAS_ARGS[type_name], KERAS_IGNORED, extra)
    name = a.get("name", "")
    if not isinstance(name, str) or "." in name:
        raise a.bad("name", "code_not_name", value=_show(name))
    if a.get("data_format") not in (None, "channels_last"):
        raise a.bad("data_format", "code_not_allowed", value=_show(a.get("data_format")),
                    allowed=_show("channels_last"))
    shape = None
    for key in ("shape", "input_shape", "batch_shape"):
        if key in a.nodes and (type_name in ("Input", "InputLayer") or key != "shape"):
            shape = _keras_shape(a, key, a.get(key))
    if type_name in ("Input", "InputLayer"):
        if shape is None:
            raise refuse(call, "code_missing_argument", argument="shape", layer=type_name)
        return CodeLayer(type_name, None, shape, name)
    t = type_name
    if t == "Conv2D":
        padding = a.choice("padding", "valid", ("valid", "same"))
        spec = Conv2d(a.whole("filters"), a.size("kernel_size"), a.size("strides", 1), padding,
                      a.size("dilation_rate", 1), a.whole("groups", 1), a.flag("use_bias", True))
        spec = _with(spec, a.activation())
    elif t in ("MaxPooling2D", "AveragePooling2D"):
        cls = MaxPool2d if t == "MaxPooling2D" else AvgPool2d
        size = a.size("pool_size", 2)
        spec = cls(size, a.size("strides", size), a.choice("padding", "valid", ("valid", "same")))
    elif t in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        cls = GlobalAvgPool if t == "GlobalAveragePooling2D" else GlobalMaxPool
        spec = cls(keepdims=a.flag("keepdims", False))
    elif t == "BatchNormalization":
        a.choice("axis", -1, (-1,))
        spec = BatchNorm2d(center=a.flag("center", True), scale=a.flag("scale", True))
    elif t == "Dropout":
        spec = Dropout(a.rate("rate"))
    elif t == "Flatten":
        spec = Flatten()
    elif t == "Dense":
        spec = _with(Dense(a.whole("units"), a.flag("use_bias", True)), a.activation())
    elif t == "Activation":
        act = a.activation()
        if act is None:
            raise a.bad("activation", "code_not_allowed", value=_show(a.get("activation")),
                        allowed=", ".join(map(_show, ACTIVATIONS)))
        spec = act
    elif t == "LeakyReLU":
        slope = a.get("negative_slope", a.get("alpha", 0.3))
        if isinstance(slope, bool) or not isinstance(slope, (int, float)) or not math.isfinite(slope):
            raise a.bad("negative_slope", "code_not_allowed", value=_show(slope), allowed="0.3")
        spec = LeakyReLU(negative_slope=float(slope))
    elif t == "ReLU":
        spec = ReLU()
    else:  # Softmax
        a.choice("axis", -1, (-1,))
        spec = Softmax()
    return CodeLayer(type_name, spec, shape, name)


def _torch_padding(a: _Args, stride):
    value = a.get("padding", 0)
    if isinstance(value, str):
        mode = a.choice("padding", 0, ("same", "valid"))
        if mode == "same" and stride not in (1, (1, 1)):
            raise a.bad("padding", "code_torch_same_stride", stride=_show(stride))
        return mode
    return a.size("padding", 0, minimum=0)


def _torch(call: ast.Call, type_name: str) -> CodeLayer:
    a = _Args(call, type_name, TORCH_ARGS[type_name], TORCH_IGNORED, ())
    t = type_name
    if t == "Conv2d":
        stride = a.size("stride", 1)
        spec = Conv2d(a.whole("out_channels"), a.size("kernel_size"), stride, _torch_padding(a, stride),
                      a.size("dilation", 1), a.whole("groups", 1), a.flag("bias", True),
                      in_channels=a.whole("in_channels"))
    elif t in ("MaxPool2d", "AvgPool2d"):
        if t == "MaxPool2d" and a.get("dilation", 1) not in (1, (1, 1)):
            raise a.bad("dilation", "code_not_allowed", value=_show(a.get("dilation")), allowed="1")
        cls = MaxPool2d if t == "MaxPool2d" else AvgPool2d
        size = a.size("kernel_size")
        stride = a.get("stride")
        spec = cls(size, size if stride is None else a.size("stride"), a.size("padding", 0, minimum=0),
                   a.flag("ceil_mode", False))
    elif t == "AdaptiveAvgPool2d":
        spec = AdaptiveAvgPool2d(a.size("output_size"))
    elif t == "BatchNorm2d":
        if not a.flag("track_running_stats", True):
            raise a.bad("track_running_stats", "code_not_allowed", value="False", allowed="True")
        affine = a.flag("affine", True)
        spec = BatchNorm2d(a.whole("num_features"), center=affine, scale=affine)
    elif t == "LeakyReLU":
        slope = a.get("negative_slope", 0.01)
        if isinstance(slope, bool) or not isinstance(slope, (int, float)) or not math.isfinite(slope):
            raise a.bad("negative_slope", "code_not_allowed", value=_show(slope), allowed="0.01")
        spec = LeakyReLU(negative_slope=float(slope))
    elif t == "Dropout":
        spec = Dropout(a.rate("p", 0.5))
    elif t == "Flatten":
        a.choice("start_dim", 1, (1,))
        a.choice("end_dim", -1, (-1,))
        spec = Flatten()
    elif t == "Linear":
        spec = Dense(a.whole("out_features"), a.flag("bias", True), in_features=a.whole("in_features"))
    else:
        spec = {"ReLU": ReLU, "Tanh": Tanh, "Sigmoid": Sigmoid, "Softmax": Softmax}[t]()
    return CodeLayer(type_name, spec, None, "")


def layer_from_call(call: ast.Call, framework: str, type_name: str) -> CodeLayer:
    """The layer a call builds; ``type_name`` is the called name without its prefix (``Conv2D``)."""
    try:
        if framework == KERAS:
            return _keras(call, KERAS_ALIASES.get(type_name, type_name))
        return _torch(call, type_name)
    except CodeError:
        raise
    except CnnvizError as exc:  # the spec's own check, e.g. groups that do not divide the filters
        raise CodeError(call.lineno, call.col_offset + 1, exc) from None
    except ValueError:
        raise refuse(call, "code_layer_invalid", layer=type_name) from None


def is_layer(framework: str, type_name: str) -> bool:
    table = KERAS_ARGS if framework == KERAS else TORCH_ARGS
    return type_name in table or (framework == KERAS and type_name in KERAS_ALIASES)
