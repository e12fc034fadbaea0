"""A test-only page: the presenter's player on one animation of each kind, and its GIF.

Query parameters: ``demo`` (convolution, pooling, volumes, transposed), ``lang`` (en / ko), ``step``
(1-based), ``presenter`` (1: presenter sizes). Run: streamlit run tests/pages/player_page.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import cnnviz  # noqa: E402
from cnnviz.course import INPUTS, KERNELS  # noqa: E402
from cnnviz.transpose import conv_transpose2d_stamps, transpose_geometry  # noqa: E402
from cnnviz.viz import frames  # noqa: E402
from ui.common.player import gif_download, player, speed_of  # noqa: E402


def demo(name: str, lang: str) -> frames.Animation:
    """The convolution page's default example, or a small case of the other animated pages."""
    if name == "pooling":
        x = np.arange(25.0).reshape(5, 5) % 7
        return frames.pooling_animation(cnnviz.pool2d_trace(x, 2, 2, 0, "max", True), lang)
    if name == "volumes":
        x = np.arange(48.0).reshape(3, 4, 4) % 5
        w = np.stack([np.ones((3, 3, 3)), -np.ones((3, 3, 3))])
        return frames.volume_animation(cnnviz.conv2d_trace(x, w, np.array([1.0, 0.0]), 1, 1), "RGB", lang)
    if name == "transposed":
        x, w = np.array([[1.0, 2.0], [3.0, -1.0]]), np.ones((3, 3))
        stamps = conv_transpose2d_stamps(x, w, 2, 1)
        return frames.transposed_animation(x, stamps, transpose_geometry(x.shape, w.shape, 2, 1), lang)
    trace = cnnviz.conv2d_trace(INPUTS["step_edge_6x6"], KERNELS["vertical_edge"], None, 1, 0)
    return frames.convolution_animation(trace, lang=lang)


st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
lang = st.query_params.get("lang", "en")
presenter = st.query_params.get("presenter") == "1"
if presenter:  # what the app's presenter flag does (lessons issue): no room lost above the figure
    st.html("<style>.block-container { padding-top: 3.8rem; padding-bottom: 1rem; }</style>")
animation = demo(st.query_params.get("demo", "convolution"), lang)
step = player(animation, key="demo.player", step=int(st.query_params.get("step", 1)), presenter=presenter)
st.query_params["step"] = str(step)  # the lesson link carries the step
st.caption(f"python step: {step}")
gif_download(animation, key="demo.gif", speed=speed_of("demo.player"), name="animation")
