"""The session's language and the text lookup pages use: ``tr("conv.title")``.

The language comes, in this order, from the session (the sidebar switch), the link (``?lang=ko``) and the
browser (``st.context.locale``). It is a session-state value keyed by an id, so switching language keeps
every setting: no widget key depends on display text.
"""
from __future__ import annotations

import threading

import streamlit as st

from cnnviz.errors import CnnvizError
from cnnviz.locales import DEFAULT, LANGUAGES, t

KEY = "app.lang"


def browser_lang() -> str:
    """The language the browser asks for, when the app has it."""
    return "ko" if (st.context.locale or "").lower().startswith("ko") else DEFAULT


# The language of the script run this thread is in, looked up once per run: tr() asks for it ~80 times a run,
# and each session-state look-up costs ~15 µs. Each run starts with ``begin_run()`` (app.py; a fragment's
# rerun, which skips app.py, starts in a thread of its own or after a run of the same session in this thread).
# The language only changes through the sidebar switch, which reruns the whole app, so app.py begins anew.
_run = threading.local()


def begin_run() -> None:
    """Forget the language looked up by an earlier run in this thread."""
    _run.language = None


def lang() -> str:
    language = getattr(_run, "language", None)
    if language is None:
        language = st.session_state.get(KEY)
        if language is None:
            asked = st.query_params.get("lang")
            language = st.session_state[KEY] = asked if asked in LANGUAGES else browser_lang()
        _run.language = language
    return language


def tr(text_id: str, **params) -> str:
    """The text ``text_id`` in the session's language."""
    return t(text_id, lang(), **params)


def error_text(err: Exception) -> str:
    """What a student reads for an error: the engine's message in their language, never a library's."""
    if isinstance(err, CnnvizError):
        return err.message(lang())
    if isinstance(err, ValueError):  # an engine check not yet given a code: its English words
        return str(err)
    return tr("app.error.unexpected")


def language_control() -> None:
    """The sidebar switch; the page's ``lang`` attribute follows it (screen readers, fonts, hyphenation)."""
    lang()
    st.sidebar.segmented_control(tr("app.language"), list(LANGUAGES), format_func=LANGUAGES.get, key=KEY,
                                 required=True, label_visibility="collapsed")
    st.html(f"<script>(window.parent || window).document.documentElement.lang = {lang()!r};</script>",
            unsafe_allow_javascript=True)
