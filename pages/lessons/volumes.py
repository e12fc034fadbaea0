"""Convolution over volumes: C input channels, K filters of C×f×f, one output map per filter."""
from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

import cnnviz
from cnnviz.activations import ACTIVATIONS
from cnnviz.layer import bottleneck, conv_layer, conv_vs_dense
from cnnviz.course import random_filters, random_volume, rgb_picture
from cnnviz.viz.volumes import (MAX_FRAMES, BottleneckLabels, LayerLabels, VolumeLabels, bottleneck_figure,
                                layer_figure, volume_figure)
from pages.common.charts import show_figure
from pages.common.stepping import pick_step


SOURCES = {"random": "Random 0…2", "picture": "RGB picture 0…255"}
ACTIVATION_NAMES = {"relu": "ReLU", "leaky_relu": "Leaky ReLU", "sigmoid": "Sigmoid", "tanh": "tanh"}
ACTIVATION_FORMULAS = {
    "relu": r"\mathrm{ReLU}(z) = \max(z,\,0)",
    "leaky_relu": r"\mathrm{leaky}(z) = \begin{cases} z & z > 0 \\ SLOPE\,z & z \le 0 \end{cases}",
    "sigmoid": r"\sigma(z) = \dfrac{1}{1 + e^{-z}}",
    "tanh": r"\tanh(z) = \dfrac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
}
BIG_IMAGE = 224  # "and on a real photo?": the parameter comparison at ImageNet size


@dataclass(frozen=True)
class VolumeSettings:
    """Everything that defines what this page shows."""

    source: str = "random"
    size: int = 5
    channels: int = 3
    filters: int = 2
    kernel: int = 3
    stride: int = 2
    padding: int = 1
    seed: int = 0
    step: int = 1  # output cell shown when there are too many to animate (1-based)
    activation: str = "relu"
    slope: float = 0.01
    bn_in: int = 128
    bn_reduced: int = 32
    bn_out: int = 128
    bn_kernel: int = 3
    bn_size: int = 28
    bn_bias: bool = False

    @property
    def input_channels(self) -> int:
        return 3 if self.source == "picture" else self.channels

    def volume_part(self) -> "VolumeSettings":
        """Only what the input volume and its filters depend on (the rest at defaults): a cache key."""
        return replace(DEFAULTS, source=self.source, size=self.size, channels=self.channels, filters=self.filters,
                       kernel=self.kernel, stride=self.stride, padding=self.padding, seed=self.seed)


DEFAULTS = VolumeSettings()


def _init_state() -> None:
    for name, value in DEFAULTS.__dict__.items():
        st.session_state.setdefault(f"volumes.{name}", value)


def read_settings() -> VolumeSettings:
    """Draw the controls for the volume; return all the page's settings."""
    data, filters, geometry = st.columns(3, gap="large")
    with data:
        st.segmented_control("Input", list(SOURCES), format_func=SOURCES.get, key="volumes.source", required=True)
        st.slider("Input size H = W", 3, 10, key="volumes.size")
        st.slider("Input channels C", 1, 4, key="volumes.channels",
                  disabled=st.session_state["volumes.source"] == "picture",
                  help="A colour picture always has 3 channels: red, green, blue.")
    with filters:
        st.slider("Filters K", 1, 4, key="volumes.filters")
        st.slider("Filter size f (each filter is C×f×f)", 1, 5, key="volumes.kernel")
        st.number_input("Random seed (weights, and the random input)", 0, 9999, key="volumes.seed")
    with geometry:
        st.slider("Padding p", 0, 3, key="volumes.padding")
        st.slider("Stride s", 1, 3, key="volumes.stride")
    return current_settings()


def current_settings() -> VolumeSettings:
    """The settings as the widgets hold them now (defaults for widgets not drawn yet)."""
    return VolumeSettings(**{name: st.session_state.get(f"volumes.{name}", value)
                             for name, value in DEFAULTS.__dict__.items()})


def channel_names(s: VolumeSettings) -> tuple[str, ...]:
    return ("R", "G", "B") if s.source == "picture" else tuple(f"ch {c + 1}" for c in range(s.channels))


def example(s: VolumeSettings):
    """The input volume (C, H, W) and the filter bank for these settings."""
    x = rgb_picture(s.size) if s.source == "picture" else random_volume(s.seed, s.channels, s.size)
    return x, random_filters(s.seed, s.filters, s.input_channels, s.kernel)


@st.cache_data(max_entries=32, show_spinner=False)
def compute_volume(s: VolumeSettings):
    """Trace every output cell. Raises ValueError with a readable message for impossible settings."""
    x, bank = example(s)
    return cnnviz.conv2d_trace(x, bank.w, bank.b, s.stride, s.padding), bank


@st.cache_data(max_entries=16, show_spinner=False)
def volume_spec(s: VolumeSettings, pick: int, animate: bool) -> dict:
    trace, _ = compute_volume(s)
    return volume_figure(trace.padded, trace.real, trace.steps, trace.output.shape, channel_names(s),
                         VolumeLabels(), start=pick, animate=animate)


def show_shapes(s: VolumeSettings, trace) -> None:
    geo, c = trace.geometry, s.input_channels
    k, ho, wo = trace.output.shape
    st.markdown(
        f"<div style='font-size:1.25rem'>Input <b>{s.size}×{s.size}×{c}</b> → padded "
        f"<b>{geo.rows.padded}×{geo.cols.padded}×{c}</b> · <b>{k}</b> filter{'s' if k > 1 else ''} of "
        f"<b>{s.kernel}×{s.kernel}×{c}</b> · stride {s.stride} → output <b>{ho}×{wo}×{k}</b></div>",
        unsafe_allow_html=True)
    st.markdown(f"Output size: {geo.rows.formula()}. Each filter spans **all {c} channels**; the channel "
                f"sums add up to **one** number per position, so every filter makes one output map.")


def show_cells(s: VolumeSettings, trace) -> None:
    pick, animate = pick_step(len(trace.steps), MAX_FRAMES, "volumes.step")
    show_figure(volume_spec(s.volume_part(), pick, animate), key="volumes.figure", width="content")


def show_parameters(s: VolumeSettings) -> None:
    c = s.input_channels
    here = conv_vs_dense((c, s.size, s.size), s.filters, s.kernel, s.stride, s.padding)
    k, f = s.filters, s.kernel
    conv_col, dense_col = st.columns(2, gap="large")
    with conv_col:
        st.metric("Convolution layer", f"{here.conv.total:,} parameters")
        st.latex(rf"\underbrace{{{k}}}_{{K\text{{ filters}}}}\cdot"
                 rf"(\underbrace{{{f}\cdot{f}}}_{{f\cdot f\text{{ kernel}}}}"
                 rf"\cdot\underbrace{{{c}}}_{{C\text{{ channels}}}}) + \underbrace{{{k}}}_{{K\text{{ biases}}}}"
                 rf" = {here.conv.total:,}".replace(",", "{,}"))
    ci, hi, wi = here.input_shape
    ko, ho, wo = here.output_shape
    n_in, n_out = ci * hi * wi, ko * ho * wo
    with dense_col:
        st.metric("Dense layer, same input and output sizes", f"{here.dense.total:,} parameters")
        st.latex(rf"\underbrace{{{hi}\cdot{wi}\cdot{ci}}}_{{{n_in:,}\text{{ inputs}}}}\cdot"
                 rf"\underbrace{{{ho}\cdot{wo}\cdot{ko}}}_{{{n_out:,}\text{{ outputs}}}} + "
                 rf"\underbrace{{{n_out:,}}}_{{\text{{biases}}}} = {here.dense.total:,}".replace(",", "{,}"))
    big = conv_vs_dense((c, BIG_IMAGE, BIG_IMAGE), s.filters, s.kernel, s.stride, s.padding)
    st.info(f"The dense layer needs **{here.ratio:,.1f}×** as many parameters. The filters' count does not "
            f"depend on the image size: on a {BIG_IMAGE}×{BIG_IMAGE}×{c} image the same {k} filters still have "
            f"**{big.conv.total:,}** parameters, while a dense layer to their "
            f"{big.output_shape[1]}×{big.output_shape[2]}×{k} output would need **{big.dense.total:,}**.",
            icon=":material/lightbulb:")


@st.fragment
def show_layer() -> None:
    """Its own fragment: changing the activation does not resend (and restart) the animation above."""
    s = current_settings()
    choice, slope, formula = st.columns([1.6, 1, 1.4], gap="large", vertical_alignment="center")
    choice.radio("Activation", ACTIVATIONS, format_func=ACTIVATION_NAMES.get, key="volumes.activation",
                 horizontal=True)
    if s.activation == "leaky_relu":
        slope.slider("Slope for z < 0", 0.0, 0.5, step=0.01, key="volumes.slope")
    s = current_settings()
    formula.latex(ACTIVATION_FORMULAS[s.activation].replace("SLOPE", f"{s.slope:g}"))
    x, bank = example(s)
    maps = conv_layer(x, bank.w, bank.b, s.stride, s.padding, s.activation, s.slope)
    show_figure(layer_figure(maps, bank.b, LayerLabels()), key="volumes.layer", width="content")


@st.fragment
def show_bottleneck() -> None:
    """Its own fragment: these inputs do not touch the figures above."""
    controls, result = st.columns([1, 2.4], gap="large")
    with controls:
        st.number_input("Input channels C", 1, 4096, key="volumes.bn_in")
        st.number_input("1×1 conv reduces to R channels", 1, 4096, key="volumes.bn_reduced")
        st.number_input("Output channels K", 1, 4096, key="volumes.bn_out")
        st.slider("Kernel of the expensive conv", 1, 7, step=2, key="volumes.bn_kernel")
        st.number_input("Map size H = W", 1, 512, key="volumes.bn_size")
        st.checkbox("Count biases too", key="volumes.bn_bias",
                    help="The course counts weights only: 3×3×128×128 = 147,456.")
    s = current_settings()
    try:
        bn = bottleneck(s.bn_in, s.bn_reduced, s.bn_out, s.bn_kernel, s.bn_size, s.bn_bias)
    except ValueError as err:
        result.error(f"These numbers do not make a layer: {err}", icon=":material/error:")
        return
    f = f"{s.bn_kernel}×{s.bn_kernel}"
    with result:
        a, b, c = st.columns(3)
        a.metric(f"{f} conv, {bn.in_channels} → {bn.out_channels}", f"{bn.direct.total:,}")
        b.metric(f"1×1 to {bn.reduced}, then {f}", f"{bn.bottleneck_params:,}",
                 f"{bn.reduce.total:,} + {bn.expand.total:,}", delta_color="off", delta_arrow="off")
        verdict = "saved" if bn.saving >= 0 else "extra"
        c.metric(f"Parameters {verdict}", f"{abs(bn.saving):.1%}",
                 f"{bn.direct.total / bn.bottleneck_params:.1f}× fewer" if bn.saving >= 0 else
                 f"{bn.bottleneck_params / bn.direct.total:.1f}× more", delta_color="off", delta_arrow="off")
        show_figure(bottleneck_figure(bn, BottleneckLabels()), key="volumes.bottleneck")
        h, w = bn.spatial
        st.markdown(f"**Multiplications** for one {h}×{w} map (stride 1, 'same' padding): "
                    f"{bn.direct_mults:,} directly vs {bn.reduce_mults:,} + {bn.expand_mults:,} = "
                    f"**{bn.bottleneck_mults:,}** through the bottleneck.")


st.title("Convolution over volumes")
st.caption("A colour image has channels. A filter has the same number of channels as its input: at every "
           "position it multiplies each channel by its own slice, adds all the products and a bias, and "
           "writes one number. K filters make K output maps: the output's depth.")
_init_state()
settings = read_settings()
try:
    volume, _ = compute_volume(settings.volume_part())
except ValueError as err:
    st.error(f"These settings cannot be drawn: {err}. Try a smaller filter, more padding or a larger input.",
             icon=":material/error:")
    volume = None

if volume is not None:
    show_shapes(settings, volume)
    show_cells(settings, volume)
    st.header("How many parameters?")
    show_parameters(settings)
    st.header("One layer of a CNN: convolution → + bias → activation")
    show_layer()

st.header("1×1 convolution: fewer channels, far fewer parameters")
st.markdown("A 1×1 filter looks at one pixel at a time and mixes its C channel values, "
            "$w_1 x_1 + w_2 x_2 + \\dots + w_C x_C + b$ — a small dense layer applied at every pixel. "
            "With R < C filters it shrinks the "
            "depth from C to R, so the expensive f×f convolution that follows works on R channels instead of C.")
show_bottleneck()
