"""The live poll's settings: the room a student joins (``?room=CODE`` is the short URL), and the kind and
level of question the instructor asks next."""
from __future__ import annotations

from dataclasses import dataclass

from cnnviz.quiz import KINDS, LEVELS
from ui.common.rooms import ALPHABET, Limits, normal_code
from ui.common.schema import Settings, choice, integer, text


def check_code(typed: str) -> str:
    """A room code as typed (any case, spaces ignored), or ValueError."""
    code = normal_code(typed)
    if code and (len(code) != Limits().code_length or not set(code) <= set(ALPHABET)):
        raise ValueError("not a room code")
    return code


@dataclass(frozen=True)
class PollSettings(Settings):
    PAGE = "quiz.poll"
    SAMPLE = {"room": "ABCDEF", "kind": "pool_value", "level": 2}
    room: str = text("", check=check_code)
    kind: str = choice("output_size", KINDS, widget="select")
    level: int = integer(1, min(LEVELS), max(LEVELS), widget="slider")
