"""Streamlit's theme, built once per theme setting instead of on every rerun.

Every script run (a fragment's too) starts with a ``new_session`` message, and Streamlit fills its theme part
from scratch: six sections (theme, light, dark, sidebar, …), each a scan of all ~370 config options. That was
~0.5 ms of every rerun's ~5.5 ms floor (bench/rerun_cost.py). :func:`install` makes Streamlit look each section
up in a memo that keeps the values of that section's own options (~20 per section), so a changed option (a config
file edited while serving, ``config.set_option``) builds the section again. The message sent is byte for byte
what Streamlit builds (tests/test_theme_message.py). Without the function it expects, nothing is installed.
"""
from __future__ import annotations

import inspect

from streamlit import config
from streamlit.runtime import app_session

_ORIGINAL = getattr(app_session, "_populate_theme_msg", None)
_options: dict[str, tuple[dict, list]] = {}  # section → (the options dict it was taken from, its options)
_built: dict[str, tuple[list, bytes]] = {}  # section → (the values it was built from, its message serialised)


def _section_options(section: str) -> list:
    every = config.get_config_options()  # a new dict when the config files are parsed again
    known = _options.get(section)
    if known is None or known[0] is not every:
        known = _options[section] = (every, [o for o in every.values() if o.section == section])
    return known[1]


def populate_theme_msg(msg, section: str = "theme") -> None:
    """Fill ``msg`` (a ``CustomThemeConfig``) as ``app_session._populate_theme_msg`` does, from the memo."""
    values = [o.value for o in _section_options(section)]
    known = _built.get(section)
    if known is None or known[0] != values:
        fresh = type(msg)()
        _ORIGINAL(fresh, section)
        known = _built[section] = (values, fresh.SerializeToString())
    if known[1]:  # Streamlit leaves a section without options untouched (not even marked present)
        msg.MergeFromString(known[1])


def install() -> bool:
    """Put the memo in Streamlit's place; False (and nothing changed) if this Streamlit has no such function."""
    if app_session._populate_theme_msg is populate_theme_msg:
        return True
    if _ORIGINAL is None or list(inspect.signature(_ORIGINAL).parameters) != ["msg", "section"]:
        return False
    app_session._populate_theme_msg = populate_theme_msg
    return True
