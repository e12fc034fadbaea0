"""A page's settings as data: one frozen dataclass per page whose fields carry their rules.

Each field is declared with :func:`integer`, :func:`number`, :func:`choice`, :func:`flag` or :func:`text`,
which put a :class:`Spec` (kind, range or options, widget, text id) into the field's metadata. From that one
declaration the app layer draws the widget (``ui/common/controls.py``), validates any value wherever it
came from, and writes and reads the lesson link. Nothing here imports Streamlit, so it is tested directly.

A schema may narrow ranges that depend on other settings by overriding :meth:`Settings.limits`
(pooling padding ≤ window // 2): widgets are drawn with the narrowed range and values are clamped into it.
Text ids: a field ``stride_h`` of a page ``conv`` is labelled ``conv.stride_h.label``, helped by
``conv.stride_h.help`` when the catalogue has it; an option ``same`` reads ``conv.padding_mode.same``.
"""
from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, ClassVar

MAX_URL_TEXT = 4000  # characters of one text setting in a link (a 20×20 matrix of fractions fits)
_INT = re.compile(r"[+-]?\d{1,12}")
_FLOAT = re.compile(r"[+-]?(\d{1,15}(\.\d{0,15})?|\.\d{1,15})([eE][+-]?\d{1,3})?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Spec:
    """The rules of one setting."""

    kind: str  # "int" | "float" | "choice" | "bool" | "text"
    lo: float | None = None
    hi: float | None = None
    options: tuple = ()
    widget: str = ""  # number | slider | radio | select | segmented | toggle | checkbox | text_area
    step: float | None = None
    check: Callable[[str], Any] | None = None  # text: raises ValueError when unusable
    matrix: bool = False  # text holding a matrix: rows ';' and entries ',' in the link


def integer(default: int, lo: int, hi: int, widget: str = "number") -> Any:
    return field(default=default, metadata={"spec": Spec("int", lo, hi, widget=widget)})


def number(default: float, lo: float, hi: float, step: float = 1.0, widget: str = "number") -> Any:
    return field(default=default, metadata={"spec": Spec("float", lo, hi, widget=widget, step=step)})


def choice(default: str, options: tuple, widget: str = "radio") -> Any:
    assert default in options
    return field(default=default, metadata={"spec": Spec("choice", options=tuple(options), widget=widget)})


def flag(default: bool = False, widget: str = "toggle") -> Any:
    return field(default=default, metadata={"spec": Spec("bool", widget=widget)})


def text(default: str, check: Callable[[str], Any] | None = None, matrix: bool = False) -> Any:
    return field(default=default, metadata={"spec": Spec("text", widget="text_area", check=check, matrix=matrix)})


class Settings:
    """Base of every page schema (a frozen dataclass). ``PAGE`` is the page's text-id and widget-key prefix."""

    PAGE: ClassVar[str] = ""
    SAMPLE: ClassVar[dict] = {}  # a valid lesson in which every setting differs from its default (tests use it)

    def limits(self) -> dict[str, tuple]:
        """Ranges (lo, hi) or option tuples that depend on other settings; override where needed."""
        return {}

    @classmethod
    @functools.cache  # read on every widget of every rerun: worked out once per schema
    def specs(cls) -> Mapping[str, Spec]:
        return MappingProxyType({f.name: f.metadata["spec"] for f in dataclasses.fields(cls) if "spec" in f.metadata})

    @classmethod
    @functools.cache
    def defaults(cls) -> Mapping[str, Any]:
        return MappingProxyType({f.name: f.default for f in dataclasses.fields(cls) if "spec" in f.metadata})

    @classmethod
    def text_id(cls, name: str, part: str = "label") -> str:
        return f"{cls.PAGE}.{name}.{part}"

    def bounds(self, name: str) -> tuple:
        """The range (lo, hi) or the options of ``name`` now, after the dependent limits."""
        spec = self.specs()[name]
        narrowed = self.limits().get(name)
        if spec.kind == "choice":
            return tuple(narrowed) if narrowed else spec.options
        if spec.kind not in ("int", "float"):
            return ()
        lo, hi = narrowed if narrowed else (spec.lo, spec.hi)
        return max(lo, spec.lo), min(hi, spec.hi)

    @classmethod
    def build(cls, values: dict[str, Any]):
        """A complete, valid settings object from any mapping: missing or unusable values take their
        default, numbers are clamped into their ranges — the static ones first, then the dependent ones
        (repeated, since one limit can depend on a value another limit just moved)."""
        defaults = cls.defaults()
        specs = cls.specs()
        clean = {name: coerce(specs[name], values.get(name, default), default) for name, default in defaults.items()}
        settings = cls(**clean)
        for _ in range(3):
            fixed = {name: _into(settings.bounds(name), specs[name], getattr(settings, name), defaults[name])
                     for name in specs}
            if fixed == {name: getattr(settings, name) for name in specs}:
                break
            settings = cls(**fixed)
        return settings

    def changed(self) -> dict[str, Any]:
        """The settings that differ from their defaults (what a link carries)."""
        return {name: getattr(self, name) for name, default in self.defaults().items()
                if getattr(self, name) != default}


def coerce(spec: Spec, value, default):
    """``value`` as the spec's type within its static range, else ``default``."""
    try:
        if spec.kind == "int":
            if isinstance(value, bool) or not float(value).is_integer():
                return default
            return int(min(max(int(value), spec.lo), spec.hi))
        if spec.kind == "float":
            x = float(value)
            return float(min(max(x, spec.lo), spec.hi)) if math.isfinite(x) else default
        if spec.kind == "choice":
            return value if value in spec.options else default
        if spec.kind == "bool":
            return value if isinstance(value, bool) else default
        if spec.kind == "text":
            return value if isinstance(value, str) and len(value) <= MAX_URL_TEXT else default
    except (TypeError, ValueError, OverflowError):
        return default
    raise AssertionError(spec.kind)


def _into(bounds: tuple, spec: Spec, value, default):
    if spec.kind == "choice":
        return value if value in bounds else (default if default in bounds else bounds[0])
    if spec.kind in ("int", "float"):
        lo, hi = bounds
        return type(value)(min(max(value, lo), hi)) if lo <= hi else value
    return value


# --- the lesson link --------------------------------------------------------------------------------

def to_link(spec: Spec, value) -> str:
    """One setting as a URL parameter value."""
    if spec.kind == "bool":
        return "1" if value else "0"
    if spec.kind == "float":
        return repr(float(value)).removesuffix(".0")
    if spec.kind == "text" and spec.matrix:
        rows = [",".join(line.replace(",", " ").split()) for line in value.strip().splitlines()]
        return ";".join(row for row in rows if row)
    return str(value)


def from_link(spec: Spec, raw: str):
    """A URL parameter value back to a setting; ValueError when it is unusable (the caller falls back)."""
    if not isinstance(raw, str) or _CONTROL.search(raw) or len(raw) > MAX_URL_TEXT:
        raise ValueError("unreadable")
    raw = raw.strip()
    if spec.kind == "int":
        if not _INT.fullmatch(raw):
            raise ValueError("not a whole number")
        value = int(raw)
    elif spec.kind == "float":
        if not _FLOAT.fullmatch(raw):
            raise ValueError("not a number")
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError("not finite")
    elif spec.kind == "bool":
        if raw not in ("0", "1", "true", "false"):
            raise ValueError("not on/off")
        return raw in ("1", "true")
    elif spec.kind == "choice":
        if raw not in spec.options:
            raise ValueError("not an option")
        return raw
    else:
        value = "\n".join(" ".join(row.split(",")) for row in raw.split(";")) if spec.matrix else raw
        if spec.check is not None:
            spec.check(value)
        return value
    if not spec.lo <= value <= spec.hi:
        raise ValueError("out of range")
    return value


def read_link(cls: type[Settings], params: dict[str, str]) -> tuple[Settings, list[str]]:
    """Settings from URL parameters, and the names of the parameters that were unusable.

    Unknown parameters are ignored; an unusable one keeps its default (the caller shows one notice).
    """
    specs = cls.specs()
    values, bad = {}, []
    for name, raw in params.items():
        if name not in specs:
            continue
        try:
            values[name] = from_link(specs[name], raw)
        except (ValueError, OverflowError, TypeError):
            bad.append(name)
    settings = cls.build(values)
    bad += [name for name, value in values.items() if getattr(settings, name) != value and name not in bad]
    return settings, bad


def write_link(settings: Settings) -> dict[str, str]:
    """The URL parameters of a settings object: only what differs from the defaults."""
    specs = settings.specs()
    return {name: to_link(specs[name], value) for name, value in settings.changed().items()}
