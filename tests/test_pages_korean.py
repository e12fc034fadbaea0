"""With ?lang=ko every word a page shows is Korean: no English sentence slips past the catalogue."""
from __future__ import annotations

import json
import re

import pytest

from ui.common.menu import HOME
from ui.schemas import SCHEMAS
from tests.conftest import assert_no_exception, run_page, sent_to_player

# Terms the Korean course notes keep in Latin letters, units and code words.
KEPT = {"ReLU", "Leaky", "Sigmoid", "Tanh", "Sobel", "Scharr", "Prewitt", "Roberts", "Laplacian", "MNIST", "LeNet",
        "AlexNet", "VGG", "GoogLeNet", "ResNet", "DenseNet", "valid", "same", "full", "Max", "Average", "Min",
        "Pooling", "Sharpen", "Dense", "Flatten", "Conv", "Conv2D", "PyTorch", "Keras", "TensorFlow", "GIF", "PNG",
        "CNN", "MLP", "Adam", "SGD", "cnnviz", "Dropout", "BatchNorm", "Gx", "Gy", "MAC", "MACs", "ceil", "floor",
        "lang", "ko", "en", "English", "Deconvolution", "FCN", "Redis", "URL", "npz", "py", "Softmax",
        "max", "min"}  # pooling's equations write max(…) and min(…) as functions
HANGUL = re.compile(r"[\uac00-\ud7a3]")
WORD = re.compile(r"[A-Za-z]{2,}")
TAGS = re.compile(r"<[^>]+>|`[^`]*`|\$[^$]*\$|\*\*|###|##")


def english_words(text: str) -> list[str]:
    """Latin words of two letters or more that are not kept terms, in a text with no Hangul."""
    text = TAGS.sub(" ", text)
    if HANGUL.search(text):
        return []
    return [w for w in WORD.findall(text) if w not in KEPT]


def shown_texts(at) -> list[str]:
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success",
                 "exception"):
        texts += [e.value for e in getattr(at, kind) if isinstance(e.value, str)]
    widgets = ("number_input", "text_area", "text_input", "selectbox", "radio", "toggle", "slider", "checkbox",
               "multiselect", "select_slider", "button")
    for kind in widgets:
        for w in getattr(at, kind):
            texts += [w.label, w.help or ""]
            texts += [str(o) for o in getattr(w, "options", [])]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = spec.get("layout", {})
        texts += [a.get("text", "") for a in layout.get("annotations", [])]
        texts += [str(layout.get(k, {}).get("title", {}).get("text", "")) for k in layout if k.startswith(("xaxis", "yaxis"))]
        texts += [str(layout.get("title", {}).get("text", ""))] if isinstance(layout.get("title"), dict) else []
        texts += [b.get("label", "") for m in layout.get("updatemenus", []) for b in m.get("buttons", [])]
        texts += [t.get("name", "") for t in spec.get("data", []) if isinstance(t.get("name"), str)]
    for player in at.get("bidi_component"):
        if player.proto.component_name == "cnnviz.player":
            shown = sent_to_player(player)["payload"]
            texts += [g["title"] for g in shown["grids"]] + [shown["caption"]] + list(shown["words"].values())
    return [t for t in texts if t]


@pytest.mark.parametrize("path", [HOME] + sorted(SCHEMAS))
def test_every_text_on_the_page_is_korean(path):
    at = run_page(path, query={"lang": "ko"})
    assert_no_exception(at)
    texts = shown_texts(at)
    assert len(texts) > 5
    leaks = {t: english_words(t) for t in texts if english_words(t)}
    assert leaks == {}


@pytest.mark.parametrize("path", sorted(SCHEMAS))
def test_switching_language_keeps_every_setting(path):
    schema = SCHEMAS[path]
    at = run_page(path, **{f"{schema.PAGE}.{k}": v for k, v in schema.SAMPLE.items()})
    at.session_state["app.lang"] = "ko"
    at.run()
    assert_no_exception(at)
    for name, value in schema.SAMPLE.items():
        assert at.session_state[f"{schema.PAGE}.{name}"] == value, name
    assert at.query_params["lang"] == "ko"
    assert HANGUL.search(at.title[0].value)


def test_the_checker_catches_english():
    assert english_words("Output size 4 × 4") == ["Output", "size"]
    assert english_words("**출력 크기** 4 × 4") == []
    assert english_words("Sobel x, valid") == []
