"""The text catalogue: every word the app shows, in English and Korean, as plain data a translator edits.

Files are ``cnnviz/locales/<lang>/<area>.toml``. Each holds text ids and their text; nested tables and
dotted keys are the same thing (``[conv.stride]`` + ``label = "Stride"`` is the id ``conv.stride.label``).
Parameters are named, ``{name}``; messages are phrased so that no grammar depends on a number
("filters: {k}", not "{k} filter(s)"). Adding a language: copy ``en/`` to a new folder, translate,
and add its name to ``LANGUAGES``; tests/test_locales.py checks that every language has every id
with the same parameters.
"""
from __future__ import annotations

import functools
import string
import tomllib
from pathlib import Path

LANGUAGES = {"en": "English", "ko": "한국어"}
DEFAULT = "en"
_HERE = Path(__file__).resolve().parent


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Every id → text of one language (read once per process)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    texts: dict[str, str] = {}
    for path in sorted((_HERE / lang).glob("*.toml")):
        with path.open("rb") as f:
            for key, value in _flatten(tomllib.load(f)).items():
                if key in texts:
                    raise ValueError(f"text id {key!r} is defined twice ({path.name})")
                texts[key] = value
    return texts


def parameters(text: str) -> set[str]:
    """The named parameters a message takes."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def t(text_id: str, lang: str = DEFAULT, **params) -> str:
    """The text ``text_id`` in ``lang``, with its named parameters filled in.

    A language that lacks an id falls back to English; an id no language has is a programming error
    (KeyError), caught by the tests rather than shown to a student.
    """
    texts = catalogue(lang if lang in LANGUAGES else DEFAULT)
    text = texts.get(text_id)
    if text is None:
        text = catalogue(DEFAULT)[text_id]
    return text.format_map(params) if params else text
