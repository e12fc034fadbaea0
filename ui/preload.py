"""Every module of the app (cnnviz/, ui/common/, ui/schemas/), imported once, before any page runs.

Python imports under one lock per module. On a fresh server the first visits of a class run app.py at the same
time, each in a thread of its own. One could be importing a package whose ``__init__`` imports its modules
(``ui.schemas`` finds every schema) while another imported one of those modules directly (a page's
``from ui.schemas.padding_stride import …``): each held the lock the other waited for, and Python broke the
deadlock with ``_DeadlockError`` in one of them, whose student got a page without its lesson
(tests/test_first_visits.py). app.py imports this module before anything of its own: a second thread waits until
the first has imported it all, and afterwards every import is a look-up.
"""
from __future__ import annotations

import importlib
import pkgutil

for _package in ("cnnviz", "ui.common", "ui.schemas"):
    for _module in pkgutil.walk_packages(importlib.import_module(_package).__path__, f"{_package}."):
        importlib.import_module(_module.name)
