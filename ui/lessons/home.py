"""Home: what the app teaches, a card per page, how to use it in class."""
import streamlit as st

from ui.common.menu import HOME, PAGES
from ui.common.text import tr

st.title(tr("home.title"))
st.markdown(tr("home.intro"))

cards = [p for p in PAGES if p.path != HOME]
for start in range(0, len(cards), 3):
    for column, page in zip(st.columns(3), cards[start:start + 3]):
        with column.container(border=True):
            st.page_link(page.path, label=tr(page.title_id), icon=page.icon)
            st.caption(tr(page.blurb_id))

st.subheader(tr("home.class.heading"))
st.markdown(tr("home.class.body"))
