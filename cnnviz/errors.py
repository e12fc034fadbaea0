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


class CnnvizError(ValueError):
    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def __reduce__(self):  # pickled by caches: keep the code and parameters, not only the English text
        return _rebuild, (self.code, self.params)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (English when the language lacks it)."""
        params = {k: _term(v, lang) if isinstance(v, Term) else v for k, v in self.params.items()}
        return t(f"error.{self.code}", lang, **params)


def _term(word: Term, lang: str) -> str:
    try:
        return t(word.text_id, lang)
    except KeyError:  # a word with no entry yet reads in English rather than failing the message
        return str(word)


def _rebuild(code: str, params: dict) -> CnnvizError:
    return CnnvizError(code, **params)
