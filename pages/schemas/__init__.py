"""Every page's settings schema, by page script: the lesson-link tests and the quiz read this list."""
from __future__ import annotations

from pages.common.schema import Settings
from pages.schemas.convolution import ConvSettings
from pages.schemas.edges import EdgeSettings

SCHEMAS: dict[str, type[Settings]] = {
    "pages/lessons/convolution.py": ConvSettings,
    "pages/lessons/edges.py": EdgeSettings,
}
