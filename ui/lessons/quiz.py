"""Quiz: a seeded sequence of questions across the course, the same for everyone with the same link.

Predict, check, see the worked solution, next; a score at the end and a second try at the wrong ones.
Progress lives in this browser session only: no account, nothing stored about the student.
"""
from __future__ import annotations

import secrets

import streamlit as st

from cnnviz.quiz import make_quiz
from ui.common.controls import Lesson
from ui.common.predict import predict_first, show_question
from ui.common.text import tr
from ui.schemas.quiz import QuizSettings


@st.cache_data(max_entries=32, show_spinner=False)
def questions(seed: int, level: int, count: int):
    return make_quiz(seed, level, count)


def _new_quiz() -> None:
    st.session_state["quiz.seed"] = secrets.randbelow(1_000_000)


def progress(s: QuizSettings) -> dict:
    """This session's progress through the quiz of these settings (a new link starts afresh)."""
    state = st.session_state.setdefault("quiz.progress", {})
    if state.get("quiz") != (s.seed, s.level, s.count):
        state.clear()
        state.update(quiz=(s.seed, s.level, s.count), order=list(range(s.count)), pos=0, results={}, attempt=1)
    return state


def _key(state: dict, i: int) -> str:
    return f"quiz.q{state['attempt']}.{i}"


def _next(state: dict) -> None:
    state["pos"] += 1


def _retry(state: dict) -> None:
    state["order"] = sorted(i for i, right in state["results"].items() if not right)
    state["pos"], state["attempt"] = 0, state["attempt"] + 1


def _restart(state: dict) -> None:
    state["quiz"] = None


st.title(tr("nav.quiz.title"))
st.caption(tr("quiz.page.intro"))
lesson = Lesson(QuizSettings)
lesson.notices()
with st.expander(tr("quiz.page.settings"), icon=":material/tune:"):
    left, middle, right = st.columns(3)
    lesson.widget("seed", left)
    lesson.widget("level", middle)
    lesson.widget("count", right)
    st.button(tr("quiz.page.new_quiz"), on_click=_new_quiz, key="quiz.new", icon=":material/casino:")
settings = lesson.settings()
lesson.link_control()

quiz = questions(settings.seed, settings.level, settings.count)
state = progress(settings)
right = sum(state["results"].values())
if state["pos"] < len(state["order"]):
    i = state["order"][state["pos"]]
    st.progress(state["pos"] / len(state["order"]),
                text=tr("quiz.page.position", n=state["pos"] + 1, total=len(state["order"])))
    with st.container(border=True):
        show_question(quiz[i], _key(state, i))
        verdict = predict_first(quiz[i], _key(state, i))
    if verdict is not None:
        state["results"][i] = verdict.right
        st.button(tr("quiz.page.next"), on_click=_next, args=(state,), type="primary", key="quiz.next",
                  icon=":material/arrow_forward:")
else:
    st.header(tr("quiz.page.score", right=right, total=len(quiz)))
    wrong = [i for i, ok in sorted(state["results"].items()) if not ok]
    if wrong:
        st.markdown(tr("quiz.page.wrong_ones", numbers=", ".join(str(i + 1) for i in wrong)))
        st.button(tr("quiz.page.retry"), on_click=_retry, args=(state,), type="primary", key="quiz.retry",
                  icon=":material/replay:")
    else:
        st.balloons()
    st.button(tr("quiz.page.restart"), on_click=_restart, args=(state,), key="quiz.restart")
