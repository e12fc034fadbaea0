"""Convolution, step by step: the kernel slides over the padded input; every output cell's arithmetic."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

import cnnviz
from cnnviz.examples import INPUTS, KERNELS, random_integers
from cnnviz.matrix_text import format_matrix, parse_matrix
from cnnviz.viz.slide import MAX_FRAMES, SlideLabels, slide_figure
from pages.common.charts import show_figure
from pages.common.entry import run_inside_app
from pages.common.stepping import pick_step

run_inside_app()

INPUT_LABELS = {
    "step_edge_6x6": "6×6 vertical edge (10 | 0)",
    "course_5x5": "5×5 course example",
    "numbers_3x3": "3×3 numbers 1…9",
    "random_7x7": "7×7 random whole numbers",
}
KERNEL_LABELS = {
    "vertical_edge": "Vertical edge [1 0 −1]",
    "horizontal_edge": "Horizontal edge",
    "course_2x2_a": "Course 2×2 [[2, 3], [0, 1]]",
    "course_2x2_b": "Course 2×2 [[0.1, 0.2], [0.3, 0.4]]",
    "ones_2x2": "2×2 all ones",
    "identity_3x3": "Identity",
    "box_blur_3x3": "Box blur",
    "sobel_x": "Sobel x",
    "sobel_y": "Sobel y",
    "sharpen": "Sharpen",
}
PADDING_MODES = {"explicit": "Number", "valid": "valid", "same": "same", "full": "full"}


@dataclass(frozen=True)
class ConvSettings:
    """Everything that defines what this page shows."""

    input_text: str = format_matrix(INPUTS["step_edge_6x6"])
    kernel_text: str = format_matrix(KERNELS["vertical_edge"])
    padding_mode: str = "explicit"
    pad_h: int = 0
    pad_w: int = 0
    stride_h: int = 1
    stride_w: int = 1
    dilation_h: int = 1
    dilation_w: int = 1
    bias: float = 0.0
    flip: bool = False

    @property
    def padding(self):
        return (self.pad_h, self.pad_w) if self.padding_mode == "explicit" else self.padding_mode


DEFAULTS = ConvSettings()


def _init_state() -> None:
    for name, value in DEFAULTS.__dict__.items():
        st.session_state.setdefault(f"conv.{name}", value)


def _load_input() -> None:
    choice = st.session_state["conv.input_preset"]
    array = random_integers((7, 7), seed=np.random.default_rng().integers(1000)) if choice == "random_7x7" \
        else INPUTS[choice]
    st.session_state["conv.input_text"] = format_matrix(array)


def _load_kernel() -> None:
    st.session_state["conv.kernel_text"] = format_matrix(KERNELS[st.session_state["conv.kernel_preset"]])


def _pair(label: str, key: str, low: int, high: int, disabled: bool = False) -> None:
    left, right = st.columns(2)
    left.number_input(f"{label} ↕ rows", low, high, key=f"conv.{key}_h", disabled=disabled)
    right.number_input(f"{label} ↔ columns", low, high, key=f"conv.{key}_w", disabled=disabled)


def read_settings() -> ConvSettings:
    """Draw the controls; return the settings they hold."""
    data, kernel, geometry = st.columns([1, 1, 1.3], gap="large")
    with data:
        st.selectbox("Input example", list(INPUT_LABELS), format_func=INPUT_LABELS.get, key="conv.input_preset",
                     on_change=_load_input, index=None, placeholder="Load an example…")
        st.text_area("Input (one row per line)", key="conv.input_text", height=190)
    with kernel:
        st.selectbox("Kernel", list(KERNEL_LABELS), format_func=KERNEL_LABELS.get, key="conv.kernel_preset",
                     on_change=_load_kernel, index=None, placeholder="Load a kernel…")
        st.text_area("Kernel (one row per line)", key="conv.kernel_text", height=120)
        st.number_input("Bias", key="conv.bias", step=1.0, format="%g")
        st.toggle("Flip the kernel 180°", key="conv.flip",
                  help="Off: cross-correlation, what CNN libraries compute (the kernel as written). "
                       "On: the mathematical convolution, which rotates the kernel by 180° first.")
    with geometry:
        st.radio("Padding", list(PADDING_MODES), format_func=PADDING_MODES.get, key="conv.padding_mode",
                 horizontal=True)
        _pair("Padding", "pad", 0, 10, disabled=st.session_state["conv.padding_mode"] != "explicit")
        _pair("Stride", "stride", 1, 10)
        _pair("Dilation", "dilation", 1, 5)
    return ConvSettings(**{name: st.session_state[f"conv.{name}"] for name in DEFAULTS.__dict__})


@st.cache_data(max_entries=64, show_spinner=False)
def compute(s: ConvSettings):
    """Parse, trace and draw. Raises ValueError with a readable message for impossible settings."""
    try:
        x = parse_matrix(s.input_text)
    except ValueError as err:
        raise ValueError(f"Input: {err}") from None
    try:
        w = parse_matrix(s.kernel_text, max_size=7)
    except ValueError as err:
        raise ValueError(f"Kernel: {err}") from None
    stride, dilation = (s.stride_h, s.stride_w), (s.dilation_h, s.dilation_w)
    return cnnviz.conv2d_trace(x, w, np.array([s.bias]), stride, s.padding, dilation, s.flip)


def show_formula(geo) -> None:
    rows, cols = geo.rows, geo.cols
    size, by_rows, by_cols = st.columns([1, 2, 2])
    size.markdown(f"**Output size** {rows.out} × {cols.out}")
    by_rows.markdown(f"rows: {rows.formula()}")
    by_cols.markdown(f"columns: {cols.formula()}")
    for name, ax in (("rows", rows), ("columns", cols)):
        missed = ax.unreached()
        if missed:
            st.warning(f"The stride does not divide evenly: the window never reaches padded {name} "
                       f"{', '.join(str(m) for m in missed)} (shaded red). They do not affect the output.",
                       icon=":material/content_cut:")


def show_step(step, flip: bool) -> None:
    st.markdown(f"### Output cell (row {step.index[-2]}, column {step.index[-1]})")
    st.markdown(f"<div style='font-size:1.4rem'>{step.equation}</div>", unsafe_allow_html=True)
    cols = st.columns(3)
    for column, name, values in zip(cols, ("Window of the input", "Kernel" + (" (flipped)" if flip else ""),
                                           "Products"), (step.patch, step.kernel, step.products)):
        column.caption(name)
        column.dataframe(np.vectorize(cnnviz.format_number)(values), hide_index=True)


st.title("Convolution, step by step")
st.caption("The kernel slides over the (padded) input. At each position it multiplies the numbers it "
           "covers, adds the products and the bias, and writes one output value.")
_init_state()
settings = read_settings()
try:
    trace = compute(settings)
except ValueError as err:
    st.error(f"These settings cannot be drawn: {err}", icon=":material/error:")
    st.stop()

with st.container(border=True):
    show_formula(trace.geometry)
if not np.all(np.isfinite(trace.output)):
    st.warning("Some results are too large for the computer's numbers (they overflow to infinity) and show "
               "as empty cells. Use smaller numbers.", icon=":material/warning:")
n_steps = len(trace.steps)
geo = trace.geometry
with st.container():
    pick, animate = pick_step(n_steps, MAX_FRAMES, "conv.step")
    padded = any(geo.pads[0]) or any(geo.pads[1])
    labels = SlideLabels(input="Input (grey: padding)" if padded else "Input")
    figure = slide_figure(trace.padded, trace.real, geo.out_shape, trace.steps, kernel=trace.steps[0].kernel,
                          unreached=(geo.rows.unreached(), geo.cols.unreached()), labels=labels,
                          start=pick, animate=animate)
    show_figure(figure, key="conv.figure")

if animate:
    with st.expander("Look at one output cell in detail"):
        if n_steps > 1:  # a slider needs two ends: a 1×1 output has one cell
            pick = st.slider("Output cell", 1, n_steps, 1, key="conv.detail") - 1
        show_step(trace.steps[pick], settings.flip)
else:
    show_step(trace.steps[pick], settings.flip)
