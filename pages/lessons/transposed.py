"""Transposed convolution: stretch the input, pad it, slide the rotated kernel — or stamp the kernel."""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import streamlit as st

from cnnviz.examples import random_integers
from cnnviz.transpose import as_direct_convolution, conv_transpose2d, conv_transpose2d_stamps
from cnnviz.viz.geometry import stretched_input_figure
from cnnviz.viz.stamps import can_animate, stamps_figure
from pages.common.charts import show_figure


PREFIX = "transposed."
VALUES = {"count": "0, 1, 2, …", "ones": "all ones", "random": "random −2 … 3"}
LIMITS = {"size": (1, 8), "kernel": (1, 5), "stride": (1, 4), "padding": (0, 4), "output_padding": (0, 3),
          "dilation": (1, 3)}
LABELS = {"size": "Input size i", "kernel": "Kernel size k", "stride": "Stride s", "padding": "Padding p (cropped)",
          "output_padding": "Output padding a", "dilation": "Dilation d"}
HELP = {"padding": "In a transposed convolution, padding removes p rows and columns from each side of the output.",
        "output_padding": "Adds a rows/columns at the bottom/right, so that the output size can be chosen exactly. "
                          "Must be smaller than the stride or the dilation."}


@dataclass(frozen=True)
class TransposedSettings:
    """Everything that defines what this page shows (square input and kernel)."""

    size: int = 2
    kernel: int = 2
    stride: int = 2
    padding: int = 0
    output_padding: int = 0
    dilation: int = 1
    input_values: str = "count"
    kernel_values: str = "count"
    seed: int = 0


DEFAULTS = TransposedSettings()
EXAMPLES = {
    "textbook, s 1": {"stride": 1},
    "textbook, s 2": {},
    "upsample ×2": {"size": 4, "kernel": 3, "stride": 2, "padding": 1, "output_padding": 1, "input_values": "ones",
                    "kernel_values": "ones"},
    "checkerboard": {"size": 5, "kernel": 3, "stride": 2, "input_values": "ones", "kernel_values": "ones"},
}


def _key(name: str) -> str:
    return PREFIX + name


def _init_state() -> None:
    for f in fields(TransposedSettings):
        st.session_state.setdefault(_key(f.name), getattr(DEFAULTS, f.name))


def _load_example(changes: dict) -> None:
    for f in fields(TransposedSettings):
        st.session_state[_key(f.name)] = changes.get(f.name, getattr(DEFAULTS, f.name))


def read_settings() -> TransposedSettings:
    for name, (low, high) in LIMITS.items():
        st.slider(LABELS[name], low, high, key=_key(name), help=HELP.get(name))
    st.radio("Input values", list(VALUES), format_func=VALUES.get, key=_key("input_values"), horizontal=True)
    st.radio("Kernel values", list(VALUES), format_func=VALUES.get, key=_key("kernel_values"), horizontal=True)
    if "random" in (st.session_state[_key("input_values")], st.session_state[_key("kernel_values")]):
        st.number_input("Random seed", 0, 9999, key=_key("seed"))
    return TransposedSettings(**{f.name: st.session_state[_key(f.name)] for f in fields(TransposedSettings)})


def values(kind: str, n: int, seed: int) -> np.ndarray:
    if kind == "ones":
        return np.ones((n, n), dtype=int)
    if kind == "random":
        return random_integers((n, n), -2, 3, seed)
    return np.arange(n * n).reshape(n, n)


@st.cache_data(max_entries=64, show_spinner=False)
def compute(s: TransposedSettings):
    """Engine results and figures; raises ValueError with a readable message for impossible settings."""
    x = values(s.input_values, s.size, s.seed)
    w = values(s.kernel_values, s.kernel, s.seed + 1)
    args = dict(stride=s.stride, padding=s.padding, output_padding=s.output_padding, dilation=s.dilation)
    out = conv_transpose2d(x, w, **args)
    view = as_direct_convolution(x, w, **args)
    stamps = conv_transpose2d_stamps(x, w, **args)
    return x, out, view, stretched_input_figure(view, out), stamps


@st.cache_data(max_entries=64, show_spinner=False)
def scatter_figure(s: TransposedSettings, pick: int | None) -> dict:
    """The scatter view: animated (``pick`` None) or showing stamp ``pick`` only."""
    x, _, view, _, stamps = compute(s)
    return stamps_figure(x, stamps, view.geometry, animate=pick is None, start=pick or 0)


def show_sizes(view) -> None:
    ax = view.geometry.rows
    size, formula = st.columns([1, 3])
    size.metric("Output size", f"{ax.out} × {view.geometry.cols.out}")
    formula.markdown("**o = s(i − 1) + d(k − 1) + 1 − 2p + a**" if ax.dilation > 1 else
                     "**o = s(i − 1) + k − 2p + a**")
    formula.markdown(f"<span style='font-size:1.6rem'>o = {ax.formula()}</span>", unsafe_allow_html=True)
    stretch, pad, kernel = st.columns(3)
    stretch.metric("Stretched input s(i − 1) + 1", ax.stretched,
                   help=f"{ax.stride - 1} zero(s) inserted between neighbouring pixels")
    implicit = "d(k − 1) − p" if ax.dilation > 1 else "k − p − 1"
    pad.metric(f"Implicit padding {implicit}", ax.implicit_padding,
               help="Zeros added on each side before the rotated kernel slides over the stretched input; "
                    "a negative number means rows and columns are cut off instead.")
    kernel.metric("Extra at bottom/right (a)", ax.output_padding)


st.title("Transposed convolution")
st.caption("Upsampling with a learnable kernel: every input pixel stamps a scaled copy of the kernel onto a "
           "bigger output. The same numbers come from an ordinary convolution over a stretched, padded input.")
_init_state()
controls, main = st.columns([1, 3.2], gap="large")
with controls:
    settings = read_settings()
with main:
    buttons = st.columns([1] + [1] * len(EXAMPLES), vertical_alignment="center")
    buttons[0].markdown("**Examples**")
    for column, (label, changes) in zip(buttons[1:], EXAMPLES.items()):
        column.button(label, on_click=_load_example, args=(changes,), key=_key(f"example.{label}"), width="stretch")
    try:
        x, out, view, stretched_fig, stamps = compute(settings)
    except ValueError as err:
        st.error(f"These settings cannot work: {err}.", icon=":material/error:")
        st.stop()
    show_sizes(view)
    direct_tab, scatter_tab = st.tabs(["As a direct convolution", "Scatter: each pixel stamps the kernel"])
    with direct_tab:
        st.markdown("Insert **s − 1 zeros** between input pixels, pad the result with **k − p − 1 zeros** "
                    "(plus **a** at the bottom/right), then slide the kernel **rotated by 180°** with stride 1. "
                    "The orange box is its first position; it writes the top-left output value.")
        show_figure(stretched_fig, key="transposed.direct", width="content")
    with scatter_tab:
        st.markdown("Each input pixel adds value × kernel to the output, stamps **s** apart; where they "
                    "overlap the numbers add up. Padding p then crops the border (grey). ▶ plays in your browser.")
        pick = None
        if not can_animate(stamps):
            pick = st.slider("Input pixel (row by row)", 1, len(stamps), len(stamps), key=_key("pick"),
                             help="Too many pixels to animate in the browser: step through them here.") - 1
        show_figure(scatter_figure(settings, pick), key="transposed.stamps", width="content")
