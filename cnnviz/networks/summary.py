"""Summaries: push a shape through a network and account for every layer.

``summarize(network_or_preset, input_shape=None, strict=True) -> Summary``

- ``network_or_preset``: a layer spec (usually a ``Sequential``), a preset name such as ``'resnet18'``,
  or a ``Preset``. ``input_shape`` is per sample, channels-first ``(C, H, W)``; presets supply their own.
- ``Summary.rows``: one ``Row`` per leaf layer, in the order they run, plus one row per merge
  (``<block>.add`` for a residual sum, ``<block>.concat`` for a concatenation). Each row has ``name``
  (a dotted path such as ``layer1.0.conv1``), ``kind``, ``input_shape``, ``output_shape``, ``params``,
  ``macs``, ``activations`` (elements of the output, per sample) and ``rf`` (a ``ReceptiveField`` in
  input pixels, or ``None`` once the tensor is flat).
- ``Summary.total_params`` / ``.total_macs`` / ``.output_shape``; ``.grouped(depth)`` folds the rows into
  blocks (``depth=1``: top-level blocks such as ``layer1``; ``depth=2``: ``layer1.0`` …).
- The first layer that cannot fit stops the shape propagation. With ``strict=True`` (default) a
  ``LayerError`` (a ``ValueError``) is raised, naming that layer and why. With ``strict=False`` the
  summary comes back with the rows that worked, ``.error`` set to an ``ErrorRow`` (``name``, ``kind``,
  ``input_shape``, ``reason``) and ``.skipped`` listing the names of the layers after it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import CnnvizError
from .layers import IRREGULAR, SHORT_NAMES, Concat, Residual, Sequential, Shape, kind
from ..shapes import check_int
from .receptive_field import ReceptiveField, union


@dataclass(frozen=True)
class Row:
    """One layer (or, from ``Summary.grouped``, a block of ``count`` layers) and what it produces."""

    name: str
    kind: str
    input_shape: Shape
    output_shape: Shape
    params: int
    macs: int
    rf: ReceptiveField | None
    layer: object = None  # the spec (a Residual/Concat for merge rows, None for folded blocks)
    count: int = 1
    non_trainable: int = 0  # stored, not learned (batch norm's running statistics)

    @property
    def activations(self) -> int:
        """Elements of this row's output, per sample."""
        return math.prod(self.output_shape)


@dataclass(frozen=True)
class ErrorRow:
    """The first layer that cannot fit, and why (in words a student understands)."""

    name: str
    kind: str
    input_shape: Shape
    reason: str
    cause: ValueError | None = field(default=None, compare=False)  # the layer's own error (a CnnvizError
    # reads in every language); exceptions compare by identity, so it stays out of ==

    @property
    def message(self) -> str:
        return f"{self.name} ({self.kind}): {self.reason}"


class LayerError(ValueError):
    """Raised by ``summarize(strict=True)``; ``.row`` is the ``ErrorRow``."""

    def __init__(self, row: ErrorRow):
        super().__init__(row.message)
        self.row = row

    def __reduce__(self):
        return type(self), (self.row,)


def _fold(name: str, depth: int) -> str:
    """``'layer1.0.conv1'`` at depth 2 → ``'layer1.0'``."""
    return ".".join(name.split(".")[:depth])


@dataclass(frozen=True)
class Summary:
    """Rows of a network for one input shape (see the module docstring)."""

    input_shape: Shape
    rows: tuple[Row, ...]
    error: ErrorRow | None = None
    skipped: tuple[str, ...] = ()
    blocks: tuple[tuple[str, str], ...] = ()  # (path, container kind) of every named container

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def total_params(self) -> int:
        return sum(r.params for r in self.rows)

    @property
    def total_non_trainable(self) -> int:
        """Stored values that are not learned (Keras' "Non-trainable params"; PyTorch's buffers)."""
        return sum(r.non_trainable for r in self.rows)

    @property
    def total_macs(self) -> int:
        return sum(r.macs for r in self.rows)

    @property
    def total_activations(self) -> int:
        """Sum of every row's output elements per sample (what a training step must keep for backward)."""
        return sum(r.activations for r in self.rows)

    @property
    def output_shape(self) -> Shape:
        return self.rows[-1].output_shape if self.rows else self.input_shape

    @property
    def max_depth(self) -> int:
        return max((r.name.count(".") + 1 for r in self.rows), default=1)

    def grouped(self, depth: int) -> tuple[Row, ...]:
        """Rows folded into blocks named by their first ``depth`` path parts.

        A block's output shape, receptive field and activations are those of its last row; its
        params and MACs are sums.
        """
        kinds = dict(self.blocks)
        groups: list[list[Row]] = []
        for row in self.rows:
            prefix = _fold(row.name, depth)
            if groups and groups[-1][0] == prefix:
                groups[-1][1].append(row)
            else:
                groups.append([prefix, [row]])
        out = []
        for prefix, members in groups:
            if len(members) == 1 and members[0].name == prefix:
                out.append(members[0])
                continue
            out.append(Row(prefix, kinds.get(prefix, "Sequential"), members[0].input_shape,
                           members[-1].output_shape, sum(r.params for r in members),
                           sum(r.macs for r in members), members[-1].rf, None, len(members),
                           sum(r.non_trainable for r in members)))
        return tuple(out)


    def failed_block(self, depth: int) -> tuple[str | None, tuple[str, ...]]:
        """The error's name and the skipped names, folded like ``grouped(depth)``: ``(None, ())`` if ok."""
        if self.error is None:
            return None, ()
        failed = _fold(self.error.name, depth)
        skipped = dict.fromkeys(_fold(name, depth) for name in self.skipped)
        return failed, tuple(n for n in skipped if n != failed)


@dataclass
class _Walk:
    """Mutable state of one walk: rows so far, and after the first failure the names that were skipped."""

    rows: list = field(default_factory=list)
    blocks: list = field(default_factory=list)
    error: ErrorRow | None = None
    skipped: list = field(default_factory=list)

    def fail(self, name: str, what: str, shape: Shape, reason: str, cause=None) -> tuple[None, None]:
        self.error = ErrorRow(name, what, shape, reason, cause)
        return None, None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def short_name(layer) -> str:
    return SHORT_NAMES.get(type(layer), kind(layer).lower())


def named_children(seq: Sequential):
    """``(name, layer)`` for each child. Unnamed ones are named by kind: ``conv1``, ``conv2``, … when the
    kind repeats, plain ``flatten`` when it occurs once."""
    taken = {layer.name for layer in seq.layers if layer.name}
    repeats: dict[str, int] = {}
    for layer in seq.layers:
        if not layer.name:
            repeats[short_name(layer)] = repeats.get(short_name(layer), 0) + 1
    counters: dict[str, int] = {}
    for layer in seq.layers:
        if layer.name:
            yield layer.name, layer
            continue
        short = short_name(layer)
        candidate = short if repeats[short] == 1 and short not in taken else ""
        while not candidate or candidate in taken:
            counters[short] = counters.get(short, 0) + 1
            candidate = f"{short}{counters[short]}"
        taken.add(candidate)
        yield candidate, layer


def _leaf(layer, path: str, shape, rf, walk: _Walk):
    if shape is None:
        walk.skipped.append(path)
        return None, None
    try:
        step = layer.apply(shape)
    except ValueError as exc:
        return walk.fail(path, kind(layer), shape, str(exc), exc)
    if len(step.shape) != 3:
        new_rf = None
    elif step.window is None:
        new_rf = rf
    elif step.window == IRREGULAR or rf is None:
        new_rf = None
    else:
        new_rf = rf.through(step.window)
    walk.rows.append(Row(path, kind(layer), shape, step.shape, step.params, step.macs, new_rf, layer,
                         non_trainable=step.non_trainable))
    return step.shape, new_rf


def _fmt(shape: Shape) -> str:
    return "×".join(map(str, shape))


def _walk(layer, path: str, shape, rf, walk: _Walk):
    """Propagate ``shape`` (and the receptive field ``rf``) through ``layer``; append rows to ``walk``."""
    if isinstance(layer, Sequential):
        if path:
            walk.blocks.append((path, "Sequential"))
        for name, child in named_children(layer):
            shape, rf = _walk(child, _join(path, name), shape, rf, walk)
        return shape, rf
    if isinstance(layer, Residual):
        walk.blocks.append((path, "Residual"))
        shape_in, rf_in = shape, rf
        main, main_rf = _walk_under(layer.body, path, shape, rf, walk)
        skip, skip_rf = shape_in, rf_in
        if layer.shortcut is not None:
            skip, skip_rf = _walk(layer.shortcut, _join(path, "shortcut"), shape_in, rf_in, walk)
        add = _join(path, "add")
        if main is None or skip is None:
            walk.skipped.append(add)
            shape, rf = None, None
        elif main != skip:
            err = CnnvizError("add_shapes_differ", main=_fmt(main), skip=_fmt(skip))
            shape, rf = walk.fail(add, "Add", shape_in, str(err), err)
        else:
            shape, rf = main, union([main_rf, skip_rf]) if len(main) == 3 else None
            walk.rows.append(Row(add, "Add", shape_in, shape, 0, 0, rf, layer))
        if layer.activation is not None:
            taken = {name for name, _ in named_children(layer.body)} | {"shortcut", "add"}
            act = layer.activation.name or short_name(layer.activation)
            act = _join(path, act if act not in taken else f"{act}_out")
            shape, rf = _leaf(layer.activation, act, shape, rf, walk)
        return shape, rf
    if isinstance(layer, Concat):
        walk.blocks.append((path, "Concat"))
        outs = []
        for i, branch in enumerate(layer.branches, start=1):
            outs.append(_walk_under(branch, _join(path, branch.name or f"branch{i}"), shape, rf, walk))
        cat = _join(path, "concat")
        if any(s is None for s, _ in outs):
            walk.skipped.append(cat)
            return None, None
        shapes = [s for s, _ in outs]
        if len({len(s) for s in shapes}) > 1 or len({s[1:] for s in shapes}) > 1:
            err = CnnvizError("concat_shapes_differ", shapes=", ".join(_fmt(s) for s in shapes))
            return walk.fail(cat, "Concat", shape, str(err), err)
        out = (sum(s[0] for s in shapes), *shapes[0][1:])
        new_rf = union([r for _, r in outs]) if len(out) == 3 else None
        walk.rows.append(Row(cat, "Concat", shape, out, 0, 0, new_rf, layer))
        return out, new_rf
    return _leaf(layer, path, shape, rf, walk)


def _walk_under(seq: Sequential, path: str, shape, rf, walk: _Walk):
    """Walk a branch/body whose children sit directly under ``path`` (its own name is not repeated)."""
    for name, child in named_children(seq):
        shape, rf = _walk(child, _join(path, name), shape, rf, walk)
    return shape, rf


def _check_input_shape(input_shape) -> Shape:
    if input_shape is None:
        raise CnnvizError("summary_no_input_shape")
    shape = tuple(input_shape)
    if len(shape) not in (1, 3):
        raise CnnvizError("summary_bad_input_shape", value=repr(input_shape))
    names = ("channels", "height", "width") if len(shape) == 3 else ("features",)
    return tuple(check_int(f"input {n}", v, 1) for n, v in zip(names, shape))


def summarize(network_or_preset, input_shape=None, strict: bool = True) -> Summary:
    """Shapes, parameters, MACs and receptive fields of every layer (see the module docstring)."""
    from .presets import Preset, get_preset

    network = network_or_preset
    if isinstance(network, str):
        network = get_preset(network)
    if isinstance(network, Preset):
        input_shape = network.input_shape if input_shape is None else input_shape
        network = network.network
    if input_shape is None:  # a network read from code carries the shape its code states
        input_shape = getattr(network, "input_shape", None)
    shape = _check_input_shape(input_shape)
    if not isinstance(network, Sequential):
        network = Sequential((network,))
    walk = _Walk()
    rf = ReceptiveField() if len(shape) == 3 else None
    _walk(network, "", shape, rf, walk)
    summary = Summary(shape, tuple(walk.rows), walk.error, tuple(walk.skipped), tuple(walk.blocks))
    if strict and walk.error is not None:
        raise LayerError(walk.error)
    return summary
