"""The text catalogue: every language has every id, with the same parameters; engine errors translate."""
from __future__ import annotations

import pytest

import cnnviz
from cnnviz.errors import CnnvizError
from cnnviz.locales import DEFAULT, LANGUAGES, catalogue, parameters, t


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != DEFAULT])
def test_every_language_has_the_same_ids_as_english(lang):
    english, other = catalogue(DEFAULT), catalogue(lang)
    assert sorted(set(english) - set(other)) == []
    assert sorted(set(other) - set(english)) == []


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != DEFAULT])
def test_every_message_takes_the_same_parameters_in_every_language(lang):
    english, other = catalogue(DEFAULT), catalogue(lang)
    wrong = {key: (parameters(english[key]), parameters(other[key]))
             for key in english if key in other and parameters(english[key]) != parameters(other[key])}
    assert wrong == {}


def test_no_message_uses_positional_or_formatted_parameters():
    for lang in LANGUAGES:
        for key, text in catalogue(lang).items():
            for name in parameters(text):
                assert name.isidentifier(), (lang, key, name)


def test_engine_error_carries_code_and_parameters_and_reads_in_korean():
    with pytest.raises(CnnvizError) as info:
        cnnviz.conv_output_size(3, 5, 1, 0)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.code == "window_too_large"
    assert str(err) == "kernel 5 is larger than the padded input 3 + 2·0 = 3"
    korean = err.message("ko")
    assert "커널" in korean and "3 + 2·0 = 3" in korean and "5" in korean


def test_terms_inside_messages_are_translated():
    with pytest.raises(CnnvizError) as info:
        cnnviz.conv_output_size(3, 2.5, 1, 0)
    assert str(info.value).startswith("kernel size must be a whole number")
    assert info.value.message("ko").startswith("커널 크기")


def test_unknown_language_falls_back_to_english():
    assert t("term.stride", "xx") == t("term.stride", "en") == "stride"


def test_every_error_code_raised_in_the_engine_has_a_message():
    import re
    from pathlib import Path

    root = Path(cnnviz.__file__).parent
    codes = {code for path in root.rglob("*.py")
             for code in re.findall(r'CnnvizError\(\s*"(\w+)"', path.read_text(encoding="utf-8"))}
    assert codes, "the scan found no error codes at all"
    missing = sorted(code for code in codes if f"error.{code}" not in catalogue(DEFAULT))
    assert missing == []


def test_every_term_passed_as_a_literal_in_the_engine_has_a_term_entry():
    import re
    from pathlib import Path

    from cnnviz.errors import Term

    # Term("…") itself, and the helpers that wrap their first argument (or window=) in a Term
    pattern = re.compile(r'(?<![\w.])(?:Term|check_int|pair|as_numeric)\(\s*"([^"]+)"|\bwindow="([^"]+)"')
    root = Path(cnnviz.__file__).parent
    words = {a or b for path in root.rglob("*.py") for a, b in pattern.findall(path.read_text(encoding="utf-8"))}
    assert {"kernel size", "padding mode", "pooling window"} <= words, "the scan missed known words"
    for lang in LANGUAGES:
        missing = sorted(word for word in words if Term(word).text_id not in catalogue(lang))
        assert missing == [], lang


def test_every_text_id_is_used_somewhere():
    """An id is used when the code names it, builds it from a named prefix (``tr(f"conv.input.{k}")``), or
    derives it: schema labels, menu entries, error codes and the words inside errors."""
    import re
    from pathlib import Path

    from ui.common.menu import PAGES
    from ui.schemas import SCHEMAS

    root = Path(cnnviz.__file__).parent.parent
    files = [*(root / "cnnviz").rglob("*.py"), *(root / "ui").rglob("*.py"), root / "app.py"]
    source = "\n".join(p.read_text(encoding="utf-8") for p in files)
    named = set(re.findall(r'["\']([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)+)["\']', source))
    prefixes = tuple(set(re.findall(r'f["\']([a-z_][a-z0-9_.]*)\{', source)))
    derived = {f"{schema.PAGE}.{name}." for schema in SCHEMAS.values() for name in schema.specs()}
    derived |= {f"error.{code}" for code in re.findall(r'(?:CnnvizError|ImageError)\(\s*"(\w+)"', source)}
    menu = {text_id for p in PAGES for text_id in (p.title_id, p.blurb_id, f"nav.group.{p.group}")}
    unused = sorted(i for i in catalogue(DEFAULT) if i not in named and i not in menu and not i.startswith("term.")
                    and not i.startswith(prefixes) and not i.startswith(tuple(derived)) and i not in derived)
    assert unused == []
