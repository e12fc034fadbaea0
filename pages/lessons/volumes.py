"""Convolution over volumes: C input channels, K filters of C×f×f, one output map per filter."""
from __future__ import annotations

import streamlit as st

import cnnviz
from cnnviz.activations import ACTIVATIONS, activation_latex
from cnnviz.course import random_filters, random_volume, rgb_picture
from cnnviz.layer import bottleneck, conv_layer, conv_vs_dense
from cnnviz.param_formulas import FormulaWords, conv_latex, dense_latex
from cnnviz.viz.volumes import (MAX_FRAMES, BottleneckLabels, LayerLabels, VolumeLabels, bottleneck_figure,
                                layer_figure, volume_figure)
from pages.common.charts import show_figure
from pages.common.controls import Lesson
from pages.common.text import error_text, tr
from pages.schemas.volumes import VolumeSettings

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
    return lesson.settings()


def example(s: VolumeSettings):
    """The input volume (C, H, W) and the filter bank for these settings."""
    x = rgb_picture(s.size) if s.source == "picture" else random_volume(s.seed, s.channels, s.size)
    return x, random_filters(s.seed, s.filters, s.input_channels, s.kernel)


@st.cache_data(max_entries=32, show_spinner=False)
def compute_volume(s: VolumeSettings):
    """Trace every output cell. Raises CnnvizError for impossible settings."""
    x, bank = example(s)
    return cnnviz.conv2d_trace(x, bank.w, bank.b, s.stride, s.padding)


@st.cache_data(max_entries=16, show_spinner=False)
def volume_spec(s: VolumeSettings, labels: VolumeLabels, channels: tuple, pick: int, animate: bool) -> dict:
    trace = compute_volume(s)
    return volume_figure(trace.padded, trace.real, trace.steps, trace.output.shape, channels, labels,
                         start=pick, animate=animate)


def show_shapes(s: VolumeSettings, trace) -> None:
    geo, (k, ho, wo) = trace.geometry, trace.output.shape
    shapes = tr("volumes.shapes", n=s.size, c=s.input_channels, hp=geo.rows.padded, wp=geo.cols.padded, k=k,
                f=s.kernel, s=s.stride, ho=ho, wo=wo)
    st.markdown(f"<div style='font-size:1.25rem'>{shapes}</div>", unsafe_allow_html=True)
    st.markdown(tr("volumes.shapes_why", formula=geo.rows.formula(), c=s.input_channels))


def show_cells(lesson: Lesson, s: VolumeSettings, trace) -> None:
    n_steps = len(trace.steps)
    animate = n_steps <= MAX_FRAMES
    st.caption(tr("app.player.hint_browser" if animate else "app.player.hint_server", n=n_steps))
    pick = lesson.widget("step", bounds=(1, n_steps)) - 1 if n_steps > 1 else 0
    channels = ("R", "G", "B") if s.source == "picture" else \
        tuple(tr("volumes.fig.channel", c=c + 1) for c in range(s.channels))
    labels = VolumeLabels(**{name: tr(f"volumes.fig.{name}") for name in ("input", "kernel", "products", "output",
                                                                           "caption")},
                          play=tr("app.player.play"), fast=tr("app.player.fast"), pause=tr("app.player.pause"),
                          step=tr("volumes.step.player"))
    show_figure(volume_spec(s.volume_part(), labels, channels, pick, animate), key="volumes.figure", width="content")


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


st.title(tr("nav.volumes.title"))
lesson = Lesson(VolumeSettings)
lesson.notices()
controls, body = lesson.areas()
with controls:
    st.caption(tr("volumes.intro"))
    settings = read_settings(lesson)
    lesson.link_control()
with body:
    try:
        volume = compute_volume(settings.volume_part())
    except ValueError as err:
        st.error(tr("volumes.error.geometry", message=error_text(err)), icon=":material/error:")
        volume = None
    if volume is not None:
        show_shapes(settings, volume)
        show_cells(lesson, settings, volume)
        st.header(tr("volumes.params.heading"))
        show_parameters(settings)
        st.header(tr("volumes.layer.heading"))
        show_layer(lesson)
    st.header(tr("volumes.bn.heading"))
    st.markdown(tr("volumes.bn.intro"))
    show_bottleneck(lesson)
