"""The dense-as-convolution page: equal scores, the score map, each cell the dense head on its crop."""
import numpy as np

from cnnviz.fcn import example_input, random_head
from tests.conftest import assert_no_exception, chart, heatmap_z, run_page

PAGE = "ui/lessons/dense_as_conv.py"


def _head_on(head, x):
    """The dense head written from its definition: flatten (channels first), dense, ReLU, dense."""
    hidden = np.maximum(x.reshape(-1) @ head.w1 + head.b1, 0)
    return hidden @ head.w2 + head.b2


def test_both_forms_show_the_same_scores_and_parameter_counts():
    at = run_page(PAGE)
    assert_no_exception(at)
    table = at.dataframe[0].value
    assert (table.iloc[:, 0] == table.iloc[:, 1]).all()
    head = random_head(1, 3, 3, 4, 3, 0)
    expected = _head_on(head, example_input((1, 3, 3), 0))
    np.testing.assert_allclose([float(v.replace("−", "-")) for v in table.iloc[:, 0]], expected)
    assert sum("Parameters: 55." in m.value for m in at.markdown) == 2  # 9·4 + 4 + 4·3 + 3


def test_a_larger_input_gives_score_maps_whose_chosen_cell_is_the_head_on_its_crop():
    at = run_page(PAGE, **{"fcn.big_height": 6, "fcn.big_width": 7, "fcn.stride": 2, "fcn.step": 5})
    assert_no_exception(at)
    maps = chart(at, "fcn.scores")["data"]
    assert len(maps) == 3 and heatmap_z(maps[0]).shape == (2, 3)  # ⌊(6−3)/2⌋+1, ⌊(7−3)/2⌋+1
    head, x = random_head(1, 3, 3, 4, 3, 0), example_input((1, 6, 7), 1)
    crop = x[:, 2:5, 2:5]  # cell 5 = row 2, column 2 (1-based): rows 3–5, columns 3–5
    expected = _head_on(head, crop)
    np.testing.assert_allclose([heatmap_z(m)[1, 1] for m in maps], expected)
    assert any("rows 3–5 and columns 3–5" in m.value for m in at.markdown)
    table = at.dataframe[1].value
    assert (table.iloc[:, 0] == table.iloc[:, 1]).all()


def test_korean_page_names_the_same_numbers():
    at = run_page(PAGE, query={"lang": "ko"}, **{"fcn.big_height": 6, "fcn.big_width": 7, "fcn.stride": 2})
    assert_no_exception(at)
    assert any("입력 6×7" in m.value and "2×3" in m.value for m in at.markdown)


def test_predict_first_asks_for_the_map_rows_before_showing_it():
    at = run_page(PAGE, **{"fcn.predict": True, "fcn.big_height": 7})
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("-fcn.scores")]
    at.text_input[0].input("5")
    at.button[0].click().run()
    assert_no_exception(at)
    assert at.success and chart(at, "fcn.scores")
