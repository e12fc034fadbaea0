"""Convolution, step by step: the kernel slides over the padded input; every output cell's arithmetic."""
from __future__ import annotations

import numpy as np
import streamlit as st

import cnnviz
from cnnviz.course import INPUTS, KERNELS, random_integers
from cnnviz.matrix_text import format_matrix, parse_matrix
from cnnviz.viz.slide import MAX_FRAMES, SlideLabels, slide_figure
from pages.common.charts import show_figure
from pages.common.controls import Lesson
from pages.common.text import error_text, tr
from pages.schemas.convolution import MAX_KERNEL, ConvSettings


def _load_input() -> None:
    choice_ = st.session_state["conv.input_preset"]
    array = random_integers((7, 7), seed=np.random.default_rng().integers(1000)) if choice_ == "random_7x7" \
        else INPUTS[choice_]
    st.session_state["conv.input_text"] = format_matrix(array)


def _load_kernel() -> None:
    st.session_state["conv.kernel_text"] = format_matrix(KERNELS[st.session_state["conv.kernel_preset"]])


def read_settings(lesson: Lesson) -> ConvSettings:
    """Draw the controls; return the settings they hold."""
    data, kernel, geometry = st.columns([1, 1, 1.3], gap="large")
    with data:
        if "input_text" not in lesson.hidden:
            st.selectbox(tr("conv.input_preset.label"), list(INPUTS), format_func=lambda k: tr(f"conv.input.{k}"),
                         key="conv.input_preset", on_change=_load_input, index=None,
                         placeholder=tr("conv.input_preset.placeholder"))
        lesson.widget("input_text", height=190)
    with kernel:
        if "kernel_text" not in lesson.hidden:
            st.selectbox(tr("conv.kernel_preset.label"), list(KERNELS), format_func=lambda k: tr(f"conv.kernel.{k}"),
                         key="conv.kernel_preset", on_change=_load_kernel, index=None,
                         placeholder=tr("conv.kernel_preset.placeholder"))
        lesson.widget("kernel_text", height=120)
        lesson.widget("bias")
        lesson.widget("flip")
    with geometry:
        lesson.widget("padding_mode")
        explicit = lesson.current.padding_mode == "explicit"
        for pair in ("pad", "stride", "dilation"):
            left, right = st.columns(2)
            lesson.widget(f"{pair}_h", left, disabled=pair == "pad" and not explicit)
            lesson.widget(f"{pair}_w", right, disabled=pair == "pad" and not explicit)
    return lesson.settings()


def parse(s: ConvSettings):
    """The typed input and kernel as arrays; a st.error naming the part and stop when one cannot be read."""
    arrays = []
    for part, source, limit in (("input", s.input_text, None), ("kernel", s.kernel_text, MAX_KERNEL)):
        try:
            arrays.append(parse_matrix(source, max_size=limit) if limit else parse_matrix(source))
        except ValueError as err:
            st.error(tr(f"conv.error.{part}", message=error_text(err)), icon=":material/error:")
            st.stop()
    return arrays


@st.cache_data(max_entries=64, show_spinner=False)
def compute(x: np.ndarray, w: np.ndarray, s: ConvSettings):
    """The trace of every output cell. Raises CnnvizError for impossible geometry."""
    stride, dilation = (s.stride_h, s.stride_w), (s.dilation_h, s.dilation_w)
    return cnnviz.conv2d_trace(x, w, np.array([s.bias]), stride, s.padding, dilation, s.flip)


def show_formula(geo) -> None:
    rows, cols = geo.rows, geo.cols
    size, by_rows, by_cols = st.columns([1, 2, 2])
    size.markdown(tr("conv.output_size", h=rows.out, w=cols.out))
    by_rows.markdown(tr("conv.formula.rows", formula=rows.formula()))
    by_cols.markdown(tr("conv.formula.cols", formula=cols.formula()))
    if geo.pads[0][0] != geo.pads[0][1] or geo.pads[1][0] != geo.pads[1][1]:
        st.caption(tr("conv.asymmetric_padding", top=geo.pads[0][0], bottom=geo.pads[0][1],
                      left=geo.pads[1][0], right=geo.pads[1][1]))
    for axis, ax in (("rows", rows), ("cols", cols)):
        missed = ax.unreached()
        if missed:
            st.warning(tr(f"conv.unreached.{axis}", which=", ".join(str(m + 1) for m in missed)),
                       icon=":material/content_cut:")


def show_step(step, flip: bool) -> None:
    st.markdown(tr("conv.cell.heading", row=step.index[-2] + 1, col=step.index[-1] + 1))
    st.markdown(f"<div style='font-size:1.4rem'>{step.equation}</div>", unsafe_allow_html=True)
    names = ("conv.cell.window", "conv.cell.kernel_flipped" if flip else "conv.cell.kernel", "conv.cell.products")
    for column, name, values in zip(st.columns(3), names, (step.patch, step.kernel, step.products)):
        column.caption(tr(name))
        column.dataframe(np.vectorize(cnnviz.format_number)(values), hide_index=True)


def show(settings: ConvSettings, lesson: Lesson) -> None:
    """The formula, the animation and the arithmetic of the chosen output cell."""
    try:
        trace = compute(*parse(settings), settings)
    except ValueError as err:
        st.error(tr("conv.error.geometry", message=error_text(err)), icon=":material/error:")
        return

    with st.container(border=True):
        show_formula(trace.geometry)
    if not np.all(np.isfinite(trace.output)):
        st.warning(tr("conv.overflow"), icon=":material/warning:")
    n_steps = len(trace.steps)
    geo = trace.geometry
    animate = n_steps <= MAX_FRAMES
    step = min(settings.step, n_steps) - 1
    padded = any(geo.pads[0]) or any(geo.pads[1])
    labels = SlideLabels(input=tr("conv.fig.input_padded" if padded else "conv.fig.input"),
                         kernel=tr("conv.fig.kernel_flipped" if settings.flip else "conv.fig.kernel"),
                         output=tr("conv.fig.output"), play=tr("app.player.play"), fast=tr("app.player.fast"),
                         pause=tr("app.player.pause"), step=tr("app.player.step"))
    figure = slide_figure(trace.padded, trace.real, geo.out_shape, trace.steps, kernel=trace.steps[0].kernel,
                          unreached=(geo.rows.unreached(), geo.cols.unreached()), labels=labels,
                          start=step, animate=animate)
    show_figure(figure, key="conv.figure")
    st.caption(tr("app.player.hint_browser" if animate else "app.player.hint_server", n=n_steps))
    if n_steps > 1:  # a slider needs two ends: a 1×1 output has one cell
        step = lesson.widget("step", bounds=(1, n_steps)) - 1
    show_step(trace.steps[step], settings.flip)


st.title(tr("nav.convolution.title"))
lesson = Lesson(ConvSettings)
lesson.notices()
controls, body = lesson.areas()
with controls:
    st.caption(tr("conv.intro"))
    settings = read_settings(lesson)
    lesson.link_control()
with body:
    show(settings, lesson)
