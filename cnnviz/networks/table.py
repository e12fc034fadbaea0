"""Networks as editable tables: one plain dict per row, as a spreadsheet or ``st.data_editor`` gives them.

Row keys (blank cells — ``None``, ``''``, NaN — mean "use the default"):

- ``type``: ``conv``, ``maxpool``, ``avgpool``, ``adaptiveavgpool``, ``globalavgpool``, ``batchnorm``,
  ``lrn``, ``relu``, ``tanh``, ``sigmoid``, ``softmax``, ``dropout``, ``flatten``, ``dense``
  (case, spaces, ``-`` and ``_`` ignored; aliases ``conv2d``, ``pool``, ``bn``, ``fc``, ``linear``, ``gap``).
- ``name`` (optional, unique; otherwise ``conv1``, ``pool2`` …).
- ``out`` (aliases ``out_channels``, ``filters``, ``out_features``, ``units``): filters of a conv, units
  of a dense layer, output size of an adaptive pool.
- ``kernel`` (alias ``kernel_size``), ``stride``, ``padding``, ``dilation``: a number, ``"3x5"`` /
  ``"3×5"`` / ``"3,5"`` for (height, width); ``padding`` also ``valid`` / ``same`` / ``full``.
- ``groups``, ``bias`` (yes/no), ``ceil_mode`` (yes/no), ``p`` (dropout rate),
  ``activation`` (``relu``, ``tanh``, ``sigmoid``, ``softmax`` or blank: applied after the layer).

API:

- ``network_from_table(rows) -> Sequential``: one block per row, named as the row; raises
  ``TableRowError`` (a ``ValueError`` with ``.index`` 0-based and ``.reason``) on the first bad row.
- ``table_from_network(network) -> list[dict]``: the inverse for chains without branches (nested
  ``Sequential`` blocks are flattened; an activation right after a conv/dense folds into its row);
  ``is_chain(network)`` says whether a network is such a chain.
- ``summarize_table(rows, input_shape) -> TableSummary``: ``.rows`` has one ``TableRowResult`` per table
  row (``status`` ``'ok'`` / ``'error'`` / ``'skipped'`` / ``'empty'``, ``reason``, and for ok rows
  ``.result``, a ``summary.Row`` with ``output_shape``, ``params``, ``macs``, ``activations``, ``rf``).
  The first row that is malformed or cannot fit is the error; rows after it are skipped, rows before
  it keep their numbers. Totals cover the ok rows.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from ..errors import CnnvizError, Term
from ..shapes import PADDING_MODES, check_int
from .layers import (AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Dense, Dropout, Flatten, GlobalAvgPool,
                     LocalResponseNorm, MaxPool2d, ReLU, Sequential, Sigmoid, Softmax, Tanh, kind)
from .summary import Row, Summary, short_name, summarize

LAYER_TYPES = ("conv", "maxpool", "avgpool", "adaptiveavgpool", "globalavgpool", "batchnorm", "lrn", "relu",
               "tanh", "sigmoid", "softmax", "dropout", "flatten", "dense")
ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "softmax": Softmax}
_TYPE_ALIASES = {"conv2d": "conv", "convolution": "conv", "pool": "maxpool", "maxpool2d": "maxpool",
                 "avgpool2d": "avgpool", "averagepool": "avgpool", "gap": "globalavgpool",
                 "globalaveragepool": "globalavgpool", "bn": "batchnorm", "batchnorm2d": "batchnorm",
                 "fc": "dense", "linear": "dense", "fullyconnected": "dense", "localresponsenorm": "lrn"}
_KEY_ALIASES = {"out_channels": "out", "filters": "out", "out_features": "out", "units": "out",
                "kernel_size": "kernel"}
_TRUE, _FALSE = {"yes", "true", "1", "on", "y"}, {"no", "false", "0", "off", "n", "none"}
_SPEC_TYPES = {Conv2d: "conv", MaxPool2d: "maxpool", AvgPool2d: "avgpool", AdaptiveAvgPool2d: "adaptiveavgpool",
               GlobalAvgPool: "globalavgpool", BatchNorm2d: "batchnorm", LocalResponseNorm: "lrn", ReLU: "relu",
               Tanh: "tanh", Sigmoid: "sigmoid", Softmax: "softmax", Dropout: "dropout", Flatten: "flatten",
               Dense: "dense"}


class TableRowError(ValueError):
    """A table row that cannot become a layer. ``index`` is 0-based; the message counts rows from 1."""

    def __init__(self, index: int, reason: str, cause: Exception | None = None):
        super().__init__(f"row {index + 1}: {reason}")
        self.index, self.reason, self.cause = index, reason, cause

    def __reduce__(self):
        return type(self), (self.index, self.reason, self.cause)


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # NaN
    except TypeError:  # pandas.NA refuses to be a bool
        return True


def _clean(row) -> dict:
    out = {}
    for key, value in dict(row).items():
        key = _KEY_ALIASES.get(str(key).strip().lower(), str(key).strip().lower())
        if not is_blank(value):
            out[key] = value.strip() if isinstance(value, str) else value
    return out


def _whole(what: str, value, minimum: int) -> int:
    """A cell as an int: accepts ``5``, ``5.0``, ``"5"``; refuses ``5.5`` and words."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise CnnvizError("not_whole_number", name=Term(what), value=repr(value)) from None
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise CnnvizError("not_whole_number", name=Term(what), value=f"{value:g}")
        value = int(value)
    return check_int(what, value, minimum)


def _size(what: str, value, minimum: int = 1):
    """A number, or ``"h x w"`` / ``"h×w"`` / ``"h,w"`` for a (height, width) pair."""
    if isinstance(value, str):
        parts = [p for p in re.split(r"\s*[x×*,]\s*", value.lower()) if p]
        if len(parts) == 2:
            return _whole(what, parts[0], minimum), _whole(what, parts[1], minimum)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return _whole(what, value[0], minimum), _whole(what, value[1], minimum)
    return _whole(what, value, minimum)


def _padding(value):
    if isinstance(value, str) and value.lower() in PADDING_MODES:
        return value.lower()
    try:
        return _size("padding", value, 0)
    except ValueError:
        raise CnnvizError("table_bad_padding", modes=", ".join(PADDING_MODES), value=repr(value)) from None


def _flag(what: str, value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CnnvizError("table_not_yes_no", name=Term(what), value=repr(value))


def _rate(value) -> float:
    try:
        p = float(value)
    except (TypeError, ValueError):
        raise CnnvizError("table_rate_not_number", value=repr(value)) from None
    if not 0 <= p < 1:
        raise CnnvizError("table_rate_range", value=f"{p:g}")
    return p


def _layer_type(row: dict) -> str:
    raw = row.get("type")
    if raw is None:
        raise CnnvizError("table_no_type")
    text = re.sub(r"[\s_\-]", "", str(raw).lower())
    text = _TYPE_ALIASES.get(text, text)
    if text not in LAYER_TYPES:
        raise CnnvizError("table_unknown_type", value=repr(raw), options=", ".join(LAYER_TYPES))
    return text


_USES = {
    "conv": {"out", "kernel", "stride", "padding", "dilation", "groups", "bias"},
    "maxpool": {"kernel", "stride", "padding", "ceil_mode"},
    "avgpool": {"kernel", "stride", "padding", "ceil_mode"},
    "adaptiveavgpool": {"out"},
    "dense": {"out", "bias"},
    "dropout": {"p"},
    "lrn": {"kernel"},
}


def layer_from_row(row) -> tuple[str, object, object]:
    """``(type, layer spec, activation spec or None)`` for one table row; ValueError if malformed."""
    row = _clean(row)
    t = _layer_type(row)
    act = row.get("activation")
    if act is not None and str(act).lower() not in ACTIVATIONS:
        raise CnnvizError("table_bad_activation", options=", ".join(ACTIVATIONS), value=repr(act))
    if t in ("conv", "dense", "adaptiveavgpool") and "out" not in row:
        raise CnnvizError(f"table_needs_out_{t}")
    g = row.get
    if t == "conv":
        layer = Conv2d(_whole("filters", g("out"), 1), _size("kernel", g("kernel", 3)), _size("stride", g("stride", 1)),
                       _padding(g("padding", 0)), _size("dilation", g("dilation", 1)),
                       _whole("groups", g("groups", 1), 1), _flag("bias", g("bias", True)))
    elif t in ("maxpool", "avgpool"):
        cls = MaxPool2d if t == "maxpool" else AvgPool2d
        kernel = _size("pool size", g("kernel", 2))
        layer = cls(kernel, _size("stride", g("stride", kernel)), _padding(g("padding", 0)),
                    _flag("ceil mode", g("ceil_mode", False)))
    elif t == "adaptiveavgpool":
        layer = AdaptiveAvgPool2d(_size("output size", g("out")))
    elif t == "dense":
        layer = Dense(_whole("units", g("out"), 1), _flag("bias", g("bias", True)))
    elif t == "dropout":
        layer = Dropout(_rate(g("p", 0.5)))
    elif t == "lrn":
        layer = LocalResponseNorm(_whole("LRN size", g("kernel", 5), 1))
    else:
        layer = {"globalavgpool": GlobalAvgPool, "batchnorm": BatchNorm2d, "relu": ReLU, "tanh": Tanh,
                 "sigmoid": Sigmoid, "softmax": Softmax, "flatten": Flatten}[t]()
    return t, layer, ACTIVATIONS[str(act).lower()]() if act is not None else None


def _row_blank(row) -> bool:
    return all(is_blank(v) for v in dict(row).values())


def network_from_table(rows) -> Sequential:
    """One ``Sequential`` child per non-empty row, named as the row (see the module docstring)."""
    built = []  # (index, given name, layer, activation)
    for index, row in enumerate(rows):
        if _row_blank(row):
            continue
        try:
            _, layer, act = layer_from_row(row)
        except ValueError as exc:
            raise TableRowError(index, str(exc), exc) from None
        name = str(_clean(row).get("name", ""))
        if "." in name:
            cause = CnnvizError("table_name_dot", value=repr(name))
            raise TableRowError(index, str(cause), cause)
        if name and name in {b[1] for b in built}:
            cause = CnnvizError("table_name_twice", value=repr(name))
            raise TableRowError(index, str(cause), cause)
        built.append((index, name, layer, act))
    names = _row_names([(name, short_name(layer)) for _, name, layer, _ in built])
    return Sequential([Sequential((layer, act), name=name) if act else replace(layer, name=name)
                       for name, (_, _, layer, act) in zip(names, built)])


def _row_names(given: list[tuple[str, str]]) -> list[str]:
    """Final row names: the given one, else the layer's short name numbered per kind (``conv1``,
    ``conv2``, ``flatten1``), so that a row keeps its name when a later row changes or breaks."""
    taken = {name for name, _ in given if name}
    counters: dict[str, int] = {}
    out = []
    for name, short in given:
        while not name or name in taken:
            counters[short] = counters.get(short, 0) + 1
            name = f"{short}{counters[short]}"
        taken.add(name)
        out.append(name)
    return out


def _leaves(layer) -> list:
    if isinstance(layer, Sequential):
        return [leaf for child in layer.layers for leaf in _leaves(child)]
    if type(layer) not in _SPEC_TYPES:
        raise ValueError(f"a network with {kind(layer)} blocks (branches or skip connections) cannot be shown "
                         "as a simple table")
    return [layer]


def is_chain(network) -> bool:
    """Whether ``network`` is a plain chain of layers that ``table_from_network`` can show."""
    try:
        _leaves(network)
    except ValueError:
        return False
    return True


def _cell(value):
    if isinstance(value, tuple):
        return f"{value[0]}x{value[1]}" if value[0] != value[1] else value[0]
    return value


def table_from_network(network) -> list[dict]:
    """Rows for a chain of layers (see the module docstring); ValueError for branching networks."""
    rows: list[dict] = []
    for layer in _leaves(network):
        t = _SPEC_TYPES[type(layer)]
        if t in ACTIVATIONS and rows and rows[-1]["type"] in ("conv", "dense") and rows[-1]["activation"] is None:
            rows[-1]["activation"] = t
            continue
        row = {"type": t, "out": None, "kernel": None, "stride": None, "padding": None, "activation": None}
        if t == "conv":
            row.update(out=layer.out_channels, kernel=_cell(layer.kernel_size), stride=_cell(layer.stride),
                       padding=_cell(layer.padding))
            if layer.dilation != 1:
                row["dilation"] = _cell(layer.dilation)
            if layer.groups != 1:
                row["groups"] = layer.groups
            if not layer.bias:
                row["bias"] = False
        elif t in ("maxpool", "avgpool"):
            row.update(kernel=_cell(layer.kernel_size),
                       stride=_cell(layer.kernel_size if layer.stride is None else layer.stride),
                       padding=_cell(layer.padding))
            if layer.ceil_mode:
                row["ceil_mode"] = True
        elif t == "adaptiveavgpool":
            row["out"] = _cell(layer.output_size)
        elif t == "dense":
            row["out"] = layer.out_features
            if not layer.bias:
                row["bias"] = False
        elif t == "dropout":
            row["p"] = layer.p
        elif t == "lrn":
            row["kernel"] = layer.size
        rows.append(row)
    return rows


@dataclass(frozen=True)
class TableRowResult:
    """What became of one table row."""

    index: int  # 0-based position in the table
    name: str  # the layer's name in the network ('' for empty/unbuilt rows)
    status: str  # 'ok', 'error', 'skipped' (after the error) or 'empty' (a blank row, ignored)
    reason: str = ""  # why, for 'error'
    result: Row | None = None  # shapes and counts, for 'ok'
    cause: Exception | None = field(default=None, compare=False, repr=False)  # for 'error': the engine's error


@dataclass(frozen=True)
class TableSummary:
    rows: tuple[TableRowResult, ...]
    summary: Summary  # of the rows that could be built

    @property
    def error(self) -> TableRowResult | None:
        return next((r for r in self.rows if r.status == "error"), None)

    @property
    def total_params(self) -> int:
        return self.summary.total_params

    @property
    def total_macs(self) -> int:
        return self.summary.total_macs


def summarize_table(rows, input_shape) -> TableSummary:
    """Per-row shapes and counts for an edited table (see the module docstring)."""
    rows = [dict(r) for r in rows]
    bad: TableRowError | None = None
    try:
        network = network_from_table(rows)
    except TableRowError as exc:
        bad = exc
        network = network_from_table(rows[:exc.index])
    summary = summarize(network, input_shape, strict=False)
    by_name = {r.name: r for r in summary.grouped(1)}
    failed = summary.error.name.split(".")[0] if summary.error else None
    names = iter(child.name for child in network.layers)
    first_kind = {c.name: kind(c.layers[0] if isinstance(c, Sequential) else c) for c in network.layers}
    results, stopped = [], False
    for index, row in enumerate(rows):
        if _row_blank(row):
            results.append(TableRowResult(index, "", "empty"))
        elif stopped or (bad is not None and index > bad.index):
            results.append(TableRowResult(index, "", "skipped"))
        elif bad is not None and index == bad.index:
            results.append(TableRowResult(index, "", "error", bad.reason, cause=bad.cause))
            stopped = True
        else:
            name = next(names)
            if name == failed:
                results.append(TableRowResult(index, name, "error", summary.error.reason, cause=summary.error.cause))
                stopped = True
            else:
                row_result = replace(by_name[name], kind=first_kind[name])  # conv + its activation: a Conv2d row
                results.append(TableRowResult(index, name, "ok", result=row_result))
    return TableSummary(tuple(results), summary)
