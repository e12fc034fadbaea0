"""Pooling: a window with no weights keeps the max, mean or min of what it covers, channel by channel."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import cnnviz
from cnnviz.layer import channel_contributions
from cnnviz.course import POOL_EXAMPLES, POOL_STREAM, random_filters, random_integers, with_more_channels
from cnnviz.viz.pooling import ChannelLabels, WinnerLabels, channels_figure, winners_figure
from cnnviz.viz.slide import MAX_FRAMES, SlideLabels, slide_figure
from pages.common.charts import show_figure
from pages.common.stepping import pick_step


EXAMPLES = {
    "dlai_4x4": "4×4 course example (2×2, stride 2)",
    "dlai_5x5": "5×5 course example (3×3, stride 1)",
    "cs231n_4x4": "4×4 CS231n example (2×2, stride 2)",
    "ties_4x4": "4×4 with ties",
    "random": "Random whole numbers 0…9",
}
MODES = {"max": "Max", "avg": "Average", "min": "Min"}
PADDING_NOTE = {
    "max": "Max pooling ignores padding: a padded cell can never win.",
    "min": "Min pooling ignores padding: a padded cell can never win.",
    "avg": "Average pooling counts padded zeros in the mean (PyTorch's default, count_include_pad=True).",
}


@dataclass(frozen=True)
class PoolSettings:
    """Everything that defines what this page shows."""

    example: str = "dlai_4x4"
    height: int = 6  # random input only
    width: int = 6
    seed: int = 0
    mode: str = "max"
    size: int = 2
    stride: int = 2
    padding: int = 0
    ceil: bool = False
    channels: int = 3
    step: int = 1  # output cell shown when there are too many to animate (1-based)


DEFAULTS = PoolSettings()


def _init_state() -> None:
    for name, value in DEFAULTS.__dict__.items():
        st.session_state.setdefault(f"pool.{name}", value)


def _load_example() -> None:
    """A course example comes with the window its source uses."""
    example = POOL_EXAMPLES.get(st.session_state["pool.example"])
    if example is not None:
        st.session_state["pool.size"], st.session_state["pool.stride"] = example.size, example.stride
        st.session_state["pool.padding"] = 0


def read_settings() -> PoolSettings:
    """Draw the controls; return the settings they hold."""
    data, window, edges = st.columns([1.2, 1, 1], gap="large")
    with data:
        st.selectbox("Input", list(EXAMPLES), format_func=EXAMPLES.get, key="pool.example", on_change=_load_example)
        random = st.session_state["pool.example"] == "random"
        left, middle, right = st.columns(3)
        left.number_input("Height", 2, 16, key="pool.height", disabled=not random)
        middle.number_input("Width", 2, 16, key="pool.width", disabled=not random)
        right.number_input("Seed", 0, 9999, key="pool.seed", help="Also fills the extra channels further down.")
    with window:
        st.segmented_control("Pooling", list(MODES), format_func=MODES.get, key="pool.mode", required=True)
        st.slider("Window size f", 1, 5, key="pool.size")
        st.slider("Stride s", 1, 5, key="pool.stride")
    with edges:
        st.slider("Padding p", 0, 2, key="pool.padding", help="At most half the window, f // 2.")
        st.toggle("Ceil mode", key="pool.ceil",
                  help="Round the output size up: a last window may hang over the edge, "
                       "as long as it starts inside the input or the left/top padding.")
    return current_settings()


def current_settings() -> PoolSettings:
    """The settings as the widgets hold them now (defaults for widgets not drawn yet)."""
    return PoolSettings(**{name: st.session_state.get(f"pool.{name}", value)
                           for name, value in DEFAULTS.__dict__.items()})


def input_image(s: PoolSettings):
    """The (H, W) image being pooled."""
    if s.example == "random":
        return random_integers((s.height, s.width), seed=s.seed, stream=POOL_STREAM)
    return POOL_EXAMPLES[s.example].x


@st.cache_data(max_entries=64, show_spinner=False)
def compute_pool(s: PoolSettings):
    """Trace the pooling. Raises ValueError with a readable message for impossible settings."""
    return cnnviz.pool2d_trace(input_image(s), s.size, s.stride, s.padding, s.mode, s.ceil)


def show_formula(s: PoolSettings, geo) -> None:
    formula, params = st.columns([3, 1], gap="large")
    with formula:
        st.markdown(f"<div style='font-size:1.25rem'>Output <b>{geo.rows.out} × {geo.cols.out}</b></div>",
                    unsafe_allow_html=True)
        st.markdown(f"rows: $\\;${geo.rows.formula()}  \ncolumns: $\\;${geo.cols.formula()}")
        notes = [PADDING_NOTE[s.mode]] if s.padding else []
        floor = cnnviz.pool_geometry(input_image(s).shape, s.size, s.stride, s.padding, ceil_mode=False)
        if s.ceil and geo.out_shape != floor.out_shape:
            notes.append("Ceil mode added a last window that hangs over the edge; it only sees the cells "
                         "that exist.")
        for name, ax in (("rows", geo.rows), ("columns", geo.cols)):
            if ax.unreached():
                notes.append(f"The stride does not divide evenly: no window reaches padded {name} "
                             f"{', '.join(str(m) for m in ax.unreached())} (shaded red); try ceil mode.")
        for note in notes:
            st.caption(note)
    params.metric("Learnable parameters", 0,
                  help="Size, stride, padding and the kind of pooling are hyperparameters you choose; "
                       "nothing is learned.")


def show_animation(s: PoolSettings, trace) -> None:
    geo = trace.geometry
    pick, animate = pick_step(len(trace.steps), MAX_FRAMES, "pool.step",
                              " The purple cell is the window's winner." if s.mode != "avg" else "")
    labels = SlideLabels(input="Input (grey: padding)" if s.padding else "Input", output=f"{MODES[s.mode]} pooled")
    figure = slide_figure(trace.padded, trace.real, geo.out_shape, trace.steps, kernel=None,
                          unreached=(geo.rows.unreached(), geo.cols.unreached()), labels=labels,
                          start=pick, animate=animate)
    show_figure(figure, key="pool.figure")


def show_gradient(s: PoolSettings, trace) -> None:
    word = "largest" if s.mode == "max" else "smallest"
    text, picture = st.columns([1, 1.6], gap="large")
    text.markdown(f"In backpropagation each output cell passes its gradient back to **one** input: the {word} "
                  f"value of its window, the one that was kept (purple). All other inputs get 0.\n\n"
                  f"When a window holds its {word} value more than once, the first one (row by row) is taken, "
                  f"as in PyTorch. Where windows overlap, one pixel can win several windows and collects all "
                  f"their gradients.")
    figure = winners_figure(trace.padded, trace.real, trace.steps, trace.geometry.out_shape, WinnerLabels())
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


@st.fragment
def show_channels() -> None:
    """Its own fragment: changing the channels does not resend (and restart) the animation above."""
    controls, counts = st.columns([2, 3], gap="large")
    controls.slider("Input channels C", 1, 4, key="pool.channels")
    s = current_settings()
    x, pooled, parts, conv_out, bank = compute_channels(s)
    c = s.channels
    conv_params = cnnviz.conv2d_params(c, 1, s.size)
    with counts:
        left, right = st.columns(2)
        left.metric(f"Pooling: {c}×{x.shape[1]}×{x.shape[2]} → {c}×{pooled.shape[1]}×{pooled.shape[2]}",
                    "0 parameters")
        right.metric(f"One {c}×{s.size}×{s.size} filter → 1×{conv_out.shape[0]}×{conv_out.shape[1]}",
                     f"{conv_params} parameters", f"{c}·{s.size}·{s.size} weights + 1 bias",
                     delta_color="off", delta_arrow="off")
    figure = channels_figure(x, pooled, parts, conv_out, float(bank.b[0]), s.mode, ChannelLabels())
    show_figure(figure, key="pool.channels_figure", width="content")


st.title("Pooling")
st.caption("A pooling window slides like a convolution window but has no weights: it keeps the largest (max), "
           "the mean (average) or the smallest (min) value it covers. It shrinks height and width, keeps the "
           "channels apart, and learns nothing.")
_init_state()
settings = read_settings()
try:
    pool_trace = compute_pool(settings)
except ValueError as err:
    st.error(f"These settings cannot be drawn: {err}.", icon=":material/error:")
    st.stop()

show_formula(settings, pool_trace.geometry)
show_animation(settings, pool_trace)
if settings.mode != "avg":
    st.header("Where the gradient goes")
    show_gradient(settings, pool_trace)
st.header("Several channels: pooling keeps them apart, convolution adds them up")
st.markdown("With the same window and stride, pooling gives **one output channel per input channel**, "
            "while a convolution filter multiplies every channel by its own weights and **adds them into one "
            "map** (K filters → K maps, whatever C is).")
show_channels()
