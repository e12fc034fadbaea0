"""Pooling: a window with no weights keeps the max, mean or min of what it covers, channel by channel."""
from __future__ import annotations

import functools
from dataclasses import replace

import streamlit as st

import cnnviz
from cnnviz.code_snippets import pool_snippets
from cnnviz.course import POOL_EXAMPLES, POOL_STREAM, random_filters, random_integers, with_more_channels
from cnnviz.layer import channel_contributions
from cnnviz.locales import t
from cnnviz.quiz import pool_cell_question
from cnnviz.viz.frames import pooling_animation
from cnnviz.viz.pooling import ChannelLabels, WinnerLabels, channels_figure, winners_figure
from ui.common.charts import show_figure
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson, lesson_page, presenting
from ui.common.formulas import unbroken
from ui.common.player import gif_download, player, speed_of
from ui.common.predict import predict_first, question_key, show_question
from ui.common.text import error_text, lang, tr
from ui.schemas.pooling import PoolSettings


def _load_example() -> None:
    """A course example comes with the window its source uses."""
    example = POOL_EXAMPLES.get(st.session_state["pool.example"])
    if example is not None:
        st.session_state["pool.size"], st.session_state["pool.stride"] = example.size, example.stride
        st.session_state["pool.padding"] = 0


def read_settings(lesson: Lesson) -> PoolSettings:
    """Draw the controls; return the settings they hold."""
    data, window, edges = st.columns([1.2, 1, 1], gap="large")
    with data:
        lesson.widget("example", on_change=_load_example)
        random = lesson.current.example == "random"
        left, middle, right = st.columns(3)
        lesson.widget("height", left, disabled=not random)
        lesson.widget("width", middle, disabled=not random)
        lesson.widget("seed", right)
    with window:
        lesson.widget("mode")
        lesson.widget("size")
        lesson.widget("stride")
    with edges:
        lesson.widget("padding")
        lesson.widget("ceil")
        lesson.widget("predict")
    return lesson.settings()


def image_key(s: PoolSettings) -> tuple:
    """What the input depends on, as a cache key: the course example, or the random input's size and seed."""
    return ("random", s.height, s.width, s.seed) if s.example == "random" else (s.example,)


def window_key(s: PoolSettings) -> tuple:
    return s.mode, s.size, s.stride, s.padding, s.ceil


def input_image(image: tuple):
    """The (H, W) image of an :func:`image_key`."""
    example, *random = image
    if example == "random":
        height, width, seed = random
        return random_integers((height, width), seed=seed, stream=POOL_STREAM)
    return POOL_EXAMPLES[example].x


# Built once, the same objects on every rerun: functools, not st.cache_*, whose key costs ~0.2 ms of every rerun
@functools.lru_cache(maxsize=32)
def pooling(image: tuple, window: tuple, language: str) -> tuple:
    """``(trace, animation, winners figure or None, code)``, keyed on what the pooling depends on (not the step,
    the channels or the predict switch). Raises CnnvizError for impossible settings."""
    x, (mode, size, stride, padding, ceil) = input_image(image), window
    trace = cnnviz.pool2d_trace(x, size, stride, padding, mode, ceil)
    winners = None
    if mode != "avg":
        labels = WinnerLabels(*(t(f"pool.fig.winners_{part}", language) for part in ("input", "output")))
        winners = winners_figure(trace.padded, trace.real, trace.steps, trace.geometry.out_shape, labels)
    return trace, pooling_animation(trace, language), winners, pool_snippets(x, size, stride, padding, mode, ceil)


def show_formula(s: PoolSettings, geo) -> None:
    """The output size, its formulas and the notes under them beside the parameter count: one row of two
    elements (columns would add three blocks; a note of its own would move every element after it)."""
    notes = [tr(f"pool.padding_note.{s.mode}")] if s.padding else []
    floor = cnnviz.pool_geometry(s.input_shape, s.size, s.stride, s.padding, ceil_mode=False)
    if s.ceil and geo.out_shape != floor.out_shape:
        notes.append(tr("pool.ceil_added"))
    for name, ax in (("rows", geo.rows), ("cols", geo.cols)):
        if ax.unreached():
            notes.append(tr(f"pool.unreached_{name}", which=", ".join(str(m) for m in ax.unreached())))
    row = st.container(horizontal=True, horizontal_alignment="distribute", gap="large")
    row.markdown(f"<div style='font-size:1.25rem'>{tr('pool.output_size', h=geo.rows.out, w=geo.cols.out)}"
                 f"</div>\n\n{tr('pool.formula_rows')} {unbroken(geo.rows.formula())}  \n"
                 f"{tr('pool.formula_cols')} {unbroken(geo.cols.formula())}"
                 + "".join(f"\n\n<small style='opacity:0.6'>{note}</small>" for note in notes),  # st.caption's look
                 unsafe_allow_html=True)
    row.metric(tr("pool.params_metric"), 0, help=tr("pool.params_help"), width="content")


def _remember_step(n: int) -> None:
    """The step the player moved to, before the rerun: so the lesson link carries it."""
    st.session_state["pool.step"] = n


def predicted(s: PoolSettings, trace) -> bool:
    """Predict first: the value of the output cell the player shows, asked with the input drawn (the player,
    which would draw it, is hidden)."""
    cell = trace.steps[min(s.step, len(trace.steps)) - 1].index
    question = pool_cell_question(input_image(image_key(s)), s.size, s.stride, s.padding, s.mode, s.ceil, cell)
    key = question_key("pool", replace(s, channels=1))
    show_question(question, key)
    return predict_first(question, key) is not None


def show_animation(s: PoolSettings, animation) -> None:
    player(animation, key="pool.player", step=min(s.step, len(animation.frames)), presenter=presenting(),
           on_step=_remember_step)
    gif_download(animation, key="pool.gif", speed=speed_of("pool.player"), name="pooling")


def show_gradient(s: PoolSettings, figure: dict) -> None:
    text, picture = st.columns([1, 1.6], gap="large")  # a row would wrap: the figure keeps its own width
    text.markdown(tr(f"pool.gradient.{s.mode}"))
    with picture:
        show_figure(figure, key="pool.winners", width="content")


@functools.lru_cache(maxsize=32)
def channels(image: tuple, seed: int, count: int, window: tuple, language: str):
    """``(figure, shapes)``: a C-channel input pooled, and convolved with one C×f×f filter of the same window and
    stride; the shapes of the input (C, H, W), of what pooling gives (C, Ho, Wo) and of the filter's map (Hc, Wc)."""
    mode, f, stride, padding, ceil = window
    x = with_more_channels(input_image(image), count, seed)
    bank = random_filters(seed, 1, count, f)
    pooled = cnnviz.pool2d(x, f, stride, padding, mode, ceil)
    parts = channel_contributions(x, bank.w[0], stride, padding)
    conv_out = cnnviz.conv2d(x, bank.w, bank.b, stride, padding)[0]
    words = {name: t(f"pool.channel.fig_{name}", language) for name in ("pooling", "convolution", "input", "pooled",
                                                                        "part", "total")}
    modes = tuple((m, t(f"pool.channel.mode_{m}", language)) for m in ("max", "avg", "min"))
    figure = channels_figure(x, pooled, parts, conv_out, float(bank.b[0]), mode, ChannelLabels(**words, modes=modes))
    return figure, (x.shape, pooled.shape, conv_out.shape)


@st.fragment
def show_channels(lesson: Lesson) -> None:
    """Its own fragment: changing the channels does not resend (and restart) the animation above."""
    row = st.container(horizontal=True, gap="large")  # one element (two levels of columns would be six)
    s = lesson.current  # as the lesson read it, unless this is a rerun of this fragment for the slider:
    if st.session_state.get(lesson.key("channels")) != s.channels:
        s = lesson.settings()  # then its new value, taken before the slider is drawn again
    lesson.widget("channels", row)
    figure, ((c, h, w), (_, ph, pw), (oh, ow)) = channels(image_key(s), s.seed, s.channels, window_key(s), lang())
    row.metric(tr("pool.channel.pool_metric", c=c, h=h, w=w, ph=ph, pw=pw), tr("pool.channel.pool_value"),
               width="content")
    row.metric(tr("pool.channel.conv_metric", c=c, f=s.size, oh=oh, ow=ow),
               tr("pool.channel.conv_value", n=cnnviz.conv2d_params(c, 1, s.size)),
               tr("pool.channel.conv_delta", c=c, f=s.size), delta_color="off", delta_arrow="off", width="content")
    show_figure(figure, key="pool.channels_figure", width="content")


def show(settings: PoolSettings, lesson: Lesson) -> None:
    """The output size, the animation, where the gradient goes, the code and the channels."""
    try:
        trace, animation, winners, code = pooling(image_key(settings), window_key(settings), lang())
    except ValueError as err:  # the schema's limits keep every setting possible; this is the last line of defence
        st.error(tr("pool.impossible", message=error_text(err)), icon=":material/error:")
        return
    show_formula(settings, trace.geometry)
    if settings.predict and not predicted(settings, trace):
        return  # the answer parts stay hidden until the guess is checked
    show_animation(settings, animation)
    code_panel(lambda: code)
    if winners is not None:
        st.header(tr("pool.gradient.heading"))
        show_gradient(settings, winners)
    st.markdown(f"## {tr('pool.channel.heading')}\n\n{tr('pool.channel.intro')}")
    show_channels(lesson)


st.title(tr("nav.pooling.title"))
lesson_page(PoolSettings, "pool.intro", read_settings, show,
            stepped=("height", "width", "seed", "size", "stride", "padding"))
