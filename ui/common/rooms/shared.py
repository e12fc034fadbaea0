"""The one room store of this server process, shared by every session (Streamlit's resource cache)."""
from __future__ import annotations

import streamlit as st

from . import room_store


@st.cache_resource(show_spinner=False)
def shared_store():
    """In-process rooms, or Redis when ``CNNVIZ_REDIS_URL`` is set (read when the server first needs a room)."""
    return room_store()
