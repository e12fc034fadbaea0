"""Showing figure dicts from cnnviz.viz in Streamlit, without paying for Plotly's validation."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st


class PrebuiltFigure(go.Figure):
    """A figure already built as a plain dict by ``cnnviz.viz``.

    ``st.plotly_chart`` validates a dict by turning it into a ``go.Figure`` object by object: ~1 s
    for a 225-frame animation. For a ``go.Figure`` it only calls ``to_dict()``, which here returns
    the dict as built. The builders are tested to produce valid figures (e.g. tests/test_viz_geometry.py).
    """

    def __init__(self, spec: dict):  # deliberately skips go.Figure.__init__ (the validation)
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def show_figure(spec: dict, key: str, **kwargs) -> None:
    """``st.plotly_chart`` for a figure dict; a stable ``key`` keeps animations from resetting."""
    st.plotly_chart(PrebuiltFigure(spec), key=key, config={"displaylogo": False, "scrollZoom": False},
                    **kwargs)
