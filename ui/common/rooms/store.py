"""What a live-poll room is, and what every room store promises (in-process or Redis).

A room holds only a short code, the current question as (kind, seed, level) — every session rebuilds the
question from the engine — a round number, whether the answer is revealed, and per round the answers:
a random per-browser token → the answer as written canonically. No names, no accounts, no addresses.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Protocol

# No 0/O, 1/I/L: a code read off a projector must not be misread.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Limits:
    """Bounds that keep one server safe from a runaway class (or a script)."""

    max_rooms: int = 200  # open rooms at once, across the server (or the Redis)
    max_answers: int = 500  # answers per question in one room
    ttl: float = 3 * 3600.0  # seconds a room lives after the instructor's last action
    code_length: int = 6  # 31⁶ ≈ 887 million codes: guessing one of 200 open rooms takes millions of tries
    max_answer_length: int = 120  # answers are stored as the app writes them (a 3×3 map of decimals fits)


@dataclass(frozen=True)
class Room:
    code: str
    kind: str  # the current question, rebuilt by cnnviz.quiz.make_question(kind, seed, level)
    seed: int
    level: int
    round: int  # 1 for the first question, +1 each time the instructor moves on
    revealed: bool


class RoomError(Exception):
    """A room operation that cannot happen; ``code`` names its text ``quiz.poll.error.<code>``."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def new_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_token() -> str:
    """A random token: a browser session's anonymous id, or an instructor's key to their room."""
    return secrets.token_urlsafe(16)


def normal_code(text: str) -> str:
    """What a student typed as a code → the code: case and spaces do not matter."""
    return "".join(text.split()).upper()


class RoomStore(Protocol):
    limits: Limits

    def open(self, kind: str, seed: int, level: int) -> tuple[Room, str]:
        """A new room on round 1 and the host key that controls it; RoomError('rooms_full') at the cap."""

    def get(self, code: str) -> Room | None:
        """The room, or None when there is none (never opened, closed or expired).

        Every method may raise RoomError('unavailable') when a shared store cannot be reached.
        """

    def answer(self, code: str, round: int, session: str, answer: str) -> bool:
        """Record one session's answer to ``round``; False if that session already answered it.

        RoomError: 'no_room', 'round_over' (the instructor moved on), 'revealed' (too late: the answer is
        shown), 'answers_full', 'too_long'.
        """

    def tally(self, code: str, round: int) -> dict[str, int]:
        """Answer → how many sessions gave it, for ``round`` ({} when there is no such room)."""

    def next_question(self, code: str, host: str, kind: str, seed: int, level: int) -> Room:
        """Move the room to a new question (round + 1, hidden); RoomError 'no_room' / 'not_host'."""

    def reveal(self, code: str, host: str) -> Room:
        """Show the answer to everyone in the room; RoomError 'no_room' / 'not_host'."""

    def close(self, code: str, host: str) -> None:
        """Delete the room and its answers now; RoomError 'not_host'."""
