"""cnnviz: entry point. Routing only — every page lives in pages/, all maths in cnnviz/."""
import streamlit as st

from pages.catalogue import PAGES

st.set_page_config(page_title="cnnviz — convolution arithmetic, visible", page_icon=":material/grid_on:",
                   layout="wide")

sections: dict[str, list] = {}
for page in PAGES:
    sections.setdefault(page.group, []).append(
        st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url, default=page.url == "home"))

st.navigation(sections).run()
