"""Every page's settings schema, by page script: ``ui/schemas/<name>.py`` belongs to
``ui/lessons/<name>.py``. The lesson-link tests, the Korean-text tests and the quiz read this mapping;
pages hash their settings for Streamlit's caches with ``SETTINGS_HASH``."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from ui.common.schema import Settings


def _discover() -> dict[str, type[Settings]]:
    found = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        namespace = importlib.import_module(f"{__name__}.{module.name}")
        schemas = [v for v in vars(namespace).values()
                   if isinstance(v, type) and issubclass(v, Settings) and v is not Settings
                   and v.__module__ == namespace.__name__]
        assert len(schemas) == 1, f"ui/schemas/{module.name}.py must define exactly one schema"
        found[f"ui/lessons/{module.name}.py"] = schemas[0]
    return dict(sorted(found.items()))


SCHEMAS: dict[str, type[Settings]] = _discover()
# For st.cache_*'s hash_funcs: a frozen settings object is identified by its repr (all fields, exact floats), which
# costs ~0.03 ms to hash where Streamlit's own dataclass hashing (a deep asdict) costs ~0.2 ms on every call.
SETTINGS_HASH = {schema: repr for schema in SCHEMAS.values()}
