"""A summary as the frameworks print it: Keras' ``model.summary()`` (Layer (type) · Output Shape · Param #)
and the same rows in PyTorch's terms.

``layer_rows(summary)``: the summary's rows per top-level layer, each named for its first layer's kind.
``framework_table(summary, framework='keras', types=None) -> FrameworkTable``: one ``FrameworkRow`` per
top-level layer (a Keras layer with ``activation=`` is one row, as Keras shows it). ``types`` names
each top-level layer's class (``CodeNetwork.types``); without it the class is the spec's Keras or
PyTorch name. Counts follow the frameworks:

- Keras: ``Param #`` includes batch norm's moving mean and variance; "Trainable params" are the
  learnable ones, "Non-trainable params" the moving statistics, "Total params" both; output shapes
  channels-last with the batch as ``None``: ``(None, 24, 24, 6)``.
- PyTorch: ``sum(p.numel() for p in model.parameters())`` — the running statistics are buffers, not
  parameters, so non-trainable is 0; output shapes channels-first ``[-1, 6, 24, 24]``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .summary import Row, Summary

KERAS_TYPES = {"Conv2d": "Conv2D", "MaxPool2d": "MaxPooling2D", "AvgPool2d": "AveragePooling2D",
               "GlobalAvgPool": "GlobalAveragePooling2D", "GlobalMaxPool": "GlobalMaxPooling2D",
               "BatchNorm2d": "BatchNormalization", "Dense": "Dense", "Flatten": "Flatten", "Dropout": "Dropout",
               "ReLU": "ReLU", "LeakyReLU": "LeakyReLU", "Softmax": "Softmax", "Tanh": "Activation",
               "Sigmoid": "Activation"}
TORCH_TYPES = {"Dense": "Linear", "GlobalAvgPool": "AdaptiveAvgPool2d"}


@dataclass(frozen=True)
class FrameworkRow:
    layer: str  # "conv2d (Conv2D)"
    output_shape: str  # "(None, 24, 24, 6)" or "[-1, 6, 24, 24]"
    params: int  # the framework's "Param #"


@dataclass(frozen=True)
class FrameworkTable:
    framework: str
    rows: tuple[FrameworkRow, ...]
    trainable: int
    non_trainable: int

    @property
    def total(self) -> int:
        return self.trainable + self.non_trainable


def _shape(shape: tuple[int, ...], framework: str) -> str:
    if framework == "keras":
        dims = shape if len(shape) == 1 else (*shape[1:], shape[0])
        return "(" + ", ".join(("None", *map(str, dims))) + ")"
    return "[" + ", ".join(("-1", *map(str, shape))) + "]"


def layer_rows(summary: Summary) -> tuple[Row, ...]:
    """One row per top-level layer (``summary.grouped(1)``), a block taking the kind of its first layer: a Keras
    ``Conv2D(..., activation='relu')`` is a ``Conv2d`` row, as Keras shows it."""
    first = {}
    for r in summary.rows:
        first.setdefault(r.name.split(".")[0], r.kind)
    return tuple(replace(row, kind=first[row.name]) for row in summary.grouped(1))


def framework_table(summary: Summary, framework: str = "keras", types: tuple[str, ...] | None = None
                    ) -> FrameworkTable:
    """The rows that fit, grouped per top-level layer (see the module docstring)."""
    keras = framework == "keras"
    rows = []
    for i, row in enumerate(layer_rows(summary)):
        if types is not None and i < len(types):
            type_name = types[i]
        else:
            type_name = KERAS_TYPES.get(row.kind, row.kind) if keras else TORCH_TYPES.get(row.kind, row.kind)
        params = row.params + (row.non_trainable if keras else 0)
        rows.append(FrameworkRow(f"{row.name} ({type_name})", _shape(row.output_shape, framework), params))
    return FrameworkTable(framework, tuple(rows), summary.total_params,
                          summary.total_non_trainable if keras else 0)
