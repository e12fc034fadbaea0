"""Every page's settings schema, by page script: the lesson-link tests and the quiz read this list."""
from __future__ import annotations

from pages.common.schema import Settings
from pages.schemas.convolution import ConvSettings
from pages.schemas.mlp_vs_cnn import CompareSettings
from pages.schemas.training import TrainingSettings

SCHEMAS: dict[str, type[Settings]] = {
    "pages/lessons/convolution.py": ConvSettings,
    "pages/lessons/training.py": TrainingSettings,
    "pages/lessons/mlp_vs_cnn.py": CompareSettings,
}
