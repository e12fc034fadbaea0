"""Every page's settings schema, by page script: the lesson-link tests and the quiz read this list."""
from __future__ import annotations

from pages.common.schema import Settings
from pages.schemas.convolution import ConvSettings
from pages.schemas.transposed import TransposedSettings
from pages.schemas.volumes import VolumeSettings

SCHEMAS: dict[str, type[Settings]] = {
    "pages/lessons/convolution.py": ConvSettings,
    "pages/lessons/transposed.py": TransposedSettings,
    "pages/lessons/volumes.py": VolumeSettings,
}
