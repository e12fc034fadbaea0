"""The code panel: what a page computes, as PyTorch and as Keras code, in tabs with a copy button.

A concept page builds its ``cnnviz.code_snippets.Snippets`` from its own settings and calls::

    code_panel(lambda: conv_snippets(x, w, s.bias, stride, s.padding, dilation, s.flip))

The panel starts folded, and its contents (the code too) are made only while it is open: folded, it costs each
rerun of the lesson one element instead of seven (bench/rerun_cost.py). It stays open across reruns and page
switches.
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from cnnviz.code_snippets import Snippets
from ui.common.text import tr


OPEN = "code_panel.open"  # session state: whether the reader opened the panel


def code_panel(make: Callable[[], Snippets], title: str | None = None) -> None:
    """An expander with a PyTorch tab and a Keras tab; ``st.code`` blocks carry Streamlit's copy button.
    ``make()`` gives the code, and is called only while the panel is open."""
    panel = st.expander(title or tr("code_panel.title"), icon=":material/code:", key=OPEN, on_change="rerun")
    if not panel.open:
        return
    snippets = make()
    with panel:
        st.caption(tr("code_panel.hint"))
        torch_tab, keras_tab = st.tabs([tr("code_panel.torch"), tr("code_panel.keras")])
        for tab, code, framework in ((torch_tab, snippets.torch, "PyTorch"), (keras_tab, snippets.keras, "Keras")):
            with tab:
                if code is None:
                    st.info(tr("code_panel.missing", framework=framework), icon=":material/info:")
                else:
                    st.code(code, language="python", line_numbers=True)
