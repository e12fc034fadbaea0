"""Why convolutions? (course 4-1): parameter sharing and sparse connections, counted for the student's own
layer, seen on a small picture, and translation: shift the input, the feature map shifts."""
from __future__ import annotations

import numpy as np
import streamlit as st

import cnnviz
from cnnviz.lesson_snippets import params_snippets
from cnnviz.sharing import compare_layers, demo_kernel, demo_picture, params_question, translation
from cnnviz.viz.frames import convolution_animation
from cnnviz.viz.quiz import grids_figure
from ui.common.charts import show_figure
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson, lesson_page
from ui.common.player import player
from ui.common.predict import predict_first, question_key
from ui.common.text import error_text, lang, tr
from ui.schemas.why_convolutions import WhySettings


def read_settings(lesson: Lesson) -> WhySettings:
    sizes, layer = st.columns([3, 4], gap="large")
    for where, names in ((sizes, ("height", "width", "channels")), (layer, ("filters", "kernel", "stride", "padding"))):
        for column, name in zip(where.columns(len(names)), names):
            lesson.widget(name, column)
    lesson.widget("predict")
    return lesson.settings()


def show_counts(s: WhySettings) -> None:
    """The conv layer against its dense twin; a wrong size stops only this part."""
    try:
        cmp = compare_layers(s.height, s.width, s.channels, s.filters, s.kernel, s.stride, s.padding)
    except ValueError as err:
        st.error(tr("why.error.geometry", message=error_text(err)), icon=":material/error:")
        return
    (h, w, c), (oh, ow, k) = cmp.input_shape, cmp.output_shape
    st.markdown(tr("why.shapes", h=h, w=w, c=c, oh=oh, ow=ow, k=k, f=s.kernel))
    if s.predict and predict_first(params_question(cmp), question_key(WhySettings.PAGE, s)) is None:
        return
    conv, dense, ratio = st.columns(3)
    conv.metric(tr("why.conv_params"), f"{cmp.conv_params:,}")
    dense.metric(tr("why.dense_params"), f"{cmp.dense_params:,}")
    ratio.metric(tr("why.ratio"), f"{cmp.ratio:,.0f}×")
    st.code(f"{tr('why.conv_formula')}  {cmp.conv_formula()}\n{tr('why.dense_formula')}  {cmp.dense_formula()}",
            language=None, wrap_lines=True)
    sharing, sparsity = st.columns(2)
    sharing.info(tr("why.sharing", uses=f"{cmp.uses_per_weight:,}", weights=f"{cmp.conv_params - k:,}"),
                 icon=":material/content_copy:")
    sparsity.info(tr("why.sparsity", reads=f"{cmp.conv_reads:,}", total=f"{cmp.dense_reads:,}"),
                  icon=":material/scatter_plot:")
    code_panel(lambda: params_snippets(s.height, s.width, s.channels, s.filters, s.kernel, s.stride, s.padding))


def _remember_step(n: int) -> None:
    st.session_state["why.step"] = n


@st.cache_resource(max_entries=32, show_spinner=False)
def animate(n: int, f: int, stride: int, padding: int, language: str):
    """The small picture's trace and its frames (one per output cell)."""
    trace = cnnviz.conv2d_trace(demo_picture(n), demo_kernel(f), stride=stride, padding=padding)
    return trace, convolution_animation(trace, lang=language)


def show_sparsity(s: WhySettings) -> None:
    """Choose an output cell: the inputs it reads light up; the kernel is the same at every cell."""
    st.caption(tr("why.sparsity_view", f=s.kernel))
    try:
        trace, animation = animate(s.demo_size, s.kernel, s.stride, s.padding, lang())
    except ValueError as err:
        st.error(tr("why.error.geometry", message=error_text(err)), icon=":material/error:")
        return
    step = player(animation, key="why.player", step=min(s.step, len(trace.steps)), on_step=_remember_step)
    cell = trace.steps[step - 1]
    reads = int(trace.real[np.ix_(cell.rows, cell.cols)].sum())  # padding cells are not inputs
    st.markdown(tr("why.cell", row=cell.index[0] + 1, col=cell.index[1] + 1, reads=reads,
                   total=s.demo_size * s.demo_size))


def show_translation(s: WhySettings, lesson: Lesson) -> None:
    """The picture and its shifted copy, both feature maps, and where they agree exactly."""
    st.caption(tr("why.translation_view"))
    left, right = st.columns(2)
    lesson.widget("shift_rows", left)
    lesson.widget("shift_cols", right)
    try:
        t = translation(demo_picture(s.demo_size), demo_kernel(s.kernel), s.shift_rows, s.shift_cols, s.padding)
    except ValueError as err:
        st.error(tr("why.error.geometry", message=error_text(err)), icon=":material/error:")
        return
    difference = t.of_shifted - t.shifted_map
    grids = [(tr("why.fig.input"), demo_picture(s.demo_size)), (tr("why.fig.shifted_input"), t.shifted_input),
             (tr("why.fig.original_map"), t.original), (tr("why.fig.of_shifted"), t.of_shifted),
             (tr("why.fig.shifted_map"), t.shifted_map), (tr("why.fig.difference"), difference)]
    show_figure(grids_figure(grids[:2]), key="why.inputs")
    show_figure(grids_figure(grids[2:], max_width_px=900), key="why.maps")
    agree = int(np.sum(np.isclose(difference, 0)[t.exact]))
    st.markdown(tr("why.equivariance", exact=int(t.exact.sum()), agree=agree, total=t.exact.size,
                   border=int(np.sum(~np.isclose(difference, 0)))))
    st.caption(tr("why.border"))


def show(settings: WhySettings, lesson: Lesson) -> None:
    show_counts(settings)
    st.divider()
    lesson.widget("view", label_visibility="collapsed")
    lesson.widget("demo_size")
    if settings.view == "sparsity":
        show_sparsity(settings)
    else:
        show_translation(settings, lesson)


st.title(tr("nav.why_convolutions.title"))
lesson_page(WhySettings, "why.intro", read_settings, show)
