"""Padding & stride explorer: output size, the floor, coverage and why kernels have odd sizes."""
from __future__ import annotations

from dataclasses import dataclass, fields

import streamlit as st

from cnnviz.shapes import conv_geometry, coverage, torch_same_padding
from cnnviz.viz.geometry import coverage_figure, padded_grid_figure, same_padding_figure
from pages.common.charts import show_figure


PREFIX = "padstride."
PADDING_MODES = {"explicit": "Number", "valid": "valid", "same": "same", "full": "full"}
PAIRS = ("size", "kernel", "pad", "stride", "dilation")


@dataclass(frozen=True)
class PaddingStrideSettings:
    """Everything that defines what this page shows (``_w`` values follow ``_h`` while ``square``)."""

    square: bool = True
    size_h: int = 5
    size_w: int = 5
    kernel_h: int = 3
    kernel_w: int = 3
    padding_mode: str = "explicit"
    pad_h: int = 0
    pad_w: int = 0
    stride_h: int = 1
    stride_w: int = 1
    dilation_h: int = 1
    dilation_w: int = 1

    @property
    def size(self) -> tuple[int, int]:
        return self.size_h, self.size_w

    @property
    def kernel(self) -> tuple[int, int]:
        return self.kernel_h, self.kernel_w

    @property
    def padding(self):
        return (self.pad_h, self.pad_w) if self.padding_mode == "explicit" else self.padding_mode

    @property
    def stride(self) -> tuple[int, int]:
        return self.stride_h, self.stride_w

    @property
    def dilation(self) -> tuple[int, int]:
        return self.dilation_h, self.dilation_w


DEFAULTS = PaddingStrideSettings()
# Classroom examples: (button label, settings that differ from the defaults)
EXAMPLES = {
    "5×5 · p 0": {},
    "5×5 · p 1": {"pad_h": 1, "pad_w": 1},
    "5×5 · full": {"padding_mode": "full"},
    "8×8 · s 2": {"size_h": 8, "size_w": 8, "stride_h": 2, "stride_w": 2},
    "32×32 · f 5": {"size_h": 32, "size_w": 32, "kernel_h": 5, "kernel_w": 5},
}
LIMITS = {"size": (1, 32), "kernel": (1, 11), "pad": (0, 10), "stride": (1, 8), "dilation": (1, 4)}
LABELS = {"size": "Input size", "kernel": "Kernel size f", "pad": "Padding p (each side)", "stride": "Stride s",
          "dilation": "Dilation d"}


def _key(name: str) -> str:
    return PREFIX + name


def _init_state() -> None:
    for f in fields(PaddingStrideSettings):
        st.session_state.setdefault(_key(f.name), getattr(DEFAULTS, f.name))


def _square_changed() -> None:
    """Linking the axes again: the columns take the rows' values."""
    if st.session_state[_key("square")]:
        for name in PAIRS:
            st.session_state[_key(f"{name}_w")] = st.session_state[_key(f"{name}_h")]


def _load_example(changes: dict) -> None:
    for f in fields(PaddingStrideSettings):
        st.session_state[_key(f.name)] = changes.get(f.name, getattr(DEFAULTS, f.name))


def read_settings() -> PaddingStrideSettings:
    """Draw the controls; return the settings they hold."""
    st.toggle("Square (height = width)", key=_key("square"), on_change=_square_changed)
    square = st.session_state[_key("square")]
    st.radio("Padding", list(PADDING_MODES), format_func=PADDING_MODES.get, key=_key("padding_mode"),
             horizontal=True, help="valid: none. same: output ⌈n/s⌉ (TensorFlow rule, odd pixel after). "
                                   "full: d(f−1) on each side, every window that touches the input.")
    explicit = st.session_state[_key("padding_mode")] == "explicit"
    for name in PAIRS:
        low, high = LIMITS[name]
        disabled = name == "pad" and not explicit
        if square:
            st.slider(LABELS[name], low, high, key=_key(f"{name}_h"), disabled=disabled)
        else:
            rows, cols = st.columns(2)
            rows.slider(f"{LABELS[name]} ↕", low, high, key=_key(f"{name}_h"), disabled=disabled)
            cols.slider(f"{LABELS[name]} ↔", low, high, key=_key(f"{name}_w"), disabled=disabled)
    values = {f.name: st.session_state[_key(f.name)] for f in fields(PaddingStrideSettings)}
    if square:
        values.update({f"{name}_w": values[f"{name}_h"] for name in PAIRS})
    return PaddingStrideSettings(**values)


@st.cache_data(max_entries=64, show_spinner=False)
def compute(s: PaddingStrideSettings):
    """Geometry, coverage and figures; raises ValueError with a readable message for impossible settings."""
    geo = conv_geometry(s.size, s.kernel, s.stride, s.padding, s.dilation)
    counts = coverage(s.size, s.kernel, s.stride, s.padding, s.dilation)
    return geo, counts, padded_grid_figure(geo), coverage_figure(counts, geo.pads)


def show_output_size(s: PaddingStrideSettings, geo, grid) -> None:
    size, rows, cols = st.columns([1, 2, 2])
    size.metric("Output size", f"{geo.rows.out} × {geo.cols.out}")
    for column, name, ax in ((rows, "Rows", geo.rows), (cols, "Columns", geo.cols)):
        column.markdown(f"**{name}** ⌊(n + 2p − d(f−1) − 1) / s⌋ + 1  \n"
                        f"<span style='font-size:1.5rem'>{ax.worked()}</span>", unsafe_allow_html=True)
    if s.padding_mode != "explicit":
        (t, b), (l, r) = geo.pads
        st.info(f"'{s.padding_mode}' padding here means top {t}, bottom {b}, left {l}, right {r}.",
                icon=":material/padding:")
    for name, ax in (("rows", geo.rows), ("columns", geo.cols)):
        missed = ax.unreached()
        if missed:
            st.warning(f"The stride does not divide evenly (remainder {ax.remainder}): the floor drops padded "
                       f"{name} {', '.join(str(m) for m in missed)}. No window reaches them (shaded red), "
                       "so they never affect the output.", icon=":material/content_cut:")
    show_figure(grid, key="padstride.grid", width="content")
    st.caption("▼ / ▶ mark where windows start: one output column per ▼, one output row per ▶.")


def show_coverage(counts, figure) -> None:
    h, w = counts.shape
    corner, centre, note = st.columns([1, 1, 3])
    corner.metric("Corner pixel", f"{counts[0, 0]}×")
    centre.metric("Centre pixel", f"{counts[h // 2, w // 2]}×")
    note.markdown(
        "Each number: how many windows — so how many output values — use that pixel. Without padding the "
        "border is used less than the centre, so its information fades as layers stack up. Padding evens the "
        "counts out; **full** padding (p = f − 1, stride 1) uses every pixel f² times.")
    show_figure(figure, key="padstride.coverage", width="content")


def _pads(geo) -> str:
    """``0 / 1 · 0 / 1 → 8 × 8``: top / bottom · left / right → output."""
    (t, b), (l, r) = geo.pads
    return f"{t} / {b} · {l} / {r} → {geo.rows.out} × {geo.cols.out}"


def _same_case(s: PaddingStrideSettings, f: int) -> None:
    """'same' padding of an f×f kernel on the current input at stride 1 (the figure), TF vs PyTorch."""
    st.markdown(f"#### Kernel {f}×{f} ({'odd' if f % 2 else 'even'})")
    try:
        geo = conv_geometry(s.size, f, 1, "same", s.dilation)
        torch_pads = tuple(torch_same_padding(n, f, 1, d) for n, d in zip(s.size, s.dilation))
        torch_geo = conv_geometry(s.size, f, 1, torch_pads, s.dilation)
    except ValueError as err:
        st.error(f"Kernel {f}: {err}", icon=":material/error:")
        return
    show_figure(same_padding_figure(s.size, geo.pads, (f, f)), key=f"padstride.same{f}", width="content")
    rows = ["| padding top/bottom · left/right → output | rule |", "|---|---|",
            f"| {_pads(geo)} | TensorFlow / Keras `'same'` |", f"| {_pads(torch_geo)} | PyTorch `padding='same'` |"]
    if s.stride != (1, 1):
        try:
            strided = conv_geometry(s.size, f, s.stride, "same", s.dilation)
            rows.append(f"| {_pads(strided)} | TensorFlow / Keras, stride {s.stride_h}×{s.stride_w} |")
        except ValueError as err:
            rows.append(f"| — | TensorFlow / Keras, stride {s.stride_h}×{s.stride_w}: {err} |")
        rows.append(f"| refused | PyTorch, stride {s.stride_h}×{s.stride_w} |")
    st.markdown("\n".join(rows))


def show_odd_kernels(s: PaddingStrideSettings) -> None:
    st.markdown(
        "At stride 1, 'same' keeps the output size n and needs d(f − 1) zeros in total per axis: an **odd** "
        "kernel splits them evenly, an **even** kernel cannot — one side gets an extra row and column (orange). "
        "TensorFlow/Keras and PyTorch both put the extra one at the **bottom/right**. The × marks the kernel's "
        "centre: for an even kernel it sits between pixels, half a pixel off the output pixel it writes (green).")
    if s.stride != (1, 1):
        st.caption("With a stride, TensorFlow's 'same' aims at ⌈n / s⌉ outputs and its padding depends on n mod s "
                   "(last table row); PyTorch refuses padding='same' when the stride is not 1.")
    odd = s.kernel_h if s.kernel_h % 2 else max(s.kernel_h - 1, 1)
    left, right = st.columns(2, gap="large")
    with left:
        _same_case(s, odd)
    with right:
        _same_case(s, odd + 1)


st.title("Padding & stride explorer")
st.caption("How big is the output? Move a slider and watch padding, stride and dilation change the picture, "
           "the formula and which pixels the windows use.")
_init_state()
controls, main = st.columns([1, 3.2], gap="large")
with controls:
    settings = read_settings()
with main:
    buttons = st.columns([1.2] + [1] * len(EXAMPLES), vertical_alignment="center")
    buttons[0].markdown("**Examples** (kernel 3×3)")
    buttons = buttons[1:]
    for column, (label, changes) in zip(buttons, EXAMPLES.items()):
        column.button(label, on_click=_load_example, args=(changes,), key=_key(f"example.{label}"),
                      width="stretch")
    try:
        geo, counts, grid, cover = compute(settings)
    except ValueError as err:
        st.error(f"These settings cannot work: {err}. Make the input or the padding bigger, or the kernel "
                 "or dilation smaller.", icon=":material/error:")
        geo = None
    size_tab, coverage_tab, odd_tab = st.tabs(["Output size", "Coverage", "Why odd kernel sizes?"])
    if geo is not None:
        with size_tab:
            show_output_size(settings, geo, grid)
        with coverage_tab:
            show_coverage(counts, cover)
    with odd_tab:
        show_odd_kernels(settings)
    st.page_link("pages/lessons/layer_chain.py", label="Stack several layers: the layer-chain calculator",
                 icon=":material/stacks:")
