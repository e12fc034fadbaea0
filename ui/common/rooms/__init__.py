"""Live-poll rooms shared between sessions: in-process by default, Redis when ``CNNVIZ_REDIS_URL`` is set.

``room_store()`` gives the store this server uses (one per process); pages hold it with
``st.cache_resource``. See :mod:`.store` for what a room holds and what every store promises.
"""
from __future__ import annotations

import os

from .memory import MemoryStore
from .store import ALPHABET, Limits, Room, RoomError, RoomStore, new_token, normal_code

REDIS_URL = "CNNVIZ_REDIS_URL"


def room_store(limits: Limits = Limits()) -> RoomStore:
    """A Redis store when ``CNNVIZ_REDIS_URL`` is set (rooms shared by every replica), else in-process."""
    url = os.environ.get(REDIS_URL, "").strip()
    if url:
        from .redis_store import RedisStore

        return RedisStore(url, limits)
    return MemoryStore(limits)


__all__ = ["ALPHABET", "Limits", "MemoryStore", "REDIS_URL", "Room", "RoomError", "RoomStore", "new_token",
           "normal_code", "room_store"]
