"""Home: what the app teaches, a card per page, how to use it in class."""
import streamlit as st

from pages.catalogue import HOME, PAGES
from pages.common.entry import run_inside_app

run_inside_app()

st.title("cnnviz — convolution arithmetic, made visible")
st.markdown(
    "Every number on these pages is computed by the `cnnviz` engine and drawn from its step-by-step "
    "trace: which input pixels a window covers, what it multiplies, what it adds up, and where the "
    "result goes. Move a slider and the picture, the formula and the arithmetic follow."
)

cards = [p for p in PAGES if p.path != HOME]
for start in range(0, len(cards), 3):
    for column, page in zip(st.columns(3), cards[start:start + 3]):
        with column.container(border=True):
            st.page_link(page.path, label=page.title, icon=page.icon)
            st.caption(page.blurb)

st.subheader("Using it in class")
st.markdown(
    "- **Projector:** animations play in the browser, so a slow network does not make them stutter. "
    "Press ▶ to play, or drag the step slider to talk through one output cell at a time.\n"
    "- **Offline:** everything — sample images, the MNIST subset — ships with the app.\n"
    "- **Students:** each page starts from the course's worked example; change one setting at a time "
    "and predict the output size before you look."
)
