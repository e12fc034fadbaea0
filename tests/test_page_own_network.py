"""The "Your own network" page, driven like a user would (AppTest)."""
from __future__ import annotations

import json

from cnnviz.networks.code_examples import example_code
from tests.conftest import assert_no_exception, run_page

PAGE = "ui/lessons/own_network.py"


def metric(at, label):
    return next(m.value for m in at.metric if m.label.startswith(label))


def frame(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_course_keras_lenet_shows_47154_parameters_and_every_shape():
    at = run_page(PAGE)
    assert_no_exception(at)
    assert metric(at, "Trainable parameters") == "47,154"
    keras = frame(at, "Layer (type)")
    assert keras["Layer (type)"].tolist()[:2] == ["conv2d (Conv2D)", "average_pooling2d (AveragePooling2D)"]
    assert keras["Output Shape"].tolist() == ["(None, 24, 24, 6)", "(None, 12, 12, 6)", "(None, 8, 8, 16)",
                                              "(None, 4, 4, 16)", "(None, 256)", "(None, 128)", "(None, 84)",
                                              "(None, 10)"]
    course = frame(at, "Output H×W×C")
    assert course["Output H×W×C"].tolist()[:2] == ["24×24×6", "12×12×6"]
    assert any("Total params:** 47,154" in m.value for m in at.markdown)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert [bar for bar in charts[0]["data"] if bar.get("type") == "bar"]


def test_the_network_is_written_back_as_pytorch_and_keras_code():
    at = run_page(PAGE, **{"code_panel.open": True})
    codes = [c.value for c in at.code]
    assert any("nn.Conv2d(1, 6, kernel_size=5)" in c for c in codes)
    assert any("layers.Conv2D(6, 5, padding='valid', activation='relu')" in c for c in codes)


def test_pasted_pytorch_code_takes_the_input_fields():
    source = "model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.MaxPool2d(2))"
    at = run_page(PAGE, **{"own.code": source, "own.channels": 3, "own.height": 10, "own.width": 6})
    assert_no_exception(at)
    assert metric(at, "Output") == "5×3×8"
    assert metric(at, "Trainable parameters") == f"{3 * 9 * 8 + 8:,}"
    assert frame(at, "Layer (type)")["Output Shape"].tolist()[0] == "[-1, 8, 10, 6]"


def test_picking_an_example_loads_its_code():
    at = run_page(PAGE)
    at.selectbox(key="own.example").select("torch_vgg_block").run()
    assert_no_exception(at)
    assert at.text_area(key="own.code").value == example_code("torch_vgg_block")
    assert metric(at, "Trainable parameters") == "38,848"
    assert metric(at, "Non-trainable") == "128"


def test_the_layer_that_cannot_fit_is_pointed_at_in_the_code():
    at = run_page(PAGE, query={"example": "keras_does_not_fit"})
    assert_no_exception(at)
    assert at.text_area(key="own.code").value == example_code("keras_does_not_fit")
    error = at.error[0].value
    assert "conv2d_2" in error and "line 11, column 5" in error and "4×4×16" in error
    assert any("  11 |     layers.Conv2D(32, 5" in c.value and "^" in c.value for c in at.code)


def test_code_that_cannot_be_read_is_refused_with_its_line_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    source = f"model = Sequential([Dense(3)])\nopen({str(marker)!r}, 'w')\n"
    at = run_page(PAGE, **{"own.code": source})
    assert_no_exception(at)
    assert "line 2, column 1" in at.error[0].value and "open" in at.error[0].value
    assert not marker.exists()


def test_errors_read_in_korean():
    at = run_page(PAGE, query={"lang": "ko"}, **{"own.code": "for i in range(3):\n    pass\n"})
    assert_no_exception(at)
    assert "1행 1열" in at.error[0].value and "반복문" in at.error[0].value


def test_an_uploaded_file_replaces_the_code_and_a_bad_one_says_why():
    at = run_page(PAGE)
    good = b"import torch.nn as nn\n# input: 1x8x8\nmodel = nn.Sequential(nn.Conv2d(1, 2, 3))\n"
    at.get("file_uploader")[0].set_value(("model.py", good, "text/x-python")).run()
    assert_no_exception(at)
    assert metric(at, "Output") == "6×6×2"
    at.get("file_uploader")[0].set_value(("model.py", b"\xff\xfe\x00garbage", "text/x-python")).run()
    assert_no_exception(at)
    assert any("not UTF-8 text" in e.value for e in at.error)
    assert metric(at, "Output") == "6×6×2"  # the code stays as it was
    at.get("file_uploader")[0].set_value(("big.py", b"# x\n" * 60_000, "text/x-python")).run()
    assert any("at most 50000" in e.value for e in at.error)


def test_a_huge_paste_is_refused_without_echoing_it():
    at = run_page(PAGE, **{"own.code": "x" * 200_000})
    assert_no_exception(at)
    assert "at most 50000" in at.error[0].value
    assert all(len(c.value) < 2_000 for c in at.code)


def test_a_long_line_is_shown_around_the_refused_column():
    source = "model = Sequential([" + "Dense(3), " * 30 + "Dense(n)])"
    at = run_page(PAGE, **{"own.code": source})
    excerpt = next(c.value for c in at.code if "^" in c.value)
    shown, caret = excerpt.splitlines()[:2]
    assert len(shown) < 120 and shown[caret.index("^")] == "n"
