"""The layer table travels in the lesson link: encode → decode is the identity, garbage is refused."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from ui.common.schema import read_link
from ui.common.table_codec import MAX_ROWS, TableCodec
from ui.schemas.architectures import ARCH_CODEC, ArchSettings
from ui.schemas.layer_chain import CHAIN_CODEC, ChainSettings

CELL = st.none() | st.text(st.characters(blacklist_characters=";,", blacklist_categories=("Cc", "Zs", "Zl", "Zp",
                                                                                             "Cs")),
                           min_size=1, max_size=16)
NUMBER = st.none() | st.integers(-10**6, 10**6) | st.decimals(-1000, 1000, places=3).map(float)


def tables(codec: TableCodec):
    row = st.fixed_dictionaries({c: NUMBER if c in codec.numbers else CELL for c in codec.columns})
    return st.lists(row, max_size=MAX_ROWS)


@pytest.mark.parametrize("codec", [CHAIN_CODEC, ARCH_CODEC], ids=["chain", "arch"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_encode_then_decode_gives_back_the_cleaned_table(codec, data):
    rows = codec.clean(data.draw(tables(codec)))
    assert codec.decode(codec.encode(rows)) == rows


@pytest.mark.parametrize("codec", [CHAIN_CODEC, ARCH_CODEC], ids=["chain", "arch"])
@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_garbage_either_is_refused_or_decodes_to_a_table_that_encodes_back_to_it(codec, text):
    try:
        rows = codec.decode(text)
    except ValueError:
        return
    assert codec.encode(rows) == text or codec.decode(codec.encode(rows)) == rows


def test_cleaning_keeps_what_the_engine_must_explain_and_drops_what_cannot_travel():
    rows = CHAIN_CODEC.clean([{"type": " conv ", "out": 0, "kernel": "3 x 5", "stride": "1,2", "padding": float("nan")},
                              {"type": "maxpool", "out": "many", "kernel": "2;", "stride": None}])
    assert rows == [{"type": "conv", "out": 0, "kernel": "3x5", "stride": "1x2", "padding": None},
                    {"type": "maxpool", "out": None, "kernel": "2", "stride": None, "padding": None}]


def test_a_blank_row_stays_a_row():
    blank = dict.fromkeys(CHAIN_CODEC.columns)
    assert CHAIN_CODEC.decode(CHAIN_CODEC.encode([blank, blank])) == [blank, blank]


@pytest.mark.parametrize("schema", [ChainSettings, ArchSettings])
@pytest.mark.parametrize("raw", ["conv,1,2,3,4,5,6,7,8,9", "conv,abc", "x;" * 70, "conv,\x00", "conv,1e5"])
def test_a_broken_table_in_a_link_falls_back_to_the_default_and_is_named(schema, raw):
    settings, bad = read_link(schema, {"layers": raw})
    assert bad == ["layers"] and settings.layers == schema().layers
