"""Pooling: a window with no weights keeps the max, mean or min of what it covers, channel by channel."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

import cnnviz
from cnnviz.code_snippets import pool_snippets
from cnnviz.layer import channel_contributions
from cnnviz.course import POOL_EXAMPLES, POOL_STREAM, random_filters, random_integers, with_more_channels
from cnnviz.quiz import pool_cell_question
from cnnviz.viz.frames import pooling_animation
from cnnviz.viz.pooling import ChannelLabels, WinnerLabels, channels_figure, winners_figure
from pages.common.charts import show_figure
from pages.common.code_panel import code_panel
from pages.common.controls import Lesson, lesson_page, presenting
from pages.common.formulas import unbroken
from pages.common.player import gif_download, player, speed_of
from pages.common.predict import predict_first, question_key, show_question
from pages.common.text import error_text, lang, tr
from pages.schemas.pooling import PoolSettings

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


def input_image(s: PoolSettings):
    """The (H, W) image being pooled."""
    if s.example == "random":
        return random_integers((s.height, s.width), seed=s.seed, stream=POOL_STREAM)
    return POOL_EXAMPLES[s.example].x


@st.cache_data(max_entries=64, show_spinner=False)
def compute_pool(s: PoolSettings):
    """Trace the pooling (the step is not part of it). Raises CnnvizError for impossible settings."""
    return cnnviz.pool2d_trace(input_image(s), s.size, s.stride, s.padding, s.mode, s.ceil)


def show_formula(s: PoolSettings, geo) -> None:
    formula, params = st.columns([3, 1], gap="large")
    with formula:
        st.markdown(f"<div style='font-size:1.25rem'>{tr('pool.output_size', h=geo.rows.out, w=geo.cols.out)}</div>",
                    unsafe_allow_html=True)
        st.markdown(f"{tr('pool.formula_rows')} {unbroken(geo.rows.formula())}  \n"
                    f"{tr('pool.formula_cols')} {unbroken(geo.cols.formula())}", unsafe_allow_html=True)
        notes = [tr(f"pool.padding_note.{s.mode}")] if s.padding else []
        floor = cnnviz.pool_geometry(s.input_shape, s.size, s.stride, s.padding, ceil_mode=False)
        if s.ceil and geo.out_shape != floor.out_shape:
            notes.append(tr("pool.ceil_added"))
        for name, ax in (("rows", geo.rows), ("cols", geo.cols)):
            if ax.unreached():
                notes.append(tr(f"pool.unreached_{name}", which=", ".join(str(m) for m in ax.unreached())))
        for note in notes:
            st.caption(note)
    params.metric(tr("pool.params_metric"), 0, help=tr("pool.params_help"))


def _remember_step(n: int) -> None:
    """The step the player moved to, before the rerun: so the lesson link carries it."""
    st.session_state["pool.step"] = n


@st.cache_resource(max_entries=32, show_spinner=False)
def animate(s: PoolSettings, language: str):
    """The trace and its frames, the same objects on every rerun (a step change costs nothing);
    ``s`` with its step and channels left at their defaults, since the frames depend on neither."""
    trace = compute_pool(s)
    return trace, pooling_animation(trace, language)


def predicted(s: PoolSettings, trace) -> bool:
    """Predict first: the value of the output cell the player shows, asked with the input drawn (the player,
    which would draw it, is hidden)."""
    cell = trace.steps[min(s.step, len(trace.steps)) - 1].index
    question = pool_cell_question(input_image(s), s.size, s.stride, s.padding, s.mode, s.ceil, cell)
    key = question_key("pool", replace(s, channels=1))
    show_question(question, key)
    return predict_first(question, key) is not None


def show_animation(s: PoolSettings, trace, animation) -> None:
    steps = len(trace.steps)
    player(animation, key="pool.player", step=min(s.step, steps), presenter=presenting(), on_step=_remember_step)
    gif_download(animation, key="pool.gif", speed=speed_of("pool.player"), name="pooling")


def show_gradient(s: PoolSettings, trace) -> None:
    text, picture = st.columns([1, 1.6], gap="large")
    text.markdown(tr(f"pool.gradient.{s.mode}"))
    labels = WinnerLabels(input=tr("pool.fig.winners_input"), output=tr("pool.fig.winners_output"))
    figure = winners_figure(trace.padded, trace.real, trace.steps, trace.geometry.out_shape, labels)
    with picture:
        show_figure(figure, key="pool.winners", width="content")


@st.cache_data(max_entries=32, show_spinner=False)
def compute_channels(s: PoolSettings):
    """Pool a C-channel input, and convolve it with one C×f×f filter of the same window and stride."""
    x = with_more_channels(input_image(s), s.channels, s.seed)
    bank = random_filters(s.seed, 1, s.channels, s.size)
    pooled = cnnviz.pool2d(x, s.size, s.stride, s.padding, s.mode, s.ceil)
    parts = channel_contributions(x, bank.w[0], s.stride, s.padding)
    conv_out = cnnviz.conv2d(x, bank.w, bank.b, s.stride, s.padding)[0]
    return x, pooled, parts, conv_out, bank


def channel_labels() -> ChannelLabels:
    words = {name: tr(f"pool.channel.fig_{name}") for name in ("pooling", "convolution", "input", "pooled", "part",
                                                                 "total")}
    modes = tuple((mode, tr(f"pool.channel.mode_{mode}")) for mode in ("max", "avg", "min"))
    return ChannelLabels(**words, modes=modes)


@st.fragment
def show_channels(lesson: Lesson) -> None:
    """Its own fragment: changing the channels does not resend (and restart) the animation above."""
    controls, counts = st.columns([2, 3], gap="large")
    lesson.settings()  # on a fragment rerun, take the slider's new value before it is drawn again
    lesson.widget("channels", controls)
    s = lesson.settings()
    x, pooled, parts, conv_out, bank = compute_channels(s)
    c, f = s.channels, s.size
    with counts:
        left, right = st.columns(2)
        left.metric(tr("pool.channel.pool_metric", c=c, h=x.shape[1], w=x.shape[2], ph=pooled.shape[1],
                       pw=pooled.shape[2]), tr("pool.channel.pool_value"))
        right.metric(tr("pool.channel.conv_metric", c=c, f=f, oh=conv_out.shape[0], ow=conv_out.shape[1]),
                     tr("pool.channel.conv_value", n=cnnviz.conv2d_params(c, 1, f)),
                     tr("pool.channel.conv_delta", c=c, f=f), delta_color="off", delta_arrow="off")
    figure = channels_figure(x, pooled, parts, conv_out, float(bank.b[0]), s.mode, channel_labels())
    show_figure(figure, key="pool.channels_figure", width="content")


def show(settings: PoolSettings, lesson: Lesson) -> None:
    """The output size, the animation, where the gradient goes, the code and the channels."""
    try:
        trace, animation = animate(replace(settings, step=1, channels=1), lang())
    except ValueError as err:  # the schema's limits keep every setting possible; this is the last line of defence
        st.error(tr("pool.impossible", message=error_text(err)), icon=":material/error:")
        return
    show_formula(settings, trace.geometry)
    if settings.predict and not predicted(settings, trace):
        return  # the answer parts stay hidden until the guess is checked
    show_animation(settings, trace, animation)
    code_panel(pool_snippets(input_image(settings), settings.size, settings.stride, settings.padding, settings.mode,
                             settings.ceil))
    if settings.mode != "avg":
        st.header(tr("pool.gradient.heading"))
        show_gradient(settings, trace)
    st.header(tr("pool.channel.heading"))
    st.markdown(tr("pool.channel.intro"))
    show_channels(lesson)


st.title(tr("nav.pooling.title"))
lesson_page(PoolSettings, "pool.intro", read_settings, show)
