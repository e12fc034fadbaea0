"""Every page's settings schema, by page script: the lesson-link tests and the quiz read this list."""
from __future__ import annotations

from pages.common.schema import Settings
from pages.schemas.convolution import ConvSettings
from pages.schemas.poll import PollSettings
from pages.schemas.quiz import QuizSettings

SCHEMAS: dict[str, type[Settings]] = {
    "pages/lessons/convolution.py": ConvSettings,
    "pages/lessons/quiz.py": QuizSettings,
    "pages/lessons/poll.py": PollSettings,
}
