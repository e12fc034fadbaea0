"""The "Convolution over volumes" page, driven like a user would; numbers checked against references."""
import re

import numpy as np
import pytest

from cnnviz.course import random_filters, random_volume, rgb_picture
from tests import reference
from tests.conftest import (assert_no_exception, chart, heatmap_z, player_data, player_values, predict_check,
                            run_page)

PAGE = "ui/lessons/volumes.py"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def numbers(texts) -> np.ndarray:
    return np.array([float(v.replace("−", "-")) for v in texts])


def shown_maps(at, channels: int, filters: int) -> np.ndarray:
    """The K output maps as the player draws them once every step is written, ``(K, Ho, Wo)``."""
    data = player_data(at, "volumes.player")
    return np.stack([player_values(data, 2 * channels + k) for k in range(filters)])


def expected_output(x, bank, stride, padding) -> np.ndarray:
    pads = ((padding, padding), (padding, padding))
    return reference.conv2d(x[None], bank.w, bank.b, (stride, stride), pads)[0]  # (K, Ho, Wo)


def test_default_is_the_cs231n_demo_with_a_3x3x2_output_equal_to_the_direct_sum():
    at = run_page(PAGE)
    assert_no_exception(at)
    assert not at.error
    assert len(player_data(at, "volumes.player")["payload"]["frames"]) == 3 * 3 * 2
    expected = expected_output(random_volume(0, 3, 5), random_filters(0, 2, 3, 3), stride=2, padding=1)
    np.testing.assert_array_equal(shown_maps(at, 3, 2), expected)
    assert any("output <b>3×3×2</b>" in m.value for m in at.markdown)
    assert random_filters(0, 2, 3, 3).b.tolist() == [1, 0]


def test_each_frame_shows_the_channel_products_their_sums_the_bias_and_the_value_written():
    at = run_page(PAGE)
    frames = player_data(at, "volumes.player")["payload"]["frames"]
    x, bank = random_volume(0, 3, 5), random_filters(0, 2, 3, 3)
    xp = reference.zero_pad(x, ((1, 1), (1, 1)))
    expected = expected_output(x, bank, 2, 1)
    n = 0
    for k in range(2):
        for i in range(3):
            for j in range(3):
                frame = frames[n]
                window = xp[:, 2 * i: 2 * i + 3, 2 * j: 2 * j + 3]  # (C, 3, 3)
                sums = []
                for c in range(3):
                    kernel_grid, texts = frame["updates"][c][:2]
                    assert kernel_grid == 2 * c + 1
                    np.testing.assert_array_equal(numbers(texts), bank.w[k, c].ravel())
                    products = numbers([v for g, _, v in frame["products"] if g == 2 * c])
                    np.testing.assert_array_equal(products, (window[c] * bank.w[k, c]).ravel())
                    sums.append(products.sum())
                value = sum(sums) + bank.b[k]
                assert value == expected[k, i, j]
                assert frame["equation"].endswith(f"= {_num(value)}")
                assert frame["output"] == [6 + k, 3 * i + j]  # the cell written: map k, row i, column j
                padded_w = xp.shape[2]
                assert frame["window"][0][1][0] == 2 * i * padded_w + 2 * j  # the window's top-left on the input
                n += 1


def _num(v) -> str:
    return str(int(v)).replace("-", "−")


def test_parameter_counts_are_labelled_and_match_the_formula():
    at = run_page(PAGE, **{"volumes.filters": 3, "volumes.kernel": 2, "volumes.channels": 4, "volumes.size": 6})
    assert_no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    k, f, c = 3, 2, 4
    assert metrics["Convolution layer"] == f"{k * (f * f * c) + k} parameters"  # 51
    out = (6 + 2 - 2) // 2 + 1  # 4×4 per map, by hand
    n_in, n_out = 6 * 6 * 4, out * out * k
    assert metrics["Dense layer, same input and output sizes"] == f"{n_in * n_out + n_out:,} parameters"
    latex = " ".join(l.value for l in at.latex)
    assert r"\underbrace{3}_{K\text{ filters}}" in latex and r"\underbrace{4}_{C\text{ channels}}" in latex


def test_bottleneck_shows_the_course_numbers_by_default():
    at = run_page(PAGE)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["3×3 conv, 128 → 128"] == "147,456"
    assert metrics["1×1 to 32, then 3×3"] == "40,960"
    assert metrics["Parameters saved"] == f"{1 - 40960 / 147456:.1%}"


def test_bottleneck_follows_its_inputs_and_can_count_biases():
    at = run_page(PAGE, **{"volumes.bn_in": 192, "volumes.bn_reduced": 16, "volumes.bn_out": 32,
                           "volumes.bn_kernel": "5", "volumes.bn_bias": True})
    assert_no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["5×5 conv, 192 → 32"] == f"{5 * 5 * 192 * 32 + 32:,}"
    assert metrics["1×1 to 16, then 5×5"] == f"{192 * 16 + 16 + 5 * 5 * 16 * 32 + 32:,}"
    assert any("120,422,400 directly" in m.value for m in at.markdown)


def test_a_filter_larger_than_the_padded_input_shows_an_error_and_keeps_the_controls():
    at = run_page(PAGE, **{"volumes.size": 3, "volumes.kernel": 5, "volumes.padding": 0})
    assert_no_exception(at)
    assert at.error and "larger than the padded input" in at.error[0].value
    assert at.slider(key="volumes.kernel").value == 5  # what the user chose is kept
    assert at.slider(key="volumes.size").value == 3
    assert len(at.get("plotly_chart")) == 1  # only the bottleneck chart, which does not depend on it
    at.slider(key="volumes.padding").set_value(1).run()  # a fix brings the picture back
    assert not at.error
    assert player_data(at, "volumes.player")["payload"]["frames"]


def test_the_largest_volume_plays_every_cell_and_the_lesson_step_opens_there():
    at = run_page(PAGE, **{"volumes.size": 10, "volumes.channels": 4, "volumes.filters": 4, "volumes.kernel": 1,
                           "volumes.stride": 1, "volumes.padding": 3, "volumes.step": 4 * 16 * 16})
    assert_no_exception(at)
    data = player_data(at, "volumes.player")
    assert data["step"] == len(data["payload"]["frames"]) == 4 * 16 * 16
    assert data["payload"]["frames"][-1]["output"] == [2 * 4 + 3, 16 * 16 - 1]  # map 4, row 16, column 16
    at.slider(key="volumes.size").set_value(3).run()  # a smaller problem: the step stays inside its range
    assert_no_exception(at)
    assert player_data(at, "volumes.player")["step"] == 4 * 9 * 9


def test_rgb_picture_input_has_red_green_blue_channels():
    at = run_page(PAGE, **{"volumes.source": "picture", "volumes.channels": 1})
    assert_no_exception(at)
    assert at.slider(key="volumes.channels").disabled
    data = player_data(at, "volumes.player")
    titles = [g["title"] for g in data["payload"]["grids"]]
    assert {"x · R", "x · G", "x · B"} <= set(titles)
    picture = rgb_picture(5)
    shown = player_values(data, 0)[1:-1, 1:-1]  # the red channel inside its zero padding
    np.testing.assert_array_equal(shown, picture[0])
    expected = expected_output(picture, random_filters(0, 2, 3, 3), 2, 1)
    np.testing.assert_array_equal(shown_maps(at, 3, 2), expected)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "sigmoid", "tanh"])
def test_one_layer_shows_conv_then_bias_then_the_activation(activation):
    at = run_page(PAGE, **{"volumes.activation": activation, "volumes.slope": 0.2})
    assert_no_exception(at)
    fig = chart(at, "volumes.layer")
    x, bank = random_volume(0, 3, 5), random_filters(0, 2, 3, 3)
    conv = expected_output(x, bank, 2, 1) - bank.b[:, None, None]
    g = {"relu": lambda v: np.maximum(v, 0), "leaky_relu": lambda v: np.where(v > 0, v, 0.2 * v),
         "sigmoid": lambda v: 1 / (1 + np.exp(-v)), "tanh": np.tanh}[activation]
    for k in range(2):
        stages = fig["data"][3 * k: 3 * k + 3]
        np.testing.assert_array_equal(heatmap_z(stages[0]), conv[k])
        np.testing.assert_array_equal(heatmap_z(stages[1]), conv[k] + bank.b[k])
        np.testing.assert_allclose(heatmap_z(stages[2]), g(conv[k] + bank.b[k]), rtol=1e-12)
    assert bool(at.get("slider")) and (any(s.key == "volumes.slope" for s in at.slider) == (activation == "leaky_relu"))


def test_extreme_small_settings_run_without_errors():
    at = run_page(PAGE, **{"volumes.size": 3, "volumes.channels": 1, "volumes.filters": 1, "volumes.kernel": 1,
                           "volumes.stride": 3, "volumes.padding": 0, "volumes.seed": 9999,
                           "volumes.bn_in": 1, "volumes.bn_reduced": 1, "volumes.bn_out": 1, "volumes.bn_kernel": "1",
                           "volumes.bn_size": 1})
    assert_no_exception(at)
    assert not at.error
    x, bank = random_volume(9999, 1, 3), random_filters(9999, 1, 1, 1)
    np.testing.assert_array_equal(shown_maps(at, 1, 1), expected_output(x, bank, 3, 0))


def test_a_wider_bottleneck_reports_extra_parameters():
    at = run_page(PAGE, **{"volumes.bn_in": 32, "volumes.bn_reduced": 128, "volumes.bn_out": 32})
    assert_no_exception(at)
    assert "Parameters extra" in {m.label for m in at.metric}


def test_the_largest_bottleneck_inputs_are_counted_exactly():
    at = run_page(PAGE, **{"volumes.bn_in": 4096, "volumes.bn_reduced": 4096, "volumes.bn_out": 4096,
                           "volumes.bn_kernel": "7", "volumes.bn_size": 512, "volumes.bn_bias": True})
    assert_no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["7×7 conv, 4096 → 4096"] == f"{7 * 7 * 4096 * 4096 + 4096:,}"
    assert any(f"{7 * 7 * 4096 * 4096 * 512 * 512:,} directly" in m.value for m in at.markdown)


def _numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d+", text))


def test_an_impossible_lesson_link_reads_in_korean_with_the_same_numbers_as_in_english():
    link = {"size": "3", "kernel": "5", "padding": "0"}  # a 5×5 filter on a 3×3 input without padding
    en, ko = (run_page(PAGE, query=link | {"lang": lang}) for lang in ("en", "ko"))
    for at in (en, ko):
        assert_no_exception(at)
        assert len(at.error) == 1
        assert chart(at, "volumes.bottleneck")  # the part that does not depend on it keeps working
    english, korean = en.error[0].value, ko.error[0].value
    assert "larger than the padded input 3 + 2·0 = 3" in english
    assert HANGUL.search(korean) and not re.search(r"[A-Za-z]{3,}", korean)
    assert _numbers(korean) == _numbers(english) and "5" in _numbers(korean)


def test_a_broken_link_value_gets_a_korean_notice_naming_the_parameter():
    at = run_page(PAGE, query={"lang": "ko", "size": "banana", "bn_kernel": "4"})
    assert_no_exception(at)
    notice = next(c.value for c in at.caption if "size" in c.value)
    assert HANGUL.search(notice) and "bn_kernel" in notice
    assert at.slider(key="volumes.size").value == 5  # the default


def test_changing_the_activation_redraws_the_layer_and_writes_the_link():
    at = run_page(PAGE)
    before = chart(at, "volumes.layer")
    at.radio(key="volumes.activation").set_value("tanh").run()
    assert_no_exception(at)
    after = chart(at, "volumes.layer")
    np.testing.assert_array_equal(heatmap_z(after["data"][1]), heatmap_z(before["data"][1]))  # z + b unchanged
    np.testing.assert_allclose(heatmap_z(after["data"][2]), np.tanh(heatmap_z(before["data"][1])), rtol=1e-12)
    assert at.query_params["activation"] == "tanh"


def test_the_code_panel_shows_the_volume_its_filters_and_the_activation():
    at = run_page(PAGE, **{"volumes.activation": "leaky_relu", "volumes.slope": 0.2, "code_panel.open": True})
    assert_no_exception(at)
    code = [c.value for c in at.code if c.language == "python"]
    torch_code = next(c for c in code if "F.conv2d" in c)
    assert "stride=2, padding=1" in torch_code and "0.2" in torch_code
    assert str(random_filters(0, 2, 3, 3).b.tolist()).replace(".0", "") in torch_code.replace(".0", "")
    assert any("keras" in c for c in code)


def test_predict_first_hides_the_layer_until_its_parameter_count_is_guessed():
    at = run_page(PAGE, **{"volumes.predict": True})
    assert_no_exception(at)
    from cnnviz.locales import t

    assert not at.get("bidi_component")  # no player
    counts = {t("volumes.params.conv"), t("volumes.params.dense")}
    assert not [m for m in at.metric if m.label in counts]  # no parameter counts of this layer
    assert chart(at, "volumes.bottleneck")  # the bottleneck calculator does not give it away
    at = predict_check(at, str(2 * (3 * 3 * 3) + 2))  # by hand: 2 filters of 3×3×3 weights, one bias each
    assert_no_exception(at)
    assert at.success and player_data(at, "volumes.player")


def test_the_predict_question_reads_in_korean_with_the_same_numbers():
    state = {"volumes.predict": True, "volumes.filters": 4, "volumes.kernel": 5, "volumes.source": "picture"}
    english, korean = run_page(PAGE, **state), run_page(PAGE, query={"lang": "ko"}, **state)
    assert any("4 filters of 5×5 reads 3 input channels" in m.value for m in english.markdown)
    assert any("5×5 필터 4개" in m.value and "입력 채널 3개" in m.value for m in korean.markdown)
