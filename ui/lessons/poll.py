"""Live class poll: the instructor opens a room and shows its code; students join with the code and answer;
the projector shows the live histogram of answers, then the reveal for everyone.

Rooms live in ``ui/common/rooms`` (in-process, or Redis with ``CNNVIZ_REDIS_URL``). A room holds the
question as (kind, seed, level) and anonymous answers; each session rebuilds the question from the engine.
"""
from __future__ import annotations

import streamlit as st

from ui.common.controls import Lesson
from ui.common.poll_views import HOST, error_notice, instructor, join
from ui.common.rooms import RoomError
from ui.common.text import tr
from ui.schemas.poll import PollSettings

st.title(tr("nav.poll.title"))
lesson = Lesson(PollSettings)
lesson.notices()
error_notice()
try:
    if HOST in st.session_state:
        instructor(lesson, st.session_state[HOST][0])
    else:
        join(lesson)
except RoomError as err:  # the shared store cannot be reached
    st.warning(tr(f"quiz.poll.error.{err.code}"), icon=":material/cloud_off:")
