"""The records a quiz is made of: phrases (a text id + parameters), answers, worked solutions, verdicts.

Everything is plain data, so a question translates (its words are text ids in ``cnnviz/locales/*/quiz.toml``),
a page can draw it, and a test can recompute it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..locales import t
from ..trace import format_number

FORMS = ("integer", "number", "tuple", "matrix", "choice")


@dataclass(frozen=True)
class Phrase:
    """A sentence to show: its text id and named parameters (numbers, strings, phrases, tuples of phrases)."""

    text_id: str
    params: dict = field(default_factory=dict)


def say(phrase: Phrase, lang: str = "en") -> str:
    """``phrase`` in ``lang`` with every parameter written out (nested phrases in the same language)."""
    return t(phrase.text_id, lang, **{k: _word(v, lang) for k, v in phrase.params.items()})


def _word(value, lang: str) -> str:
    if isinstance(value, Phrase):
        return say(value, lang)
    if isinstance(value, tuple) and all(isinstance(v, Phrase) for v in value):
        return " → ".join(say(v, lang) for v in value)
    if isinstance(value, (float, np.floating)):
        return format_number(value)
    return str(value)


@dataclass(frozen=True)
class Answer:
    """The exact answer and how a typed guess is compared with it.

    ``form``: ``integer`` (exact), ``number`` (within ``tolerance``; fractions such as ``1/2`` accepted),
    ``tuple`` (whole numbers in order, e.g. a shape H×W×C or a (row, column) position), ``matrix`` (every
    entry within ``tolerance``) or ``choice`` (one of ``choices``, text ids ``quiz.choice.<key>``).
    """

    form: str
    value: object  # int | float | tuple[int, ...] | np.ndarray (rows, cols) | str
    tolerance: float = 0.0
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Worked:
    """The worked solution: what to do in words, the substituted arithmetic, and the trace records behind it.

    Every formula reads ``expression = … = value``; each side evaluates to the same number and the last
    formula's value is the answer (for ``tuple`` / ``matrix`` answers, one formula per number).
    """

    explain: Phrase
    formulas: tuple[str, ...]
    steps: tuple = ()  # ConvStep / PoolStep records: the window, the kernel and the products


@dataclass(frozen=True)
class Question:
    """One question. ``seed`` and ``level`` are None for a question a page built from its own settings."""

    kind: str
    seed: int | None
    level: int | None
    prompt: Phrase
    answer: Answer
    worked: Worked
    data: dict = field(default_factory=dict)  # arrays a figure draws: input "x", kernel "w", "image", "map" …

    @property
    def hint(self) -> Phrase:
        """How to type the answer (the tolerance stated, when there is one)."""
        a = self.answer
        if a.form in ("number", "matrix"):
            return Phrase(f"quiz.hint.{a.form}", {"tolerance": a.tolerance})
        if a.form == "tuple":
            return Phrase(f"quiz.hint.{self.kind}")
        return Phrase(f"quiz.hint.{a.form}")


@dataclass(frozen=True)
class Verdict:
    """The result of :func:`cnnviz.quiz.check`: ``outcome`` is ``right``, ``wrong`` or ``unreadable``."""

    outcome: str
    message: Phrase
    guess: object = None  # the parsed guess (None when unreadable)

    @property
    def right(self) -> bool:
        return self.outcome == "right"
