"""Reading a typed answer and judging it: ``check(question, text) -> Verdict``.

Accepted spellings: ``12``, ``62,958`` / ``62 958`` (thousands grouped), ``0.5``, ``.5``, ``1/2``, ``−3``
(typographic minus); shapes and positions as ``3x3x8``, ``3 × 3 × 8``, ``(3, 3, 8)``, ``[3 3 8]``;
matrices one row per line (see :mod:`cnnviz.matrix_text`); choices by key or by their label in any language.
"""
from __future__ import annotations

import re
from fractions import Fraction

import numpy as np

from ..locales import LANGUAGES, t
from ..matrix_text import parse_matrix
from ..trace import format_number
from .records import Phrase, Question, Verdict

_MINUSES = str.maketrans({"−": "-", "–": "-", "－": "-"})
_GROUPED = re.compile(r"^[+-]?\d{1,3}([, _]\d{3})+$")
MAX_LENGTH = 40
_WHOLE = re.compile(r"[+-]?\d+")
_SEPARATORS = re.compile(r"[\s,;x×X*·]+")


def read_number(text: str) -> Fraction | None:
    """A typed number as an exact fraction, or None when it is not one."""
    s = text.strip().translate(_MINUSES)
    if len(s) > MAX_LENGTH or re.search(r"[eE][+-]?\d{4}", s):  # no answer is that long; keep the arithmetic small
        return None
    if _GROUPED.match(s):
        s = re.sub(r"[, _]", "", s)
    if _WHOLE.fullmatch(s):  # the usual answer: skip Fraction's slower parsing
        return Fraction(int(s))
    parts = s.split("/")
    try:
        if len(parts) == 1:
            return Fraction(parts[0])
        if len(parts) == 2 and Fraction(parts[1]) != 0:
            return Fraction(parts[0]) / Fraction(parts[1])
    except (ValueError, ZeroDivisionError):
        return None
    return None


def read_ints(text: str) -> tuple[int, ...] | None:
    """``3x3x8``, ``(3, 3, 8)``, ``3 × 3 × 8`` … → ``(3, 3, 8)``; None if any part is not a whole number."""
    parts = [p for p in _SEPARATORS.split(text.translate(_MINUSES).strip(" ()[]{}")) if p]
    numbers = [read_number(p) for p in parts]
    if not numbers or any(n is None or n.denominator != 1 for n in numbers):
        return None
    return tuple(int(n) for n in numbers)


def _normal(word: str) -> str:
    return re.sub(r"[\s_\-()]+", "", word.lower())


def _verdict(outcome: str, code: str, parsed=None, **params) -> Verdict:
    return Verdict(outcome, Phrase(f"quiz.verdict.{code}", params), parsed)


def check(question: Question, text: str) -> Verdict:
    """Judge a typed answer against ``question.answer``; never raises on what a student types."""
    if not isinstance(text, str) or not text.strip():
        return _verdict("unreadable", "empty")
    a = question.answer
    if a.form in ("integer", "number"):
        guess = read_number(text)
        if guess is None:
            return _verdict("unreadable", "not_a_number", text=text.strip())
        if a.form == "integer":
            if guess.denominator != 1:
                return _verdict("wrong", "not_whole", guess, guess=text.strip())
            ok = int(guess) == a.value
        else:
            ok = abs(guess - Fraction(a.value)) <= Fraction(a.tolerance) + Fraction(1, 10 ** 12)
        return _verdict("right" if ok else "wrong", "right" if ok else "wrong", guess, guess=text.strip())
    if a.form == "tuple":
        guess = read_ints(text)
        if guess is None:
            return _verdict("unreadable", "not_whole_numbers", text=text.strip())
        if len(guess) != len(a.value):
            return _verdict("unreadable", "count", expected=len(a.value), got=len(guess))
        if guess == a.value:
            return _verdict("right", "right", guess, guess=text.strip())
        if sorted(guess) == sorted(a.value):
            return _verdict("wrong", f"order_{question.kind}", guess, guess=text.strip())
        return _verdict("wrong", "wrong", guess, guess=text.strip())
    if a.form == "matrix":
        try:
            guess = parse_matrix(text.translate(_MINUSES))
        except ValueError:
            return _verdict("unreadable", "not_a_matrix")
        rows, cols = a.value.shape
        if guess.shape != a.value.shape:
            return _verdict("unreadable", "matrix_size", rows=rows, cols=cols, got_rows=guess.shape[0],
                            got_cols=guess.shape[1])
        wrong = int(np.sum(np.abs(guess - a.value) > a.tolerance + 1e-12))
        if wrong == 0:
            return _verdict("right", "right_matrix", guess)
        return _verdict("wrong", "wrong_matrix", guess, wrong=wrong, total=rows * cols)
    key = _normal(text)
    for choice in a.choices:
        names = {_normal(choice)} | {_normal(t(f"quiz.choice.{choice}", lang)) for lang in LANGUAGES}
        if key in names:
            ok = choice == a.value
            return _verdict("right" if ok else "wrong", "right" if ok else "wrong", choice,
                            guess=Phrase(f"quiz.choice.{choice}"))  # the label, in the reader's language
    return _verdict("unreadable", "not_a_choice", text=text.strip())


def written(question: Question, value) -> str:
    """An answer (the exact one, or a parsed guess) as the app writes it: ``12``, ``2.5``, ``28×28×6``, ``2, 3``,
    rows ``1 2; 3 4``, or a choice key. Equal answers write the same, so a poll can count them together."""
    form = question.answer.form
    if form in ("integer", "number"):
        return format_number(float(value))
    if form == "tuple":
        return ("×" if question.kind == "layer_shape" else ", ").join(str(v) for v in value)
    if form == "matrix":
        return "; ".join(" ".join(format_number(v) for v in row) for row in np.asarray(value))
    return str(value)
