"""The live poll's two screens: the instructor's (big code, live histogram, reveal, next) and a student's
(question, one answer, the reveal), with the button actions behind them.

Each screen polls its room with ONE ``st.fragment(run_every=…)``, and only while something can change:
the instructor's histogram until the reveal, a student's screen for the reveal and then the next question.
"""
from __future__ import annotations

import secrets

import streamlit as st

from cnnviz.quiz import Question, make_question, say, written
from cnnviz.viz.quiz import HistogramLabels, histogram_figure
from ui.common.charts import show_figure
from ui.common.controls import Lesson
from ui.common.predict import answer_box, choice_label, judge, show_question, show_solution, unreadable_notice
from ui.common.rooms import Room, RoomError, new_token, normal_code
from ui.common.rooms.shared import shared_store as rooms
from ui.common.text import lang, tr

POLL_SECONDS = 2.0  # how often an open question refreshes its histogram / looks for the reveal
IDLE_POLL_SECONDS = 5.0  # after the reveal: a student's screen waits for the next question
HOST = "quiz.poll.host"  # session state: (code, host key) of the room this session runs
CODE_CSS = ("font-size:6rem;font-weight:700;letter-spacing:0.4rem;font-family:monospace;line-height:1.1;"
            "text-align:center")


@st.cache_data(max_entries=64, show_spinner=False)
def question_of(kind: str, seed: int, level: int) -> Question:
    return make_question(kind, seed, level)


def histogram(room: Room, question: Question) -> None:
    try:
        counts = rooms().tally(room.code, room.round)
    except RoomError as err:
        st.warning(tr(f"quiz.poll.error.{err.code}"), icon=":material/cloud_off:")
        return
    label = choice_label if question.answer.form == "choice" else str
    right = written(question, question.answer.value)
    if room.revealed:
        counts.setdefault(right, 0)  # the reveal shows where the right answer is, even if nobody gave it
    right = label(right) if room.revealed else None
    st.markdown(tr("quiz.poll.answers", n=sum(counts.values())))
    figure = histogram_figure({label(k): v for k, v in counts.items()}, right,
                              HistogramLabels(tr("quiz.poll.axis_answers"), tr("quiz.poll.axis_students")))
    show_figure(figure, key="quiz.poll.histogram")


def _asked() -> tuple[str, int, int]:
    """The kind, a fresh seed and the level of the next question, as the controls stand."""
    s = st.session_state
    return s["quiz.poll.kind"], secrets.randbelow(1_000_000), s["quiz.poll.level"]


def open_room() -> None:
    try:
        room, host = rooms().open(*_asked())
    except RoomError as err:
        st.session_state["quiz.poll.error"] = err.code
        return
    st.session_state[HOST] = (room.code, host)


def _lost(err: RoomError) -> None:
    """After a failed instructor action: a room that is gone is let go; anything else is said once."""
    if err.code in ("no_room", "not_host"):
        st.session_state.pop(HOST, None)
    st.session_state["quiz.poll.error"] = err.code


def next_question() -> None:
    code, host = st.session_state[HOST]
    try:
        rooms().next_question(code, host, *_asked())
    except RoomError as err:
        _lost(err)


def reveal() -> None:
    code, host = st.session_state[HOST]
    try:
        rooms().reveal(code, host)
    except RoomError as err:
        _lost(err)


def close_room() -> None:
    code, host = st.session_state.pop(HOST)
    try:
        rooms().close(code, host)
    except RoomError:
        pass  # already gone (expired)


def error_notice() -> None:
    """The one message a failed button action left behind."""
    code = st.session_state.pop("quiz.poll.error", None)
    if code:
        st.warning(tr(f"quiz.poll.error.{code}"), icon=":material/meeting_room:")


def instructor(lesson: Lesson, code: str) -> None:
    room = rooms().get(code)
    if room is None:
        st.session_state.pop(HOST)
        st.warning(tr("quiz.poll.error.no_room"))
        return
    question = question_of(room.kind, room.seed, room.level)
    base = (st.context.url or "").split("?")[0]
    st.markdown(tr("quiz.poll.join_at", url=f"{base}?room={code}"))
    st.container(key="poll-code").markdown(f"<div style='{CODE_CSS}'>{code}</div>", unsafe_allow_html=True)
    show_question(question, f"quiz.poll.{code}.{room.round}")

    @st.fragment(run_every=None if room.revealed else POLL_SECONDS)
    def live() -> None:
        histogram(room, question)
    live()
    if room.revealed:
        show_solution(question, None, f"quiz.poll.{code}.{room.round}.solution")
    reveal_col, next_col, close_col = st.columns(3)
    reveal_col.button(tr("quiz.poll.reveal"), on_click=reveal, disabled=room.revealed, type="primary",
                      key="quiz.poll.reveal", icon=":material/visibility:")
    with next_col.popover(tr("quiz.poll.next"), icon=":material/arrow_forward:"):
        lesson.widget("kind")
        lesson.widget("level")
        st.button(tr("quiz.poll.ask"), on_click=next_question, key="quiz.poll.ask")
    close_col.button(tr("quiz.poll.close"), on_click=close_room, key="quiz.poll.close", icon=":material/close:")
    lesson.settings()


def send(question: Question, room: Room, key: str) -> None:
    """The student's answer into the room (once per question), unless it cannot be read."""
    verdict = judge(question, key)
    if verdict.outcome == "unreadable":
        return
    try:
        rooms().answer(room.code, room.round, session(), written(question, verdict.guess))
    except RoomError as err:
        st.session_state[f"{key}.error"] = err.code
        return
    st.session_state[f"{key}.verdict"] = verdict


def student(code: str) -> None:
    room = rooms().get(code)
    if room is None:
        st.warning(tr("quiz.poll.error.no_room"), icon=":material/meeting_room:")
        return
    question = question_of(room.kind, room.seed, room.level)
    key = f"quiz.poll.{code}.{room.round}"
    show_question(question, key)
    verdict = st.session_state.get(f"{key}.verdict")
    if verdict is None and not room.revealed:
        with st.form(f"{key}.form", border=False):
            answer_box(question, key)
            st.form_submit_button(tr("quiz.poll.send"), type="primary", on_click=send, args=(question, room, key))
        unreadable_notice(key)
    refused = st.session_state.pop(f"{key}.error", None)
    if refused:
        st.warning(tr(f"quiz.poll.error.{refused}"), icon=":material/meeting_room:")
    if verdict is not None and not room.revealed:
        st.info(tr("quiz.poll.sent", answer=written(question, verdict.guess)), icon=":material/how_to_vote:")
    if room.revealed:
        if verdict is not None:
            (st.success if verdict.right else st.error)(say(verdict.message, lang()))
        show_solution(question, verdict, f"{key}.solution")
        histogram(room, question)

    @st.fragment(run_every=IDLE_POLL_SECONDS if room.revealed else POLL_SECONDS)
    def wait() -> None:
        try:
            now = rooms().get(code)
        except RoomError:
            return  # the shared store is unreachable for now: look again at the next tick
        if now is None or (now.round, now.revealed) != (room.round, room.revealed):
            st.rerun(scope="app")
    wait()


def session() -> str:
    """This browser session's anonymous token (random; it names nobody)."""
    return st.session_state.setdefault("quiz.poll.session", new_token())


def join(lesson: Lesson) -> None:
    """The first screen: a student types the code (or arrives by ``?room=CODE``); an instructor opens a room."""
    st.caption(tr("quiz.poll.intro"))
    if "room" not in lesson.hidden:  # a code is one line: the schema's text widget is a text area
        st.text_input(lesson.label("room"), key=lesson.key("room"), help=tr("quiz.poll.room.help"),
                      max_chars=12, placeholder="ABC234")
    code = normal_code(lesson.settings().room)
    if code:
        student(code)
    with st.expander(tr("quiz.poll.open_heading"), icon=":material/co_present:", expanded=not code):
        lesson.widget("kind")
        lesson.widget("level")
        st.button(tr("quiz.poll.open"), on_click=open_room, key="quiz.poll.open", type="primary")
