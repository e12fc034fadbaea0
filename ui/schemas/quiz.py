"""The quiz page's settings: the whole quiz is fixed by these three numbers, so one link gives a class one quiz."""
from __future__ import annotations

from dataclasses import dataclass

from cnnviz.quiz import KINDS, LEVELS
from ui.common.schema import Settings, integer


@dataclass(frozen=True)
class QuizSettings(Settings):
    PAGE = "quiz"
    SAMPLE = {"seed": 2026, "level": 3, "count": 5}
    seed: int = integer(1, 0, 999_999)  # the quiz number
    level: int = integer(1, min(LEVELS), max(LEVELS), widget="slider")
    count: int = integer(len(KINDS), 1, 3 * len(KINDS))
