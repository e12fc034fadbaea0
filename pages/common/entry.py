"""First lines of every page: make sure the page runs inside the app's navigation."""
from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

APP = Path(__file__).resolve().parents[2] / "app.py"


def run_inside_app() -> None:
    """Hand over to app.py when Streamlit ran this page file on its own.

    A fresh server treats a folder named ``pages/`` as a legacy multipage app until the first run
    of app.py has called ``st.navigation``. If the very first visitor opens a page's URL, Streamlit
    runs that page file directly, with file names in the menu and without app.py's settings. Running
    app.py here switches the server to the app's navigation and shows the requested page.
    """
    if PagesManager.uses_pages_directory:
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
