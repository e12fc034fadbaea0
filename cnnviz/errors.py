"""Errors a student can read in their own language.

Every error the engine raises at its public boundary is a :class:`CnnvizError`: still a ``ValueError``
with a readable English message for library users, but also a ``code`` (its text id is ``error.<code>``
in :mod:`cnnviz.locales`) and the ``params`` that fill it, so the app can say the same thing in Korean
with the numbers intact.
"""
from __future__ import annotations

from .locales import t


class Term(str):
    """A word inside a message that is itself translated: ``Term("kernel size")`` → id ``term.kernel_size``."""

    @property
    def text_id(self) -> str:
        return "term." + self.replace(" ", "_")


class Either(tuple):
    """Choices read as one phrase with a translated "or": ``Either(("3×3", "5×5"))`` → "3×3 or 5×5"."""


class CnnvizError(ValueError):
    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def __reduce__(self):  # pickled by st.cache_data: rebuild from code and params, not from the message
        return _rebuild, (type(self), self.code, self.params)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (English when the language lacks it)."""
        params = {k: _term(v, lang) if isinstance(v, (Term, Either)) else v for k, v in self.params.items()}
        return t(f"error.{self.code}", lang, **params)


def _rebuild(cls, code: str, params: dict) -> CnnvizError:
    return cls(code, **params)


def _term(word: Term, lang: str) -> str:
    if isinstance(word, Either):
        return f" {t('term.or', lang)} ".join(word)
    try:
        return t(word.text_id, lang)
    except KeyError:  # a word with no entry yet reads in English rather than failing the message
        return str(word)
