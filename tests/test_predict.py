"""The "Predict first" flow as a concept page uses it: a question built from the page's settings, hidden
until a readable guess is checked, then the verdict and the worked solution."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import assert_no_exception


def _page():
    import numpy as np
    import streamlit as st

    from cnnviz.quiz import conv_cell_question
    from ui.common.predict import predict_first

    x = np.arange(16).reshape(4, 4)  # what a concept page would pass from its own settings
    question = conv_cell_question(x, np.ones((3, 3)), bias=1.0, cell=(1, 0))
    verdict = predict_first(question, "demo.predict")
    st.markdown("figure: " + ("answer parts hidden" if verdict is None else "answer parts shown"))


def _run():
    at = AppTest.from_function(_page, default_timeout=30)
    at.run()
    assert_no_exception(at)
    return at


def _guess(at, text):
    at.text_input("demo.predict.answer").input(text)
    next(b for b in at.button if b.label == "Check").click()
    return at.run()


def test_page_keeps_the_answer_hidden_until_a_guess_is_checked_then_reveals_the_trace():
    at = _run()
    assert any("answer parts hidden" in m.value for m in at.markdown)
    assert not any("Answer:" in m.value for m in at.markdown) and not at.code
    at = _guess(at, "82")  # 4+5+6+8+9+10+12+13+14 + bias 1 = 82
    assert any("answer parts shown" in m.value for m in at.markdown)
    assert at.success and any("Answer:** 82" in m.value for m in at.markdown)
    assert at.code[0].value.endswith("+ 1 = 82")
    assert not at.text_input  # the guess cannot be changed after the reveal


def test_wrong_guess_is_revealed_as_wrong_and_unreadable_one_keeps_it_hidden():
    at = _guess(_run(), "nine")
    assert at.warning and any("answer parts hidden" in m.value for m in at.markdown)
    at = _guess(at, "81")
    assert at.error and any("Answer:** 82" in m.value for m in at.markdown)


def test_question_key_follows_the_settings():
    from ui.common.predict import question_key
    from ui.schemas.quiz import QuizSettings

    a, b = QuizSettings.build({"seed": 4}), QuizSettings.build({"seed": 5})
    assert question_key("quiz", a) == question_key("quiz", QuizSettings.build({"seed": 4}))
    assert question_key("quiz", a) != question_key("quiz", b)
