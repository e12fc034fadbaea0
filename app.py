"""cnnviz: entry point. Routing only — every page lives in ui/lessons/, all maths in cnnviz/."""
import os

# One BLAS thread per computation, set before numpy loads: the server already runs one thread per
# session, and OpenBLAS's own threads on top of those were up to 20× slower under classroom load
# (bench/train_speed.py: 2 threads gain ~7 % on an idle machine).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

import ui.preload  # noqa: E402,F401 — first: the app's modules imported by one thread (see ui/preload.py)
from ui.common.controls import presenting  # noqa: E402
from ui.common.menu import HOME, PAGES  # noqa: E402
from ui.common.text import begin_run, language_control, tr  # noqa: E402
from ui.theme_message import install as memoise_theme  # noqa: E402

memoise_theme()  # Streamlit's theme message, built once per theme instead of on every rerun

begin_run()  # before any text: the language is looked up once per run
st.set_page_config(page_title=tr("app.title"), page_icon="static/favicon.png", layout="wide",
                   initial_sidebar_state="collapsed" if presenting() else "auto")

sections: dict[str, list] = {}
for page in PAGES:
    sections.setdefault(tr(f"nav.group.{page.group}"), []).append(
        st.Page(page.path, title=tr(page.title_id), icon=page.icon, url_path=page.url or None,
                default=page.path == HOME))

# Streamlit's uploader writes "Limit 20MB per file • PNG, JPG, …" in English only, cut off in a narrow column;
# each page's own caption says the limit and the formats in the reader's language instead.
st.html("<style>[data-testid='stFileUploaderDropzoneInstructions'] { display: none; }</style>")
navigation = st.navigation(sections, expanded=True)  # all pages listed: no English "View more" fold
language_control()
navigation.run()
