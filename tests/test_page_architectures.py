"""The Network architectures page, driven like a user would (AppTest), plus browser checks of the editor."""
import json
import re

import pytest

from cnnviz.layer import conv_vs_dense
from cnnviz.networks import summarize
from ui.common.table_codec import editor_key
from ui.schemas.architectures import preset_text

from tests.conftest import assert_no_exception, error_elements, run_page, screenshot, wait_idle
from tests.test_pages_korean import HANGUL

PAGE = "ui/lessons/architectures.py"
EDITOR = editor_key("arch", "course_example:" + preset_text("course_example"))


def metric(at, label):
    return next(m.value for m in at.metric if m.label.startswith(label))


def layer_table(at):
    return next(d.value for d in at.dataframe if "Layer" in d.value.columns)


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def open_with(**state):
    at = run_page(PAGE, **state)
    assert_no_exception(at)
    return at


def test_default_page_shows_the_course_example_layer_by_layer():
    at = open_with()
    assert metric(at, "Parameters") == "62,958"
    table = layer_table(at)
    conv1 = table[table["Layer"] == "conv1"].iloc[0]
    assert (conv1["Output H×W×C"], conv1["Parameters"], conv1["MACs"]) == ("28×28×8", 608, 28 * 28 * 8 * 75)
    assert table[table["Layer"] == "maxpool2"].iloc[0]["Output H×W×C"] == "5×5×16"
    assert not at.error


def test_bar_charts_show_parameters_and_activation_sizes_per_layer():
    params, activations = charts(open_with())[:2]
    bars = {x: y for trace in params["data"] for x, y in zip(trace["x"], trace["y"])}
    assert bars == {"conv1": 608, "conv2": 3_216, "fc1": 48_120, "fc2": 10_164, "fc3": 850}
    sizes = {x: y for trace in activations["data"] for x, y in zip(trace["x"], trace["y"])}
    assert sizes["conv1"] == 28 * 28 * 8 and sizes["maxpool2"] == 400 and "relu1" not in sizes


@pytest.mark.parametrize("preset, total", [
    ("lenet5", "61,706"), ("lenet5_mnist", "47,154"), ("course_example", "62,958"), ("alexnet", "61,100,840"),
    ("alexnet2012", "60,965,224"), ("vgg16", "138,357,544"), ("googlenet", "6,624,904"),
    ("resnet18", "11,689,512"), ("resnet50", "25,557,032"), ("densenet121", "7,978,856"),
])
def test_every_preset_shows_its_exact_parameter_count(preset, total):
    at = open_with()
    at.selectbox(key="arch.preset").select(preset).run()
    assert_no_exception(at)
    assert metric(at, "Parameters") == total
    assert not at.error


def test_picking_a_preset_loads_its_input_size():
    at = open_with()
    at.selectbox(key="arch.preset").select("lenet5_mnist").run()
    assert [at.number_input(key=f"arch.{k}").value for k in ("channels", "height", "width")] == [1, 28, 28]
    assert layer_table(at).iloc[0]["Output H×W×C"] == "24×24×6"


def test_deep_networks_open_folded_into_top_level_blocks():
    at = open_with()
    at.selectbox(key="arch.preset").select("densenet121").run()
    table = layer_table(at)
    assert "denseblock1" in set(table["Layer"]) and len(table) < 20
    block = table[table["Layer"] == "denseblock3"].iloc[0]
    assert block["Output H×W×C"] == "14×14×1024" and "layers" in block["Type"]
    at.segmented_control(key="arch.view").set_value("blocks").run()
    assert "denseblock1.denselayer6" in set(layer_table(at)["Layer"])
    at.segmented_control(key="arch.view").set_value("all").run()
    assert_no_exception(at)
    assert "denseblock1.denselayer1.new.conv1" in set(layer_table(at)["Layer"])


def test_residual_blocks_show_the_add_rows():
    at = open_with(**{"arch.preset": "resnet18", "arch.channels": 3, "arch.height": 224, "arch.width": 224,
                      "arch.view": "all"})
    table = layer_table(at)
    add = table[table["Layer"] == "layer2.0.add"].iloc[0]
    assert add["Type"] == "Add" and add["Output H×W×C"] == "28×28×128"


def test_too_small_an_input_marks_the_layer_that_cannot_fit_and_keeps_the_rest():
    at = open_with()
    at.selectbox(key="arch.preset").select("alexnet").run()
    at.number_input(key="arch.height").set_value(32).run()
    at.number_input(key="arch.width").set_value(32).run()
    assert_no_exception(at)
    assert len(at.error) == 1
    assert "maxpool3" in at.error[0].value and "larger than the padded input" in at.error[0].value
    table = layer_table(at)
    bad = table[table["Layer"] == "maxpool3"].iloc[0]
    assert bad["Note"].startswith("⚠ pooling window 3 is larger than the padded input 1")
    assert table[table["Layer"] == "fc3"].iloc[0]["Note"] == "not computed"
    assert table[table["Layer"] == "conv5"].iloc[0]["Output H×W×C"] == "1×1×256"


def test_extreme_inputs_do_not_break_the_page():
    at = open_with(**{"arch.preset": "resnet50", "arch.channels": 3, "arch.height": 1, "arch.width": 1})
    assert not at.error  # padding keeps every ResNet layer alive down to 1×1
    assert layer_table(at).iloc[-1]["Output H×W×C"] == "1000"
    at = open_with(**{"arch.preset": "vgg16", "arch.channels": 3, "arch.height": 16, "arch.width": 16})
    assert "block5.maxpool cannot fit" in at.error[0].value  # five 2×2 pools need at least 32×32
    at = open_with(**{"arch.channels": 4096, "arch.height": 4096, "arch.width": 4096})
    assert not at.error
    conv1 = layer_table(at).iloc[0]
    assert conv1["Parameters"] == 8 * 5 * 5 * 4096 + 8 and conv1["Output H×W×C"] == "4092×4092×8"



def test_counts_beyond_64_bits_are_shown_exactly_instead_of_crashing_the_table():
    at = open_with(**{"arch.preset": "densenet121", "arch.channels": 4096, "arch.height": 4096, "arch.width": 4096})
    first = next(r for r in summarize("densenet121", (4096, 4096, 4096)).rows if r.kind == "Conv2d")
    conv = first.layer
    dense = conv_vs_dense(first.input_shape, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                          conv.bias).dense.total
    assert dense >= 2**63  # the case the table could not carry as a number
    table = next(d.value for d in at.dataframe if "" in d.value.columns)
    assert table.iloc[0]["Parameters"] == f"{dense:,}"


def test_edit_mode_shows_the_preset_as_editable_rows_with_results():
    at = open_with(**{"arch.edit": True})
    assert len(at.data_editor) == 1
    assert list(at.data_editor[0].value["type"]) == ["conv", "maxpool", "conv", "maxpool", "flatten", "dense",
                                                    "dense", "dense"]
    results = layer_table(at)
    assert list(results["Output H×W×C"]) == ["28×28×8", "14×14×8", "10×10×16", "5×5×16", "400", "120", "84",
                                             "10"]
    assert metric(at, "Parameters") == "62,958"


def test_a_broken_edit_marks_its_row_and_the_rest_of_the_table_still_shows():
    edits = {"edited_rows": {2: {"kernel": "15"}}, "added_rows": [], "deleted_rows": []}
    at = open_with(**{"arch.edit": True, EDITOR: edits})
    assert len(at.error) == 1 and at.error[0].value.startswith("Row 3: kernel 15 is larger than the padded input 14")
    results = layer_table(at)
    assert list(results["Output H×W×C"])[:2] == ["28×28×8", "14×14×8"]
    assert results.iloc[2]["Note"].startswith("⚠ kernel 15")
    assert list(results["Note"])[3:] == ["not computed"] * 5
    assert metric(at, "Parameters") == "608"
    assert at.session_state[EDITOR]["edited_rows"] == {2: {"kernel": "15"}}  # the edit is kept


def test_zero_channels_and_words_in_number_cells_are_explained():
    at = open_with(**{"arch.edit": True, EDITOR: {"edited_rows": {0: {"out": 0}}, "added_rows": [],
                                                  "deleted_rows": []}})
    assert at.error[0].value.startswith("Row 1: filters must be at least 1, got 0")
    at = open_with(**{"arch.edit": True, EDITOR: {"edited_rows": {1: {"stride": "two"}}, "added_rows": [],
                                                  "deleted_rows": []}})
    assert at.error[0].value.startswith("Row 2: stride must be a whole number, got 'two'")


def test_added_and_deleted_rows_change_the_network():
    edits = {"edited_rows": {}, "deleted_rows": [1, 3],
             "added_rows": [{"type": "dense", "out": 5, "activation": "softmax"}]}
    at = open_with(**{"arch.edit": True, EDITOR: edits})
    assert not at.error
    results = layer_table(at)
    assert list(results["Output H×W×C"]) == ["28×28×8", "24×24×16", "9216", "120", "84", "10", "5"]


def test_branching_networks_cannot_be_edited_as_a_table():
    at = open_with(**{"arch.preset": "googlenet", "arch.channels": 3, "arch.height": 224, "arch.width": 224})
    assert at.toggle(key="arch.edit").disabled
    assert not at.data_editor


@pytest.mark.parametrize("tab, words", [("dense", "**608** parameters instead of **19,273,856**"),
                                        ("stacked", "**28% fewer**"),
                                        ("bottleneck", "**147,456** → **40,960** weights, about **72% fewer**"),
                                        ("grouping", "**60,965,224** (2012) vs **61,100,840**")])
def test_comparisons_show_the_course_numbers(tab, words):
    at = open_with(**{"arch.compare": tab})
    text = " ".join(m.value for m in at.markdown)
    assert words in text


def test_only_the_open_comparison_tab_is_drawn():
    at = open_with(**{"arch.compare": "grouping"})
    text = " ".join(m.value for m in at.markdown)
    assert "(2012) vs" in text and "parameters instead of" not in text and "fewer**" not in text
    grouping = next(d.value for d in at.dataframe if "2012 parameters" in d.value.columns)
    assert list(grouping["Layer"]) == ["conv1", "conv2", "conv3", "conv4", "conv5", "fc1", "fc2", "fc3"]
    assert not [d for d in at.dataframe if "" in d.value.columns]  # no other comparison's table


def test_conv_vs_dense_says_it_needs_a_valid_network_instead_of_showing_another_example():
    at = open_with(**{"arch.edit": True, EDITOR: {"edited_rows": {0: {"out": 0}}, "added_rows": [],
                                                  "deleted_rows": []}})
    text = " ".join(m.value for m in at.markdown)
    assert "parameters instead of" not in text  # no numbers of an unrelated example
    assert any("needs a valid network" in i.value for i in at.info)
    assert any("nothing to chart" in i.value for i in at.info) and not at.get("plotly_chart")


def test_conv_vs_dense_follows_the_edited_first_conv():
    at = open_with(**{"arch.edit": True, EDITOR: {"edited_rows": {0: {"kernel": "3"}}, "added_rows": [],
                                                  "deleted_rows": []}})
    text = " ".join(m.value for m in at.markdown)
    assert f"**{8 * 3 * 3 * 3 + 8:,}** parameters instead of **{3072 * 30 * 30 * 8 + 30 * 30 * 8:,}**" in text


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def test_errors_read_in_korean_with_the_same_numbers():
    edits = {"edited_rows": {2: {"kernel": "15"}}, "added_rows": [], "deleted_rows": []}
    english = open_with(**{"arch.edit": True, EDITOR: edits})
    korean = run_page(PAGE, query={"lang": "ko"}, **{"arch.edit": True, EDITOR: edits})
    assert_no_exception(korean)
    en, ko = english.error[0].value, korean.error[0].value
    assert HANGUL.search(ko) and "larger" not in ko and numbers(ko) == numbers(en)
    small = {"arch.preset": "alexnet", "arch.channels": 3, "arch.height": 32, "arch.width": 32}
    en, ko = open_with(**small).error[0].value, run_page(PAGE, query={"lang": "ko"}, **small).error[0].value
    assert HANGUL.search(ko) and "larger" not in ko and numbers(ko) == numbers(en)


def test_a_broken_table_in_the_link_opens_the_preset_with_a_korean_notice():
    at = run_page(PAGE, query={"lang": "ko", "edit": "1", "layers": "conv,abc"})
    assert_no_exception(at)
    assert metric(at, "파라미터") == "62,958"
    assert any("layers" in c.value and HANGUL.search(c.value) for c in at.caption)


# ------------------------------------------------------------------ real browser
def pick_network(page, title: str) -> None:
    page.locator(".st-key-arch-preset input").click()
    page.keyboard.type(title, delay=20)  # the selectbox filters its options as you type
    page.get_by_role("option", name=title).click(timeout=60_000)
    wait_idle(page)


@pytest.mark.browser
def test_deep_network_views_in_chromium(open_page):
    page = open_page("architectures")
    pick_network(page, "ResNet-50")
    assert page.get_by_text("25,557,032").count() >= 1
    screenshot(page, "architectures-resnet50")
    pick_network(page, "DenseNet-121")
    page.locator(".st-key-arch-view").get_by_text("All layers").click()
    wait_idle(page)
    screenshot(page, "architectures-densenet121-all")
    assert error_elements(page) == []


@pytest.mark.browser
def test_edit_a_cell_in_chromium_marks_the_row(open_page):
    page = open_page("architectures")
    page.locator(".st-key-arch-edit").get_by_text("Edit as a table").click()
    wait_idle(page)
    editor = page.locator("[data-testid='stDataFrame']").first.bounding_box()
    # row 3 (header and rows are 35 px high), "Type" column; two steps right is "Kernel"
    page.mouse.click(editor["x"] + 130, editor["y"] + 35 * 3 + 17)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    page.keyboard.press("Control+A")
    page.keyboard.type("15", delay=30)
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    wait_idle(page)
    errors = error_elements(page)
    assert len(errors) == 1 and "Row 3: kernel 15 is larger than the padded input 14" in errors[0]
    page.get_by_text("What comes out of each row").scroll_into_view_if_needed()
    screenshot(page, "architectures-broken-edit")


def test_the_code_panel_writes_the_preset_as_pytorch_and_keras():
    at = run_page(PAGE, **{"arch.preset": "lenet5_mnist", "arch.channels": 1, "arch.height": 28, "arch.width": 28,
                            "code_panel.open": True})
    assert_no_exception(at)
    code = [c.value for c in at.code if c.language == "python"]
    assert any("nn.Conv2d(1, 6, kernel_size=5)" in c for c in code)
    assert any("keras.Input(shape=(28, 28, 1))" in c for c in code)


def test_predict_first_hides_the_totals_until_the_parameter_count_is_guessed():
    at = run_page(PAGE, **{"arch.predict": True, "arch.preset": "lenet5_mnist", "arch.channels": 1,
                           "arch.height": 28, "arch.width": 28})
    assert_no_exception(at)
    assert not at.metric and not at.get("plotly_chart")
    next(t for t in at.text_input if t.key and t.key.endswith(".answer")).input("47,154")  # the course's LeNet
    next(b for b in at.button if b.label == "Check").click()
    at.run()
    assert_no_exception(at)
    assert at.success and at.metric
