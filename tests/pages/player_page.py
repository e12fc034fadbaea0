"""A test-only page: the presenter's player on the convolution page's default example, and its GIF.

Query parameters: ``lang`` (en / ko), ``step`` (1-based), ``presenter`` (1: presenter sizes).
Run: streamlit run tests/pages/player_page.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import cnnviz  # noqa: E402
from cnnviz.examples import INPUTS, KERNELS  # noqa: E402
from cnnviz.viz.frames import convolution_animation  # noqa: E402
from pages.common.player import gif_download, player, speed_of  # noqa: E402

st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
lang = st.query_params.get("lang", "en")
presenter = st.query_params.get("presenter") == "1"
if presenter:  # what the app's presenter flag does (lessons issue): no room lost above the figure
    st.html("<style>.block-container { padding-top: 3.8rem; padding-bottom: 1rem; }</style>")
trace = cnnviz.conv2d_trace(INPUTS["step_edge_6x6"], KERNELS["vertical_edge"], None, 1, 0)
animation = convolution_animation(trace, lang=lang)
step = player(animation, key="demo.player", step=int(st.query_params.get("step", 1)),
              presenter=presenter)
st.query_params["step"] = str(step)  # the lesson link carries the step
st.caption(f"python step: {step}")
gif_download(animation, key="demo.gif", speed=speed_of("demo.player"), name="convolution")
