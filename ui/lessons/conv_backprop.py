"""Backpropagation through a convolution, animated: dw = x ⋆ dy and dx = the full convolution of dy with
the kernel rotated 180°, stepped cell by cell in the forward animation's player."""
from __future__ import annotations

import numpy as np
import streamlit as st

import cnnviz
from cnnviz.backward_trace import conv2d_backward_trace, example_gradient, gradient_question
from cnnviz.lesson_snippets import backprop_snippets
from cnnviz.matrix_text import parse_matrix
from cnnviz.viz.backward_frames import input_gradient_animation, weight_gradient_animation
from cnnviz.viz.quiz import grids_figure
from ui.common.charts import show_figure
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson, lesson_page
from ui.common.player import gif_download, player, speed_of
from ui.common.predict import predict_first, question_key
from ui.common.text import error_text, lang, tr
from ui.schemas.conv_backprop import MAX_KERNEL, MAX_SIZE, BackpropSettings


def read_settings(lesson: Lesson) -> BackpropSettings:
    data, kernel, gradient = st.columns([1, 1, 1.2], gap="large")
    lesson.widget("input_text", data, height=170)
    lesson.widget("kernel_text", kernel, height=110)
    left, right = kernel.columns(2)
    lesson.widget("stride", left)
    lesson.widget("padding", right)
    lesson.widget("gradient", gradient)
    lesson.widget("dout_text", gradient, height=150, disabled=lesson.current.gradient != "typed")
    lesson.widget("predict")
    return lesson.settings()


def parse(s: BackpropSettings):
    """Input and kernel as arrays; a st.error naming the part and stop when one cannot be read."""
    arrays = []
    for part, source, limit in (("input", s.input_text, MAX_SIZE), ("kernel", s.kernel_text, MAX_KERNEL)):
        try:
            arrays.append(parse_matrix(source, max_size=limit))
        except ValueError as err:
            st.error(tr(f"backprop.error.{part}", message=error_text(err)), icon=":material/error:")
            st.stop()
    return arrays


@st.cache_resource(max_entries=32, show_spinner=False)
def animate(x: np.ndarray, w: np.ndarray, dout: np.ndarray, stride: int, padding: int, language: str):
    """The backward trace and both animations, the same objects on every rerun."""
    back = conv2d_backward_trace(x, w, dout, stride, padding)
    return back, {"weight": weight_gradient_animation(back, language), "input": input_gradient_animation(back, language)}


def output_gradient(s: BackpropSettings, shape: tuple[int, int]) -> np.ndarray:
    if s.gradient != "typed":
        return example_gradient(s.gradient, shape)
    try:
        return parse_matrix(s.dout_text, max_size=MAX_SIZE)
    except ValueError as err:
        st.error(tr("backprop.error.dout", message=error_text(err)), icon=":material/error:")
        st.stop()


def _remember_step(n: int) -> None:
    st.session_state["backprop.step"] = n


def show(s: BackpropSettings, lesson: Lesson) -> None:
    x, w = parse(s)
    try:
        geo = cnnviz.conv_geometry(x.shape, w.shape, s.stride, s.padding)
        back, animations = animate(x, w, output_gradient(s, geo.out_shape), s.stride, s.padding, lang())
    except ValueError as err:
        st.error(tr("backprop.error.geometry", message=error_text(err)), icon=":material/error:")
        return
    oh, ow = geo.out_shape
    st.markdown(tr("backprop.forward", h=x.shape[0], w=x.shape[1], oh=oh, ow=ow, stride=s.stride, padding=s.padding))
    lesson.widget("view", label_visibility="collapsed")
    st.markdown(tr(f"backprop.rule.{s.view}", stride=s.stride, fh=w.shape[0], fw=w.shape[1]))
    animation = animations[s.view]
    total = len(animation.frames)
    step = min(s.step, total)
    if s.predict:
        question = gradient_question(back, s.view, step - 1)
        if predict_first(question, question_key(BackpropSettings.PAGE, s)) is None:
            return
    step = player(animation, key=f"backprop.player.{s.view}", step=step, on_step=_remember_step)
    gif_download(animation, key="backprop.gif", speed=speed_of(f"backprop.player.{s.view}"), name=f"backprop-{s.view}")
    grids = [(tr("backprop.fig.dw"), back.dw), (tr("backprop.fig.dx_cropped"), back.dx)]
    show_figure(grids_figure(grids), key="backprop.results")
    st.markdown(tr("backprop.db", db=cnnviz.format_number(back.db)))
    st.caption(tr("backprop.checked"))
    code_panel(lambda: backprop_snippets(x, w, back.dout, s.stride, s.padding))


st.title(tr("backprop.title"))
lesson_page(BackpropSettings, "backprop.intro", read_settings, show)
