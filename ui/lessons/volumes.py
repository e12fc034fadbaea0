"""Convolution over volumes: C input channels, K filters of C×f×f, one output map per filter."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

import cnnviz
from cnnviz.activations import ACTIVATIONS, activation_latex
from cnnviz.code_snippets import volume_snippets
from cnnviz.course import random_filters, random_volume, rgb_picture
from cnnviz.layer import bottleneck, conv_layer, conv_vs_dense
from cnnviz.param_formulas import FormulaWords, conv_latex, dense_latex
from cnnviz.quiz import conv_params_question
from cnnviz.viz.frames import volume_animation
from cnnviz.viz.volumes import BottleneckLabels, LayerLabels, bottleneck_figure, layer_figure
from ui.common.charts import show_figure
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson, lesson_page, presenting
from ui.common.player import gif_download, player, speed_of
from ui.common.predict import predict_first, question_key, show_question
from ui.common.text import error_text, lang, tr
from ui.schemas import SETTINGS_HASH
from ui.schemas.volumes import VolumeSettings

BIG_IMAGE = 224  # "and on a real photo?": the parameter comparison at ImageNet size


def read_settings(lesson: Lesson) -> VolumeSettings:
    """Draw the controls for the volume; return all the page's settings."""
    data, filters, geometry = st.columns(3, gap="large")
    with data:
        lesson.widget("source")
        lesson.widget("size")
        lesson.widget("channels", disabled=lesson.current.source == "picture")
    with filters:
        lesson.widget("filters")
        lesson.widget("kernel")
        lesson.widget("seed")
    with geometry:
        lesson.widget("padding")
        lesson.widget("stride")
        lesson.widget("predict")
    return lesson.settings()


def example(s: VolumeSettings):
    """The input volume (C, H, W) and the filter bank for these settings."""
    x = rgb_picture(s.size) if s.source == "picture" else random_volume(s.seed, s.channels, s.size)
    return x, random_filters(s.seed, s.filters, s.input_channels, s.kernel)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=SETTINGS_HASH)
def compute_volume(s: VolumeSettings):
    """Trace every output cell. Raises CnnvizError for impossible settings."""
    x, bank = example(s)
    return cnnviz.conv2d_trace(x, bank.w, bank.b, s.stride, s.padding)


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=SETTINGS_HASH)
def animate(s: VolumeSettings, language: str):
    """The frames of the volume's trace, the same object on every rerun (``s`` is ``volume_part()``)."""
    channels = ("R", "G", "B") if s.source == "picture" else \
        tuple(tr("volumes.fig.channel", c=c + 1) for c in range(s.channels))
    return volume_animation(compute_volume(s), channels, language)


def show_shapes(s: VolumeSettings, trace) -> None:
    geo, (k, ho, wo) = trace.geometry, trace.output.shape
    shapes = tr("volumes.shapes", n=s.size, c=s.input_channels, hp=geo.rows.padded, wp=geo.cols.padded, k=k,
                f=s.kernel, s=s.stride, ho=ho, wo=wo)
    st.markdown(f"<div style='font-size:1.25rem'>{shapes}</div>", unsafe_allow_html=True)
    st.markdown(tr("volumes.shapes_why", formula=geo.rows.formula(), c=s.input_channels))


def _remember_step(n: int) -> None:
    """The step the player moved to, before the rerun: so the lesson link carries it."""
    st.session_state["volumes.step"] = n


def show_cells(s: VolumeSettings, trace) -> None:
    animation = animate(s.volume_part(), lang())
    player(animation, key="volumes.player", step=min(s.step, len(trace.steps)), presenter=presenting(),
           on_step=_remember_step)
    gif_download(animation, key="volumes.gif", speed=speed_of("volumes.player"), name="volumes")
    x, bank = example(s)
    code_panel(lambda: volume_snippets(x, bank.w, bank.b, s.stride, s.padding, s.activation, s.slope))


def predicted(s: VolumeSettings) -> bool:
    """Predict first: the parameter count of the layer (K filters of C×f×f, one bias each)."""
    question = conv_params_question(s.input_channels, s.filters, s.kernel)
    key = question_key("volumes", replace(s.volume_part(), seed=0))
    show_question(question, key)
    return predict_first(question, key) is not None


def show_parameters(s: VolumeSettings) -> None:
    c, k = s.input_channels, s.filters
    here = conv_vs_dense((c, s.size, s.size), k, s.kernel, s.stride, s.padding)
    words = FormulaWords(*(tr(f"volumes.params.word.{w}") for w in ("filters", "kernel", "channels", "biases",
                                                                     "inputs", "outputs")))
    conv_col, dense_col = st.columns(2, gap="large")
    conv_col.metric(tr("volumes.params.conv"), tr("volumes.params.count", n=f"{here.conv.total:,}"))
    conv_col.latex(conv_latex(here, words))
    dense_col.metric(tr("volumes.params.dense"), tr("volumes.params.count", n=f"{here.dense.total:,}"))
    dense_col.latex(dense_latex(here, words))
    big = conv_vs_dense((c, BIG_IMAGE, BIG_IMAGE), k, s.kernel, s.stride, s.padding)
    st.info(tr("volumes.params.insight", ratio=f"{here.ratio:,.1f}", n=BIG_IMAGE, c=c, k=k,
               conv=f"{big.conv.total:,}", ho=big.output_shape[1], wo=big.output_shape[2],
               dense=f"{big.dense.total:,}"), icon=":material/lightbulb:")


@st.fragment
def show_layer(lesson: Lesson) -> None:
    """Its own fragment: changing the activation does not resend (and restart) the animation above."""
    lesson.settings()  # a fragment rerun: catch up with the values just changed
    choice, slope, formula = st.columns([1.3, 0.9, 1.8], gap="large", vertical_alignment="center")
    lesson.widget("activation", choice)
    if lesson.current.activation == "leaky_relu":
        lesson.widget("slope", slope)
    s = lesson.settings()
    formula.latex(activation_latex(s.activation, s.slope))
    x, bank = example(s)
    maps = conv_layer(x, bank.w, bank.b, s.stride, s.padding, s.activation, s.slope)
    labels = LayerLabels(conv=tr("volumes.layer.conv"), biased=tr("volumes.layer.biased"),
                         activated=tr("volumes.layer.activated"),
                         names=tuple((a, tr(f"volumes.activation.{a}")) for a in ACTIVATIONS))
    show_figure(layer_figure(maps, bank.b, labels), key="volumes.layer", width="content")


@st.fragment
def show_bottleneck(lesson: Lesson) -> None:
    """Its own fragment: these inputs do not touch the figures above."""
    lesson.settings()
    controls, result = st.columns([1, 2.4], gap="large")
    for name in ("bn_in", "bn_reduced", "bn_out", "bn_kernel", "bn_size", "bn_bias"):
        lesson.widget(name, controls)
    s = lesson.settings()
    bn = bottleneck(s.bn_in, s.bn_reduced, s.bn_out, int(s.bn_kernel), s.bn_size, s.bn_bias)
    words = {"f": f"{s.bn_kernel}×{s.bn_kernel}", "c": bn.in_channels, "r": bn.reduced, "k": bn.out_channels}
    with result:
        a, b, c = st.columns(3)
        a.metric(tr("volumes.bn.direct", **words), f"{bn.direct.total:,}")
        b.metric(tr("volumes.bn.through", **words), f"{bn.bottleneck_params:,}",
                 f"{bn.reduce.total:,} + {bn.expand.total:,}", delta_color="off", delta_arrow="off")
        saved = bn.saving >= 0
        ratio = bn.direct.total / bn.bottleneck_params if saved else bn.bottleneck_params / bn.direct.total
        c.metric(tr("volumes.bn.saved" if saved else "volumes.bn.extra"), f"{abs(bn.saving):.1%}",
                 tr("volumes.bn.fewer" if saved else "volumes.bn.more", times=f"{ratio:.1f}"),
                 delta_color="off", delta_arrow="off")
        labels = BottleneckLabels(**{name: tr(f"volumes.bn.fig.{name}") for name in ("direct", "bottleneck",
                                                                                     "reduce", "expand")})
        show_figure(bottleneck_figure(bn, labels), key="volumes.bottleneck")
        h, w = bn.spatial
        st.markdown(tr("volumes.bn.mults", h=h, w=w, direct=f"{bn.direct_mults:,}", reduce=f"{bn.reduce_mults:,}",
                       expand=f"{bn.expand_mults:,}", total=f"{bn.bottleneck_mults:,}"))


def show(settings: VolumeSettings, lesson: Lesson) -> None:
    try:
        volume = compute_volume(settings.volume_part())
    except ValueError as err:
        st.error(tr("volumes.error.geometry", message=error_text(err)), icon=":material/error:")
        volume = None
    if volume is not None and settings.predict and not predicted(settings):
        volume = None  # the layer's numbers stay hidden until the guess is checked; the bottleneck stays
    if volume is not None:
        show_shapes(settings, volume)
        show_cells(settings, volume)
        st.header(tr("volumes.params.heading"))
        show_parameters(settings)
        st.header(tr("volumes.layer.heading"))
        show_layer(lesson)
    st.header(tr("volumes.bn.heading"))
    st.markdown(tr("volumes.bn.intro"))
    show_bottleneck(lesson)


st.title(tr("nav.volumes.title"))
lesson_page(VolumeSettings, "volumes.intro", read_settings, show,
            stepped=("size", "channels", "filters", "kernel", "seed", "padding", "stride"))
