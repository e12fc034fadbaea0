"""Reading model code without running it: bounded parsing, a scan for code that would run something,
and literal arguments with their positions.

Nothing here executes, evaluates or imports the source: ``ast.parse`` builds a syntax tree and every
value is read from ``ast.Constant`` / tuple / list nodes. Every refusal is a ``CodeError``: a
``CnnvizError`` that also names the line and column (1-based) of the part that was refused.
"""
from __future__ import annotations

import ast
import warnings

from ..errors import CnnvizError, Term

MAX_CHARS = 50_000  # a course notebook's model cell is ~2 kB; VGG-16 written out in PyTorch ~4 kB
MAX_LINES = 2_000
# Calls that would run, read or import something if the code were executed: refused by name, so that
# a student sees why (cnnviz would not run them anyway).
RUNS_CODE = frozenset({"exec", "eval", "compile", "open", "__import__", "getattr", "setattr", "delattr",
                       "globals", "locals", "vars", "input", "breakpoint", "help", "exit", "quit"})
RUNS_CODE_MODULES = frozenset({"os", "sys", "subprocess", "shutil", "socket", "importlib", "builtins", "pickle",
                               "ctypes", "pathlib", "urllib", "requests", "http", "multiprocessing", "threading"})


# Refusals about the source as a whole: their line and column (1, 1) point at nothing in particular.
WHOLE_SOURCE = frozenset({"code_not_text", "code_too_long", "code_too_many_lines", "code_too_deep", "code_no_model"})


class CodeError(CnnvizError):
    """A refusal pointing at the code: ``line`` and ``column`` (1-based), then the reason ``cause``."""

    def __init__(self, line: int, column: int, cause: CnnvizError):
        self.line, self.column, self.cause = line, column, cause
        super().__init__("code_at", line=line, column=column)

    @property
    def pointed(self) -> bool:
        """Whether the line and column name a place in the code (not a refusal of the whole source)."""
        return self.cause.code not in WHOLE_SOURCE

    def message(self, lang: str = "en") -> str:
        return f"{super().message(lang)} {self.cause.message(lang)}"

    def __reduce__(self):
        return type(self), (self.line, self.column, self.cause)


def refuse(node: ast.AST | None, code: str, **params) -> CodeError:
    """A ``CodeError`` at ``node`` (line 1, column 1 without one); ``raise refuse(...)``."""
    line, column = (node.lineno, node.col_offset + 1) if node is not None else (1, 1)
    return CodeError(line, column, CnnvizError(code, **params))


def source_text(source) -> str:
    """``source`` as text: a str as it is, bytes decoded as UTF-8 (a BOM dropped); CodeError otherwise."""
    if isinstance(source, (bytes, bytearray)):
        try:
            return bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CodeError(1, 1, CnnvizError("code_not_text", offset=exc.start)) from None
    if not isinstance(source, str):
        raise CodeError(1, 1, CnnvizError("code_not_text", offset=0))
    return source


def parse(source) -> ast.Module:
    """The syntax tree of ``source`` (a str, or UTF-8 bytes), within the size limits; CodeError otherwise."""
    source = source_text(source)
    if len(source) > MAX_CHARS:
        raise CodeError(1, 1, CnnvizError("code_too_long", size=len(source), limit=MAX_CHARS))
    lines = source.count("\n") + 1
    if lines > MAX_LINES:
        raise CodeError(1, 1, CnnvizError("code_too_many_lines", lines=lines, limit=MAX_LINES))
    if "\x00" in source:
        before = source[:source.index("\x00")]
        raise CodeError(before.count("\n") + 1, len(before) - before.rfind("\n"), CnnvizError("code_nul"))
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" and the like: the server log is no place
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source)
    except SyntaxError as exc:
        raise CodeError(exc.lineno or 1, exc.offset or 1, CnnvizError("code_syntax")) from None
    except (RecursionError, MemoryError, ValueError):  # nesting beyond what the parser holds
        raise CodeError(1, 1, CnnvizError("code_too_deep")) from None
    scan(tree)
    return tree


def dotted(node: ast.AST) -> str | None:
    """``tf.keras.layers.Conv2D`` for a chain of names and attributes, None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def scan(tree: ast.Module) -> None:
    """Refuse code that names Python's machinery or would run, read or import something when executed."""
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name is not None and name.startswith("__") and name.endswith("__") and name != "__name__":
            raise refuse(node, "code_runs_something", name=name)
        if isinstance(node, ast.Call):
            path = dotted(node.func) or ""
            if path in RUNS_CODE or path.split(".")[0] in RUNS_CODE_MODULES:
                raise refuse(node, "code_runs_something", name=path)


def literal(node: ast.AST, argument: str, layer: str):
    """A number, text, True/False/None, or a tuple/list of them, read from the tree (never evaluated);
    whole numbers may be combined with ``+ - * //`` (``16 * 5 * 5``), within ``MAX_WHOLE``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool, type(None))):
        return node.value
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) in (int, float)):
        return -node.operand.value
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(literal(item, argument, layer) for item in node.elts)
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:  # nn.Linear(16 * 5 * 5, 120)
        left, right = literal(node.left, argument, layer), literal(node.right, argument, layer)
        if all(type(v) is int and abs(v) <= MAX_WHOLE for v in (left, right)) and (right or _ARITHMETIC[
                type(node.op)] is not int.__floordiv__):
            value = _ARITHMETIC[type(node.op)](left, right)
            if abs(value) <= MAX_WHOLE:
                return value
    raise refuse(node, "code_computed_argument", argument=argument, layer=layer)


MAX_WHOLE = 10**12  # whole-number arithmetic in arguments stays below this
_ARITHMETIC = {ast.Add: int.__add__, ast.Sub: int.__sub__, ast.Mult: int.__mul__, ast.FloorDiv: int.__floordiv__}


def statement_kind(node: ast.stmt) -> Term | None:
    """What a compound statement is, in words (``Term("a loop")``), or None for a simple statement."""
    kinds = ((ast.For, "a loop"), (ast.AsyncFor, "a loop"), (ast.While, "a loop"), (ast.If, "an if statement"),
             (ast.FunctionDef, "a function"), (ast.AsyncFunctionDef, "a function"), (ast.ClassDef, "a class"),
             (ast.With, "a with block"), (ast.AsyncWith, "a with block"), (ast.Try, "a try block"),
             (ast.Match, "a match statement"))
    return next((Term(word) for cls, word in kinds if isinstance(node, cls)), None)
