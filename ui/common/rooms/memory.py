"""The in-process room store: nothing to install; rooms are shared by the sessions of one server process."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace

from .store import Limits, Room, RoomError, new_code, new_token


@dataclass
class _Entry:
    room: Room
    host: str
    expires: float
    answers: dict[int, dict[str, str]] = field(default_factory=dict)  # round → session → answer


class MemoryStore:
    """Rooms in a dict behind one lock. ``clock`` (seconds) is injectable so tests can move time."""

    def __init__(self, limits: Limits = Limits(), clock=time.monotonic):
        self.limits, self._clock = limits, clock
        self._rooms: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def _sweep(self) -> None:
        now = self._clock()
        for code in [c for c, e in self._rooms.items() if e.expires <= now]:
            del self._rooms[code]

    def _hosted(self, code: str, host: str) -> _Entry:
        self._sweep()
        entry = self._rooms.get(code)
        if entry is None:
            raise RoomError("no_room")
        if entry.host != host:
            raise RoomError("not_host")
        entry.expires = self._clock() + self.limits.ttl
        return entry

    def open(self, kind: str, seed: int, level: int) -> tuple[Room, str]:
        with self._lock:
            self._sweep()
            if len(self._rooms) >= self.limits.max_rooms:
                raise RoomError("rooms_full")
            code = new_code(self.limits.code_length)
            while code in self._rooms:
                code = new_code(self.limits.code_length)
            room, host = Room(code, kind, int(seed), int(level), 1, False), new_token()
            self._rooms[code] = _Entry(room, host, self._clock() + self.limits.ttl)
            return room, host

    def get(self, code: str) -> Room | None:
        with self._lock:
            self._sweep()
            entry = self._rooms.get(code)
            return entry.room if entry else None

    def answer(self, code: str, round: int, session: str, answer: str) -> bool:
        if len(answer) > self.limits.max_answer_length:
            raise RoomError("too_long")
        with self._lock:
            self._sweep()
            entry = self._rooms.get(code)
            if entry is None:
                raise RoomError("no_room")
            if entry.room.round != round:
                raise RoomError("round_over")
            if entry.room.revealed:
                raise RoomError("revealed")
            answers = entry.answers.setdefault(round, {})
            if session in answers:
                return False
            if len(answers) >= self.limits.max_answers:
                raise RoomError("answers_full")
            answers[session] = answer
            return True

    def tally(self, code: str, round: int) -> dict[str, int]:
        with self._lock:
            self._sweep()
            entry = self._rooms.get(code)
            counts: dict[str, int] = {}
            for answer in (entry.answers.get(round, {}) if entry else {}).values():
                counts[answer] = counts.get(answer, 0) + 1
            return counts

    def next_question(self, code: str, host: str, kind: str, seed: int, level: int) -> Room:
        with self._lock:
            entry = self._hosted(code, host)
            entry.answers.pop(entry.room.round, None)  # the last round's answers are no longer shown
            entry.room = replace(entry.room, kind=kind, seed=int(seed), level=int(level), round=entry.room.round + 1,
                                 revealed=False)
            return entry.room

    def reveal(self, code: str, host: str) -> Room:
        with self._lock:
            entry = self._hosted(code, host)
            entry.room = replace(entry.room, revealed=True)
            return entry.room

    def close(self, code: str, host: str) -> None:
        with self._lock:
            self._hosted(code, host)
            del self._rooms[code]
