"""The "Why convolutions?" page: the course's numbers, the sparsity player, translation, errors in Korean."""
import json

from tests.conftest import assert_no_exception, heatmap_z, player_data, run_page

PAGE = "ui/lessons/why_convolutions.py"


def test_the_default_page_shows_the_course_numbers():
    at = run_page(PAGE, **{"code_panel.open": True})
    assert_no_exception(at)
    assert [m.value for m in at.metric][:2] == ["456", "14,455,392"]
    assert any("6·(5·5·3) + 6 = 456" in c.value and "3,072·4,704 + 4,704 = 14,455,392" in c.value for c in at.code)
    assert any("784" in i.value for i in at.info)  # each weight used at 28·28 positions


def test_the_sparsity_player_steps_over_every_output_cell_with_the_same_kernel():
    at = run_page(PAGE, **{"why.kernel": 3, "why.demo_size": 6})
    data = player_data(at, "why.player")
    assert len(data["payload"]["frames"]) == 16  # (6 − 3 + 1)²
    assert any("reads 9 of the 36" in m.value for m in at.markdown)


def test_translation_view_shows_where_the_maps_agree():
    at = run_page(PAGE, **{"why.view": "translation", "why.kernel": 3, "why.demo_size": 8, "why.shift_rows": 1,
                           "why.shift_cols": 1})
    assert_no_exception(at)
    maps = json.loads(at.get("plotly_chart")[1].proto.spec)["data"]
    assert len(maps) == 4 and heatmap_z(maps[0]).shape == (6, 6)
    assert any("25 of the 25 cells" in m.value for m in at.markdown)  # (6 − 1)² shifted-back cells, all exact


def test_an_impossible_layer_is_explained_in_korean_and_the_views_keep_working():
    english = run_page(PAGE, **{"why.height": 3, "why.kernel": 5, "why.demo_size": 8})
    korean = run_page(PAGE, query={"lang": "ko"}, **{"why.height": 3, "why.kernel": 5, "why.demo_size": 8})
    for at in (english, korean):
        assert_no_exception(at)
        assert len(at.error) == 1
        assert "5" in at.error[0].value and "3" in at.error[0].value
        assert player_data(at, "why.player")["payload"]["frames"]  # the small picture does not depend on the height
    assert "이 크기는 쓸 수 없습니다" in korean.error[0].value


def test_predict_first_hides_the_counts_until_checked():
    at = run_page(PAGE, **{"why.predict": True})
    assert not at.metric
    at.text_input[0].input("456")
    at.button[0].click().run()
    assert_no_exception(at)
    assert at.success and [m.value for m in at.metric][0] == "456"


def test_with_padding_a_corner_cell_reads_only_the_real_inputs_under_its_window():
    at = run_page(PAGE, **{"why.kernel": 3, "why.padding": 1, "why.demo_size": 6})
    assert_no_exception(at)
    assert any("reads 4 of the 36" in m.value for m in at.markdown)  # a 3×3 window at the corner: 2×2 real cells
