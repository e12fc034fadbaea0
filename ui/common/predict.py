"""“Predict first”: any page shows a question record, takes a guess, checks it, then reveals the worked solution.

A concept page adds a switch to its schema (``predict: bool = flag(False)``, so it travels in the lesson link;
label it with ``lesson.widget("predict", label=tr("quiz.predict.switch"), help=tr("quiz.predict.switch_help"))``),
builds a :class:`cnnviz.quiz.Question` from its current settings (for example
``cnnviz.quiz.conv_cell_question(x, w, bias, stride, padding, dilation, cell, flip)``) and calls::

    verdict = predict_first(question, key=question_key("conv", settings))  # None until checked
    if verdict is None:
        ...  # keep the answer parts of the figure hidden

The guess and verdict live in session state under ``key`` only; nothing about the student is stored.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from cnnviz.quiz import Question, Verdict, check, say, written
from cnnviz.trace import ConvStep
from cnnviz.viz.quiz import DifferenceLabels, difference_figure, grids_figure
from ui.common.charts import show_figure
from ui.common.text import lang, tr

VERDICT_BOX = {"right": st.success, "wrong": st.error}


def question_key(page: str, settings) -> str:
    """A session-state key for the question of these settings: new settings ask afresh, the same ones keep the
    guess (``settings`` is the page's frozen schema object)."""
    return f"{page}.predict.{hash(settings) & 0xFFFFFFFF:08x}"


def show_question(question: Question, key: str) -> None:
    """The question's words and the numbers it is about (input and kernel, or picture and map)."""
    st.markdown(f"#### {say(question.prompt, lang())}")
    d = question.data
    if "w" in d:
        grids = [(tr("quiz.predict.input"), d["x"]), (tr("quiz.predict.kernel"), d["w"])]
    elif "image" in d:
        grids = [(tr("quiz.predict.picture"), d["image"]), (tr("quiz.predict.map"), d["map"])]
    elif "x" in d:
        grids = [(tr("quiz.predict.input"), d["x"])]
    else:
        return
    show_figure(grids_figure(grids), key=f"{key}.figure")


def choice_label(key: str) -> str:
    return tr(f"quiz.choice.{key}")


def answer_text(question: Question, value) -> str:
    """An answer in words a student reads (choices by their label)."""
    return choice_label(value) if question.answer.form == "choice" else written(question, value)


def answer_box(question: Question, key: str) -> str | None:
    """The widget a guess is typed (or picked) in; returns its text."""
    a = question.answer
    hint = say(question.hint, lang())
    if a.form == "choice":
        return st.radio(tr("quiz.predict.your_answer"), a.choices, format_func=choice_label, index=None,
                        key=f"{key}.answer", horizontal=True, help=hint)
    if a.form == "matrix":
        return st.text_area(tr("quiz.predict.your_answer"), key=f"{key}.answer", help=hint, placeholder=hint)
    return st.text_input(tr("quiz.predict.your_answer"), key=f"{key}.answer", help=hint, placeholder=hint)


def judge(question: Question, key: str) -> Verdict:
    """Check the guess typed under ``key``; an unreadable one is kept for :func:`unreadable_notice` to explain."""
    verdict = check(question, st.session_state.get(f"{key}.answer") or "")
    if verdict.outcome == "unreadable":
        st.session_state[f"{key}.unreadable"] = verdict
    return verdict


def unreadable_notice(key: str) -> None:
    verdict = st.session_state.pop(f"{key}.unreadable", None)
    if verdict is not None:
        st.warning(say(verdict.message, lang()), icon=":material/help:")


def _check(question: Question, key: str) -> None:
    verdict = judge(question, key)
    if verdict.outcome != "unreadable":
        st.session_state[f"{key}.verdict"] = verdict


def predict_first(question: Question, key: str) -> Verdict | None:
    """Answer box → Check → the verdict and the worked solution. Returns the verdict once it is revealed."""
    verdict = st.session_state.get(f"{key}.verdict")
    if verdict is None:
        with st.form(f"{key}.form", border=False):
            answer_box(question, key)
            st.form_submit_button(tr("quiz.predict.check"), type="primary", on_click=_check, args=(question, key))
        unreadable_notice(key)
        return None
    VERDICT_BOX[verdict.outcome](say(verdict.message, lang()))
    show_solution(question, verdict, key)
    return verdict


def show_solution(question: Question, verdict: Verdict | None, key: str) -> None:
    """The reveal: the answer, the words, the substituted arithmetic, the window and products, the gap."""
    a, w = question.answer, question.worked
    if a.form != "matrix":
        st.markdown(tr("quiz.predict.answer", answer=answer_text(question, a.value)))
    st.markdown(say(w.explain, lang()))
    formulas = "\n".join(w.formulas)
    st.code(formulas, language=None, wrap_lines=True)
    if a.form == "matrix" and verdict is not None and verdict.guess is not None:
        labels = DifferenceLabels(tr("quiz.predict.guess"), tr("quiz.predict.truth"), tr("quiz.predict.difference"))
        show_figure(difference_figure(verdict.guess, a.value, a.tolerance, labels), key=f"{key}.difference")
    elif w.steps and question.kind != "feature_map":
        step = w.steps[0]
        grids = [(tr("quiz.predict.window"), step.patch)]
        if isinstance(step, ConvStep):
            grids += [(tr("quiz.predict.kernel"), step.kernel), (tr("quiz.predict.products"), step.products)]
        show_figure(grids_figure([(t_, np.where(np.isfinite(v), v, np.nan)) for t_, v in grids]),
                    key=f"{key}.steps")

