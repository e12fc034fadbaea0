"""cnnviz: entry point. Routing only — every page lives in pages/, all maths in cnnviz/."""
import os

# One BLAS thread per computation, set before numpy loads: the server already runs one thread per
# session, and OpenBLAS's own threads on top of those were up to 20× slower under classroom load
# (bench/train_speed.py: 2 threads gain ~7 % on an idle machine).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

from pages.catalogue import HOME, PAGES  # noqa: E402

st.set_page_config(page_title="cnnviz — convolution arithmetic, visible", page_icon=":material/grid_on:",
                   layout="wide")

sections: dict[str, list] = {}
for page in PAGES:
    sections.setdefault(page.group, []).append(
        st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url or None,
                default=page.path == HOME))

st.navigation(sections).run()
