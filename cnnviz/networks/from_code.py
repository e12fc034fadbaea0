"""``from_code(source, input_shape=None) -> CodeNetwork``: a Keras or PyTorch model read from its code,
without running it (Python's ``ast`` only; see ``code_reading``).

Keras / tf.keras: ``Sequential([...])`` or ``model = Sequential()`` and ``model.add(...)`` lines, with
any of the usual prefixes (``keras.``, ``layers.``, ``tf.keras.layers.``, import aliases) or bare
names; the input shape from ``Input(shape=…)``, ``InputLayer``, ``input_shape=`` or ``model.build``.
PyTorch: ``nn.Sequential(...)`` (also ``torch.nn.`` and bare names), nested, or built from Sequentials
assigned before; the input shape from a comment such as ``# input: 1×28×28`` or
``torch.randn(1, 1, 28, 28)``, else the caller's ``input_shape``. The layers each framework may use are
in ``code_layers``. Imports, comments and statements that build no layer (``model.compile(...)``,
``model.summary()``, ``model.fit(...)``, ``clear_session()``) are read past; loops, functions,
classes, computed arguments and unknown layers are refused with a ``CodeError`` naming the line and
column.

A ``CodeNetwork`` is a ``Sequential`` (``summarize`` takes it, and its ``.input_shape``, as it is):
its top-level layers are named as the framework names them (Keras ``conv2d``, ``conv2d_1``; PyTorch
``0``, ``1``), with ``types`` (the framework's class of each) and ``positions`` ((line, column) of
each layer's call, for pointing at the code).
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field, replace

from .code_layers import (KERAS, KERAS_ALIASES, KERAS_ARGS, TORCH, TORCH_ARGS, CodeLayer, is_layer,
                          layer_from_call, supported)
from .code_reading import dotted, literal, parse, refuse, source_text, statement_kind
from .layers import Sequential, kind

MAX_LAYERS = 500
MODEL_METHODS = frozenset({"compile", "summary", "fit", "evaluate", "predict", "save", "save_weights",
                           "load_weights", "count_params", "get_config", "get_weights", "to", "train", "eval",
                           "cuda", "cpu", "parameters", "named_parameters", "modules", "children",
                           "state_dict", "zero_grad", "apply", "forward", "double", "float"})
_KERAS_PREFIXES = {"layers", "keras", "keras.layers", "keras.models", "models", "tensorflow.keras",
                   "tensorflow.keras.layers", "tensorflow.keras.models"}
_TORCH_PREFIXES = {"nn", "torch.nn"}
_COMMENT_SHAPE = re.compile(r"(?i)(?:input|입력)\D*?(\d+)\s*[x×*,]\s*(\d+)\s*[x×*,]\s*(\d+)"
                            r"(?:\s*[x×*,]\s*(\d+))?")
_TENSOR_MAKERS = {"torch.randn", "torch.rand", "torch.zeros", "torch.ones", "torch.empty"}


@dataclass(frozen=True)
class CodeNetwork(Sequential):
    """A network read from code (see the module docstring)."""

    input_shape: tuple[int, ...] | None = None  # channels-first, as stated in the code (or given)
    framework: str = ""  # 'keras' or 'torch'
    types: tuple[str, ...] = ()  # the framework's class of each top-level layer, e.g. 'Conv2D'
    positions: tuple[tuple[int, int], ...] = field(default=(), compare=False)  # (line, column) of each

    def position_of(self, row_name: str) -> tuple[int, int] | None:
        """(line, column) of the top-level layer a summary row (``conv2d_1.relu``) belongs to."""
        top = row_name.split(".")[0]
        names = [layer.name for layer in self.layers]
        return self.positions[names.index(top)] if top in names else None


def _snake(name: str) -> str:
    """Keras' automatic layer name: ``MaxPooling2D`` → ``max_pooling2d``, ``ReLU`` → ``re_lu``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


class _Program:
    """One pass over the module's statements."""

    def __init__(self, tree: ast.Module, source: str):
        self.tree, self.source = tree, source
        self.aliases: dict[str, str] = {}
        self.imports: set[str] = set()
        self.model: str | None = None  # the variable holding the model
        self.model_node: ast.AST | None = None
        self.framework: str | None = None
        self.layers: list[tuple[CodeLayer, ast.Call]] = []  # Keras: the model's layers, in order
        self.input_shape: tuple[int, ...] | None = None  # Keras: Input(shape=…), input_shape=…, build()
        self.tensor_shape: tuple[int, ...] | None = None  # torch.randn(N, C, H, W) anywhere in the code
        self.torch_blocks: dict[str, tuple[Sequential, ast.Call]] = {}  # nn.Sequential assigned to a name
        self.used_blocks: set[str] = set()
        self.count = 0

    # ------------------------------------------------------------ names
    def resolve(self, node: ast.AST, strict: bool = False) -> tuple[str | None, str] | None:
        """(framework or None when a bare name could be either, class name) of a called name; None if it
        is no layer or model name. ``strict`` (inside a model): a framework layer we do not read is refused."""
        path = dotted(node)
        if path is None:
            return None
        head, _, rest = path.partition(".")
        full = self.aliases.get(head, head) + ("." + rest if rest else "")
        if full.startswith("tf."):
            full = "tensorflow." + full[3:]
        prefix, _, name = full.rpartition(".")
        known_keras = name in KERAS_ARGS or name in KERAS_ALIASES or name == "Sequential"
        known_torch = name in TORCH_ARGS or name == "Sequential"
        if prefix in _KERAS_PREFIXES and known_keras:
            return KERAS, name
        if prefix in _TORCH_PREFIXES and known_torch:
            return TORCH, name
        if prefix == "" and (known_keras or known_torch):
            return (None if known_keras and known_torch else KERAS if known_keras else TORCH), name
        if strict and prefix in _KERAS_PREFIXES | _TORCH_PREFIXES:  # nn.Conv3d, layers.Conv1D
            framework = KERAS if prefix in _KERAS_PREFIXES else TORCH
            raise refuse(node, "code_unknown_layer", name=path, supported=supported(framework))
        return None

    def framework_of_bare(self) -> str:
        """Bare ``Sequential``: PyTorch when only torch is imported, else Keras (the course's framework)."""
        torch = any(m.split(".")[0] == "torch" for m in self.imports)
        keras = any(m.split(".")[0] in ("keras", "tensorflow") for m in self.imports)
        return TORCH if torch and not keras else KERAS

    def join(self, framework: str, node: ast.AST) -> str:
        if self.framework is None:
            self.framework = framework
        elif framework != self.framework:
            raise refuse(node, "code_mixed_frameworks")
        return framework

    # ------------------------------------------------------------ layers
    def layer(self, node: ast.AST, framework: str) -> CodeLayer | Sequential:
        """A layer call (or, in PyTorch, the name of a Sequential assigned before)."""
        if framework == TORCH and isinstance(node, ast.Name) and node.id in self.torch_blocks:
            self.used_blocks.add(node.id)
            return self.torch_blocks[node.id][0]
        if not isinstance(node, ast.Call):
            raise refuse(node, "code_not_a_layer", supported=supported(framework))
        found = self.resolve(node.func, strict=True)
        if found is None:
            name = dotted(node.func) or "?"
            raise refuse(node, "code_unknown_layer", name=name, supported=supported(framework))
        fw, name = found
        if fw is not None and fw != framework:
            raise refuse(node, "code_mixed_frameworks")
        self.count += 1
        if self.count > MAX_LAYERS:
            raise refuse(node, "code_too_many_layers", limit=MAX_LAYERS)
        if name == "Sequential":
            if framework != TORCH:
                raise refuse(node, "code_nested_keras")
            return self.torch_sequential(node)
        return layer_from_call(node, framework, name)

    def torch_sequential(self, call: ast.Call) -> Sequential:
        if call.keywords:
            raise refuse(call.keywords[0].value, "code_unknown_argument", argument=call.keywords[0].arg,
                         layer="Sequential", supported="*layers")
        children = []
        for index, node in enumerate(call.args):
            if isinstance(node, ast.Starred):
                raise refuse(node, "code_computed_argument", argument="*", layer="Sequential")
            child = self.layer(node, TORCH)
            spec = child.spec if isinstance(child, CodeLayer) else child
            children.append(replace(spec, name=str(index)))
        return Sequential(children)

    def keras_list(self, call: ast.Call) -> None:
        items = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "layers"), None)
        for kw in call.keywords:
            if kw.arg not in ("layers", "name"):
                raise refuse(kw.value, "code_unknown_argument", argument=kw.arg, layer="Sequential",
                             supported="layers, name")
        if len(call.args) > 1:
            raise refuse(call.args[1], "code_too_many_arguments", layer="Sequential", count=1)
        if items is None:
            return
        if not isinstance(items, (ast.List, ast.Tuple)):
            raise refuse(items, "code_not_layer_list")
        for node in items.elts:
            self.add_keras(node)

    def add_keras(self, node: ast.AST) -> None:
        layer = self.layer(node, KERAS)
        if layer.input_shape is not None:
            if self.layers or self.input_shape is not None:
                if layer.spec is None:
                    raise refuse(node, "code_input_not_first")
            else:
                self.input_shape = layer.input_shape
        if layer.spec is not None:
            self.layers.append((layer, node))

    # ------------------------------------------------------------ statements
    def is_model_constructor(self, node: ast.AST) -> str | None:
        if not isinstance(node, ast.Call):
            return None
        found = self.resolve(node.func)
        if found is None or found[1] != "Sequential":
            return None
        if found[0] is not None:
            return found[0]
        first = next((a for a in node.args if isinstance(a, ast.Call)), None)
        if first is not None:  # nn.Sequential(Conv2d(...)) without prefix: its layers tell
            inner = self.resolve(first.func)
            if inner is not None and inner[0] is not None:
                return inner[0]
        return self.framework_of_bare()

    def run(self) -> None:
        for stmt in self.tree.body:
            what = statement_kind(stmt)
            if what is not None:
                raise refuse(stmt, "code_statement", what=what)
            if isinstance(stmt, ast.Import):
                for a in stmt.names:
                    self.imports.add(a.name)
                    if a.asname:
                        self.aliases[a.asname] = a.name
            elif isinstance(stmt, ast.ImportFrom):
                module = "." * stmt.level + (stmt.module or "")
                self.imports.add(module)
                for a in stmt.names:
                    if a.name != "*":
                        self.aliases[a.asname or a.name] = f"{module}.{a.name}"
            elif isinstance(stmt, ast.Assign) and self.is_model_constructor(stmt.value):
                self.define(stmt)
            elif isinstance(stmt, ast.Expr) and self.is_model_call(stmt.value, "add"):
                self.add(stmt.value)
            elif isinstance(stmt, (ast.Expr, ast.Assign)) and self.is_model_call(stmt.value, "build"):
                self.build(stmt.value)
            else:
                self.other(stmt)

    def define(self, stmt: ast.Assign) -> None:
        framework = self.is_model_constructor(stmt.value)
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            raise refuse(stmt, "code_model_variable")
        self.join(framework, stmt.value)
        name = stmt.targets[0].id
        if framework == TORCH:
            self.torch_blocks[name] = (self.torch_sequential(stmt.value), stmt.value)
            self.model, self.model_node = name, stmt.value
            return
        if self.model is not None:
            raise refuse(stmt, "code_two_models")
        self.model, self.model_node = name, stmt.value
        self.keras_list(stmt.value)

    def is_model_call(self, node: ast.AST, method: str) -> bool:
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method
                and isinstance(node.func.value, ast.Name) and node.func.value.id == self.model)

    def add(self, call: ast.Call) -> None:
        if self.framework != KERAS:
            raise refuse(call, "code_model_method", method="add")
        if len(call.args) != 1 or call.keywords:
            raise refuse(call, "code_add_one_layer")
        self.add_keras(call.args[0])

    def build(self, call: ast.Call) -> None:
        if self.framework != KERAS or len(call.args) != 1:
            raise refuse(call, "code_model_method", method="build")
        shape = literal(call.args[0], "input_shape", "build")
        if not isinstance(shape, tuple) or len(shape) not in (2, 4) or shape[0] is not None:
            raise refuse(call.args[0], "code_not_input_shape", value=repr(shape))
        if self.input_shape is None:
            h_w_c = shape[1:]
            if any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in h_w_c):
                raise refuse(call.args[0], "code_not_input_shape", value=repr(shape))
            self.input_shape = h_w_c if len(h_w_c) == 1 else (h_w_c[2], h_w_c[0], h_w_c[1])

    def other(self, stmt: ast.stmt) -> None:
        """A statement that builds no layer: refuse it if it does touch layers or change the model."""
        for node in ast.walk(stmt):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Call) and self.resolve(node.func.func) is not None:
                raise refuse(node, "code_functional")
            if (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == self.model and node.func.attr not in MODEL_METHODS):
                raise refuse(node, "code_model_method", method=node.func.attr)
            found = self.resolve(node.func)
            if found is not None and (found[1] == "Sequential" or is_layer(found[0] or KERAS, found[1])
                                      or is_layer(TORCH, found[1])):
                raise refuse(node, "code_layer_outside_model")
            if dotted(node.func) in _TENSOR_MAKERS and self.tensor_shape is None:  # PyTorch's input, maybe
                self.tensor_shape = _tensor_shape(node)

    # ------------------------------------------------------------ result
    def network(self, given_shape) -> CodeNetwork:
        if self.model is None:
            raise refuse(None, "code_no_model")
        if self.framework == TORCH:
            for name, (_, node) in self.torch_blocks.items():
                if name != self.model and name not in self.used_blocks:
                    raise refuse(node, "code_two_models")
            seq, node = self.torch_blocks[self.model]
            layers = [(CodeLayer("Linear" if kind(c) == "Dense" else kind(c), c, None, c.name), node)
                      for c in seq.layers]
            positions = [(n.lineno, n.col_offset + 1) for n in node.args]
            shape = self.tensor_shape or _comment_shape(self.source) or given_shape
        else:
            layers, shape = self.layers, self.input_shape or given_shape
            positions = [(n.lineno, n.col_offset + 1) for _, n in layers]
        named = self.names(layers)
        try:
            return CodeNetwork(tuple(named), input_shape=None if shape is None else tuple(shape),
                               framework=self.framework, types=tuple(layer.type_name for layer, _ in layers),
                               positions=tuple(positions))
        except ValueError:
            raise refuse(self.model_node, "code_duplicate_name") from None

    def names(self, layers) -> list:
        if self.framework == TORCH:
            return [layer.spec for layer, _ in layers]
        counters: dict[str, int] = {}
        out = []
        for layer, node in layers:
            name = layer.name
            if not name:
                base = _snake(layer.type_name)
                n = counters.get(base, 0)
                counters[base] = n + 1
                name = base if n == 0 else f"{base}_{n}"
            out.append(replace(layer.spec, name=name))
        return out


def _tensor_shape(call: ast.Call) -> tuple[int, ...] | None:
    """``torch.randn(1, 3, 32, 32)`` → ``(3, 32, 32)`` (channels-first, batch dropped)."""
    args = call.args[0].elts if len(call.args) == 1 and isinstance(call.args[0], ast.Tuple) else call.args
    values = [a.value for a in args if isinstance(a, ast.Constant)]
    if len(values) != len(args) or len(values) not in (2, 4) or not all(type(v) is int and v > 0 for v in values):
        return None
    return tuple(values[1:])


def _comment_shape(source: str) -> tuple[int, ...] | None:
    """``# input: 1×28×28`` (or ``(1, 3, 32, 32)`` with a batch) in a comment → ``(C, H, W)``."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                match = _COMMENT_SHAPE.search(token.string)
                if match:
                    numbers = [int(g) for g in match.groups() if g is not None]
                    return tuple(numbers[-3:])
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def from_code(source, input_shape=None) -> CodeNetwork:
    """The network that Keras or PyTorch ``source`` builds (see the module docstring).

    ``input_shape`` (channels-first) is used only when the code states none. Raises ``CodeError``
    (a ``CnnvizError``) with the line and column of anything it refuses.
    """
    tree = parse(source)
    program = _Program(tree, source_text(source))
    try:
        program.run()
    except RecursionError:  # arguments nested deeper than Python's own stack
        raise refuse(None, "code_too_deep") from None
    return program.network(input_shape)
