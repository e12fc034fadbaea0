"""Layer-chain calculator: presets, edits through the table, the first layer that cannot fit, extremes."""
import re

import pytest

from cnnviz.networks import AvgPool2d, Conv2d, Sequential, summarize
from ui.common.table_codec import editor_key
from ui.schemas.layer_chain import example_text
from tests.conftest import assert_no_exception, run_page
from tests.test_pages_korean import HANGUL

PAGE = "ui/lessons/layer_chain.py"
KEY = "chain."


def flow(at) -> str:
    return next(m.value for m in at.markdown if "font-size:2rem" in m.value)


def results(at) -> list[dict]:
    return at.dataframe[1].value.to_dict("records")  # [0] is the editable table


def edit(at, preset: str, edited_rows=None, added_rows=(), deleted_rows=()):
    at.session_state[editor_key("chain", example_text(preset))] = {"edited_rows": edited_rows or {},
                                                                   "added_rows": list(added_rows),
                                                                   "deleted_rows": list(deleted_rows)}
    return at.run()


def test_lenet_default_shows_32_28_14_10_5_1_with_receptive_fields():
    at = run_page(PAGE)
    assert_no_exception(at)
    assert not at.error
    assert "32 → 28 → 14 → 10 → 5 → 1" in flow(at)
    lenet = summarize(Sequential([Conv2d(6, 5), AvgPool2d(2), Conv2d(16, 5), AvgPool2d(2), Conv2d(120, 5)]),
                      (1, 32, 32))
    rows = results(at)
    assert [r["Output H×W×C"] for r in rows] == [f"{h}×{w}×{c}" for c, h, w in (r.output_shape for r in lenet.rows)]
    assert [r["Receptive field"] for r in rows] == [f"{r.rf.size[0]} × {r.rf.size[1]}" for r in lenet.rows]
    # by hand: 5, then +1 (pool 2 at jump 1), +4·2 (conv 5 at jump 2), +1·4 (pool 2 at jump 4), +4·4 (conv 5)
    assert [r["Receptive field"] for r in rows] == ["5 × 5", "6 × 6", "14 × 14", "16 × 16", "32 × 32"]
    assert rows[2]["Height"] == "(14 − 5) + 1 = 9 + 1 = 10"
    assert rows[2]["Parameters"] == "2,416"  # 16·(5·5·6) + 16


def test_too_deep_preset_names_the_first_layer_that_cannot_fit():
    at = run_page(PAGE)
    at.selectbox(key=KEY + "preset").set_value("too_deep").run()
    assert_no_exception(at)
    assert at.number_input(key=KEY + "height").value == 28
    assert "28 → 24 → 12 → 8 → 4" in flow(at)
    assert len(at.error) == 1
    assert "Layer 5 cannot work: kernel 5 is larger than the padded input 4" in at.error[0].value
    rows = results(at)
    assert rows[4]["Output H×W×C"] == "cannot fit" and rows[5]["Output H×W×C"] == "—"


def test_editing_a_kernel_changes_every_size_after_it():
    at = run_page(PAGE)
    edit(at, "lenet", edited_rows={0: {"kernel": "3"}})
    assert_no_exception(at)
    assert "32 → 30 → 15 → 11 → 5 → 1" in flow(at)


def test_a_bad_cell_is_reported_in_words_and_the_table_stays():
    at = run_page(PAGE)
    edit(at, "lenet", edited_rows={1: {"stride": "two"}})
    assert_no_exception(at)
    assert len(at.error) == 1 and "Layer 2 cannot work" in at.error[0].value and "'two'" in at.error[0].value
    assert "32 → 28" in flow(at)
    assert len(at.dataframe) == 2


def test_added_rows_extend_the_chain():
    at = run_page(PAGE)
    edit(at, "lenet", added_rows=[{"type": "conv", "out": 10, "kernel": "1"}])
    assert_no_exception(at)
    assert "→ 5 → 1 → 1" in flow(at)
    assert results(at)[-1]["Receptive field"] == "32 × 32"  # LeNet's C5 already sees the whole 32×32 input


@pytest.mark.parametrize("height, width", [(1, 1), (4096, 4096), (7, 300)])
def test_extreme_input_sizes_never_raise(height, width):
    at = run_page(PAGE, **{KEY + "height": height, KEY + "width": width})
    assert_no_exception(at)
    if height < 12:
        assert at.error
    else:
        assert "→" in flow(at)


def test_empty_table_shows_only_the_input():
    at = run_page(PAGE)
    edit(at, "lenet", deleted_rows=[0, 1, 2, 3, 4])
    assert_no_exception(at)
    assert not at.error
    assert flow(at).endswith(">32</div>")


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def test_an_impossible_layer_reads_in_korean_with_the_same_numbers():
    state = {KEY + "preset": "too_deep", KEY + "layers": example_text("too_deep"), KEY + "height": 28, KEY + "width": 28}
    english = run_page(PAGE, **state)
    korean = run_page(PAGE, query={"lang": "ko"}, **state)
    assert_no_exception(korean)
    en, ko = english.error[0].value, korean.error[0].value
    assert "Layer 5 cannot work: kernel 5 is larger than the padded input 4 + 2·0 = 4" in en
    assert HANGUL.search(ko) and "larger" not in ko
    assert numbers(ko) == numbers(en)


def test_a_word_in_a_number_cell_reads_in_korean():
    at = run_page(PAGE, query={"lang": "ko"}, **{KEY + "layers": "conv,6,5,two,0"})
    assert_no_exception(at)
    assert HANGUL.search(at.error[0].value) and "'two'" in at.error[0].value and "whole" not in at.error[0].value


def test_a_broken_table_in_the_link_shows_the_default_and_names_the_parameter_in_korean():
    at = run_page(PAGE, query={"lang": "ko", "layers": "conv,6,5;;;\x00"})
    assert_no_exception(at)
    assert "32 → 28 → 14 → 10 → 5 → 1" in flow(at)
    assert any("layers" in c.value and HANGUL.search(c.value) for c in at.caption)


def test_empty_cells_are_blank_not_none():
    rows = results(run_page(PAGE, **{KEY + "preset": "too_deep", KEY + "layers": example_text("too_deep"),
                                     KEY + "height": 28, KEY + "width": 28}))
    assert all(value is not None and value != "None" for row in rows for value in row.values())


def test_an_unknown_layer_type_reads_in_korean():
    at = run_page(PAGE, query={"lang": "ko"}, **{KEY + "layers": "conv,6,5,1,0;pool3d,,2"})
    assert_no_exception(at)
    message = at.error[0].value
    assert message.startswith("2번째 층") and "'pool3d'" in message and "unknown" not in message


def test_the_code_panel_writes_the_chain_as_pytorch_and_keras():
    at = run_page(PAGE, **{"code_panel.open": True})
    assert_no_exception(at)
    code = [c.value for c in at.code if c.language == "python"]
    torch_code = next(c for c in code if "nn.Sequential" in c)
    assert "nn.Conv2d(1, 6, kernel_size=5)" in torch_code and "nn.AvgPool2d(2)" in torch_code
    assert any("keras.Input(shape=(32, 32, 1))" in c for c in code)


def test_predict_first_hides_the_table_until_the_parameter_count_is_guessed():
    at = run_page(PAGE, **{"chain.predict": True, "code_panel.open": True})
    assert_no_exception(at)
    assert not [c for c in at.code if c.language == "python"] and not [d for d in at.dataframe
                                                                          if d.proto.id.endswith("chain.results")]
    # by hand, the course's LeNet chain on 1×32×32: conv 6 of 5×5 → 6·25 + 6 = 156, conv 16 of 6×5×5 → 2,416,
    # conv 120 of 16×5×5 → 120·400 + 120 = 48,120; the pools have none
    next(t for t in at.text_input if t.key and t.key.endswith(".answer")).input("50692")
    next(b for b in at.button if b.label == "Check").click()
    at.run()
    assert_no_exception(at)
    assert at.success and any("156 + 2,416 + 48,120 = 50,692" in c.value for c in at.code)
