"""Convolution, step by step: the kernel slides over the padded input; every output cell's arithmetic."""
from __future__ import annotations

import functools
from dataclasses import replace

import numpy as np
import streamlit as st

import cnnviz
from cnnviz.code_snippets import conv_snippets
from cnnviz.course import INPUTS, KERNELS, random_integers
from cnnviz.matrix_text import format_matrix, parse_matrix
from cnnviz.quiz import conv_cell_question, feature_map_question
from cnnviz.viz.board import html_grid
from cnnviz.viz.frames import convolution_animation
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson, in_order, lesson_page, presenting
from ui.common.formulas import NOWRAP, unbroken
from ui.common.player import gif_download, player, speed_of
from ui.common.predict import predict_first, question_key
from ui.common.text import error_text, lang, tr
from ui.schemas.convolution import MAX_KERNEL, ConvSettings

PREDICT_MAP_CELLS = 16  # up to 4×4 outputs a student types the whole feature map; beyond, one cell


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
        lesson.widget("predict")
    with geometry:
        lesson.widget("padding_mode")
        explicit = lesson.current.padding_mode == "explicit"
        for pair in ("pad", "stride", "dilation"):
            both = st.container(horizontal=True)  # one block per pair, not three (a column each)
            lesson.widget(f"{pair}_h", both, disabled=pair == "pad" and not explicit)
            lesson.widget(f"{pair}_w", both, disabled=pair == "pad" and not explicit)
    return lesson.settings()


@functools.lru_cache(maxsize=64)
def parsed(source: str, limit: int | None = None) -> np.ndarray:
    """A typed matrix as a read-only array, read once per text (a step of another setting costs nothing).
    Raises ValueError as ``parse_matrix`` does (not remembered)."""
    array = parse_matrix(source, max_size=limit) if limit else parse_matrix(source)
    array.setflags(write=False)
    return array


def parse(s: ConvSettings):
    """The typed input and kernel as arrays; a st.error naming the part and stop when one cannot be read."""
    arrays = []
    for part, source, limit in (("input", s.input_text, None), ("kernel", s.kernel_text, MAX_KERNEL)):
        try:
            arrays.append(parsed(source, limit))
        except ValueError as err:
            st.error(tr(f"conv.error.{part}", message=error_text(err)), icon=":material/error:")
            st.stop()
    return arrays


def show_formula(geo) -> None:
    rows, cols = geo.rows, geo.cols
    parts = (NOWRAP.format(tr("conv.output_size", h=rows.out, w=cols.out)),
             tr("conv.formula.rows", formula=unbroken(rows.formula())),
             tr("conv.formula.cols", formula=unbroken(cols.formula())))
    st.markdown("&emsp;&emsp;&emsp;".join(parts), unsafe_allow_html=True)  # one element; a line breaks at an " = "
    if geo.pads[0][0] != geo.pads[0][1] or geo.pads[1][0] != geo.pads[1][1]:
        st.caption(tr("conv.asymmetric_padding", top=geo.pads[0][0], bottom=geo.pads[0][1],
                      left=geo.pads[1][0], right=geo.pads[1][1]))
    for axis, ax in (("rows", rows), ("cols", cols)):
        missed = ax.unreached()
        if missed:
            st.warning(tr(f"conv.unreached.{axis}", which=", ".join(str(m + 1) for m in missed)),
                       icon=":material/content_cut:")


def show_step(step, flip: bool) -> None:
    """The chosen cell's equation and its window, kernel and products side by side (few elements: each one
    costs every rerun)."""
    st.markdown(tr("conv.cell.heading", row=step.index[-2] + 1, col=step.index[-1] + 1)
                + f"\n\n<div style='font-size:1.4rem'>{step.equation}</div>", unsafe_allow_html=True)
    names = ("conv.cell.window", "conv.cell.kernel_flipped" if flip else "conv.cell.kernel", "conv.cell.products")
    grids = "".join(f"<div style='flex:1'><small style='opacity:0.6'>{tr(name)}</small>{html_grid(values)}</div>"
                    for name, values in zip(names, (step.patch, step.kernel, step.products)))
    st.markdown(f"<div style='display:flex;flex-wrap:wrap;gap:2rem'>{grids}</div>", unsafe_allow_html=True)


def _remember_step(n: int) -> None:
    """The step the player moved to, before the rerun: so the lesson link carries it."""
    st.session_state["conv.step"] = n


# Keyed on the settings themselves (a frozen dataclass): functools, not st.cache_*, which hashes the arrays and the
# settings' repr on every rerun
@functools.lru_cache(maxsize=32)
def animate(s: ConvSettings, language: str):
    """The trace of every output cell and its frames, the same objects on every rerun; ``s`` with its step and
    "Predict first" at their defaults, since neither changes them. Raises CnnvizError for impossible geometry."""
    x, w = parsed(s.input_text), parsed(s.kernel_text, MAX_KERNEL)
    stride, dilation = (s.stride_h, s.stride_w), (s.dilation_h, s.dilation_w)
    trace = cnnviz.conv2d_trace(x, w, np.array([s.bias]), stride, s.padding, dilation, s.flip)
    return trace, convolution_animation(trace, s.flip, language)


def predicted(x: np.ndarray, w: np.ndarray, s: ConvSettings, trace) -> bool:
    """Predict first: the whole feature map when it is small enough to type, else the chosen cell's value."""
    stride, dilation = (s.stride_h, s.stride_w), (s.dilation_h, s.dilation_w)
    if trace.output.size <= PREDICT_MAP_CELLS:
        question = feature_map_question(x, w, s.bias, stride, s.padding, dilation, s.flip)
        s = replace(s, step=1)  # the same question whatever cell the player shows
    else:
        cell = trace.steps[min(s.step, len(trace.steps)) - 1].index[-2:]
        question = conv_cell_question(x, w, s.bias, stride, s.padding, dilation, cell, s.flip)
    return predict_first(question, question_key("conv", s)) is not None


def show(settings: ConvSettings, lesson: Lesson) -> None:
    """The formula, the animation and the arithmetic of the chosen output cell."""
    x, w = parse(settings)
    try:
        trace, animation = animate(replace(settings, step=1, predict=False), lang())
    except ValueError as err:
        st.error(tr("conv.error.geometry", message=error_text(err)), icon=":material/error:")
        return

    if settings.predict and not predicted(x, w, settings, trace):
        return  # the answer parts stay hidden until the guess is checked
    figure_first = presenting()  # on a projector the animation and its equation fill the first screen
    above, below = (st.container(), st.container()) if figure_first else (in_order(), in_order())
    with below if figure_first else above:
        with st.container(border=True):
            show_formula(trace.geometry)
        if not np.all(np.isfinite(trace.output)):
            st.warning(tr("conv.overflow"), icon=":material/warning:")
    n_steps = len(trace.steps)
    with above if figure_first else below:
        step = player(animation, key="conv.player", step=min(settings.step, n_steps), presenter=figure_first,
                      on_step=_remember_step) - 1
        gif_download(animation, key="conv.gif", speed=speed_of("conv.player"), name="convolution")
    show_step(trace.steps[step], settings.flip)
    code_panel(lambda: conv_snippets(x, w, settings.bias, (settings.stride_h, settings.stride_w), settings.padding,
                             (settings.dilation_h, settings.dilation_w), settings.flip))


st.title(tr("nav.convolution.title"))
lesson_page(ConvSettings, "conv.intro", read_settings, show,
            stepped=("bias", "pad_h", "pad_w", "stride_h", "stride_w", "dilation_h", "dilation_w"))
