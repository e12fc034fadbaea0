"""Networks as data: layer specs, classic presets and per-layer summaries (shapes, params, MACs, fields).

Quick start::

    from cnnviz.networks import summarize, Sequential, Conv2d, MaxPool2d
    s = summarize("course_example")               # a preset, with its own input shape
    s.total_params                                 # 62958
    [r.output_shape for r in s.rows]               # channels-first: (8, 28, 28), ...
    s = summarize(Sequential([Conv2d(6, 5), MaxPool2d(2)]), (1, 32, 32), strict=False)
    s.error                                        # None, or ErrorRow(name, kind, input_shape, reason)

    net = from_code(keras_or_pytorch_source)       # read, never run; net.input_shape from the code or None
    summarize(net).total_params                    # 47154 for the course's Keras LeNet

Modules: ``layers`` (specs, per-layer arithmetic), ``receptive_field``, ``summary`` (``summarize``),
``presets`` (``PRESETS``), ``table`` (networks as editable table rows), ``comparisons``, ``from_code``
(with ``code_reading``, ``code_layers``), ``framework_table`` (Keras' model.summary() as data), ``export``
(Keras and PyTorch code), ``code_examples``, ``chains`` (the layer-chain calculator's examples, cut from the
presets).
"""
from .layers import (AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Concat, Conv2d, Dense, Dropout, Flatten,
                     GlobalAvgPool, GlobalMaxPool, LeakyReLU, LocalResponseNorm, MaxPool2d, ReLU, Residual,
                     Sequential, Sigmoid, Softmax, Tanh)
from .from_code import CodeNetwork, from_code
from .presets import PRESETS, Preset, get_preset
from .receptive_field import AxisField, ReceptiveField
from .summary import ErrorRow, LayerError, Row, Summary, summarize

__all__ = [
    "AdaptiveAvgPool2d", "AvgPool2d", "AxisField", "BatchNorm2d", "CodeNetwork", "Concat", "Conv2d", "Dense",
    "Dropout", "ErrorRow", "Flatten", "GlobalAvgPool", "GlobalMaxPool", "LayerError", "LeakyReLU",
    "LocalResponseNorm", "MaxPool2d", "PRESETS", "Preset", "ReLU", "ReceptiveField", "Residual", "Row", "Sequential",
    "Sigmoid", "Softmax", "Summary", "Tanh", "from_code", "get_preset", "summarize",
]
