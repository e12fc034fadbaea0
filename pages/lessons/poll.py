"""Live class poll: the instructor opens a room and shows its code; students join with the code and answer;
the projector shows the live histogram of answers, then the reveal for everyone.

Rooms live in ``pages/common/rooms`` (in-process, or Redis with ``CNNVIZ_REDIS_URL``). A room holds the
question as (kind, seed, level) and anonymous answers; each session rebuilds the question from the engine.
"""
from __future__ import annotations

import streamlit as st

from pages.common.controls import Lesson
from pages.common.poll_views import HOST, instructor, open_room, student
from pages.common.rooms import normal_code
from pages.common.text import tr
from pages.schemas.poll import PollSettings

st.title(tr("nav.poll.title"))
lesson = Lesson(PollSettings)
lesson.notices()
if HOST in st.session_state:
    instructor(lesson, st.session_state[HOST][0])
else:
    st.caption(tr("quiz.poll.intro"))
    if "room" not in lesson.hidden:  # a code is one line: the schema's text widget is a text area
        st.text_input(lesson.label("room"), key=lesson.key("room"), help=tr("quiz.poll.room.help"),
                      max_chars=12, placeholder="ABC234")
    settings = lesson.settings()
    code = normal_code(settings.room)
    if code:
        student(code)
    with st.expander(tr("quiz.poll.open_heading"), icon=":material/co_present:", expanded=not code):
        lesson.widget("kind")
        lesson.widget("level")
        st.button(tr("quiz.poll.open"), on_click=open_room, key="quiz.poll.open", type="primary")
        if st.session_state.get("quiz.poll.error"):
            st.warning(tr(f"quiz.poll.error.{st.session_state.pop('quiz.poll.error')}"))
