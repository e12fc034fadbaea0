"""Layer-chain calculator: stack conv and pool layers, see every shape, formula and receptive field."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from cnnviz.networks.table import summarize_table
from cnnviz.shapes import Geometry2D
from cnnviz.viz.style import shape_text


PREFIX = "chain."
COLUMNS = ("type", "out", "kernel", "stride", "padding")


def _rows(*rows) -> tuple[tuple, ...]:
    return tuple(tuple(r) for r in rows)


# name → (label, input shape (C, H, W), rows of (type, filters, kernel, stride, padding))
PRESETS = {
    "lenet": ("LeNet-5: 32 → 28 → 14 → 10 → 5", (1, 32, 32),
              _rows(("conv", 6, "5", "1", "0"), ("maxpool", None, "2", "2", "0"), ("conv", 16, "5", "1", "0"),
                    ("maxpool", None, "2", "2", "0"))),
    "vgg": ("VGG-style 3×3 'same' convolutions", (3, 32, 32),
            _rows(("conv", 64, "3", "1", "1"), ("conv", 64, "3", "1", "1"), ("maxpool", None, "2", "2", "0"),
                  ("conv", 128, "3", "1", "1"), ("conv", 128, "3", "1", "1"), ("maxpool", None, "2", "2", "0"))),
    "alexnet": ("AlexNet's first layers: 227 → 55 → 27 → 27 → 13", (3, 227, 227),
                _rows(("conv", 96, "11", "4", "0"), ("maxpool", None, "3", "2", "0"), ("conv", 256, "5", "1", "2"),
                      ("maxpool", None, "3", "2", "0"))),
    "too_deep": ("Too deep: the map runs out of pixels", (1, 28, 28),
                 _rows(("conv", 8, "5", "1", "0"), ("maxpool", None, "2", "2", "0"), ("conv", 16, "5", "1", "0"),
                       ("maxpool", None, "2", "2", "0"), ("conv", 32, "5", "1", "0"),
                       ("maxpool", None, "2", "2", "0"))),
}
LAYER_TYPES = ("conv", "maxpool", "avgpool")


@dataclass(frozen=True)
class ChainSettings:
    """Everything that defines what this page shows."""

    preset: str = "lenet"
    channels: int = 1
    height: int = 32
    width: int = 32
    rows: tuple[tuple, ...] = PRESETS["lenet"][2]

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return self.channels, self.height, self.width

    def table(self) -> list[dict]:
        return [dict(zip(COLUMNS, row)) for row in self.rows]


def _load_preset() -> None:
    c, h, w = PRESETS[st.session_state[PREFIX + "preset"]][1]
    st.session_state.update({PREFIX + "channels": c, PREFIX + "height": h, PREFIX + "width": w})


def read_settings() -> ChainSettings:
    st.session_state.setdefault(PREFIX + "preset", ChainSettings.preset)
    _, (c, h, w), _ = PRESETS[st.session_state[PREFIX + "preset"]]
    for name, value in (("channels", c), ("height", h), ("width", w)):
        st.session_state.setdefault(PREFIX + name, value)
    start, channels, height, width = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    start.selectbox("Start from", list(PRESETS), format_func=lambda k: PRESETS[k][0], key=PREFIX + "preset",
                    on_change=_load_preset)
    channels.number_input("Input channels", 1, 2048, key=PREFIX + "channels")
    height.number_input("Input height", 1, 4096, key=PREFIX + "height")
    width.number_input("Input width", 1, 4096, key=PREFIX + "width")
    preset = st.session_state[PREFIX + "preset"]
    edited = st.data_editor(
        [dict(zip(COLUMNS, row)) for row in PRESETS[preset][2]], key=f"{PREFIX}table.{preset}", num_rows="dynamic",
        width="stretch", hide_index=True, placeholder="—",
        column_config={
            "type": st.column_config.SelectboxColumn("Layer", options=LAYER_TYPES, required=True,
                                                     help="conv: convolution; maxpool / avgpool: pooling"),
            "out": st.column_config.NumberColumn("Filters", min_value=1, step=1,
                                                 help="How many filters a conv layer has (pooling keeps the channels)"),
            "kernel": st.column_config.TextColumn("Kernel f", help="A number, or 'h x w' like 3x5"),
            "stride": st.column_config.TextColumn("Stride s", help="Blank for pooling: the window size"),
            "padding": st.column_config.TextColumn("Padding p", help="A number per side, or valid / same / full"),
        })
    rows = tuple(tuple(r.get(k) for k in COLUMNS) for r in edited)
    return ChainSettings(preset, st.session_state[PREFIX + "channels"], st.session_state[PREFIX + "height"],
                         st.session_state[PREFIX + "width"], rows)


def _spatial(shape) -> str:
    """``28`` for a square map, ``28×20`` otherwise."""
    return str(shape[1]) if shape[1] == shape[2] else f"{shape[1]}×{shape[2]}"


def _formula(row) -> str:
    window = row.layer.apply(row.input_shape).window if row.layer is not None else None
    if not isinstance(window, Geometry2D):
        return ""
    if window.rows == window.cols:
        return window.rows.worked()
    return f"rows {window.rows.worked()};  columns {window.cols.worked()}"


def show_results(s: ChainSettings) -> None:
    result = summarize_table(s.table(), s.input_shape)
    ok = [r.result for r in result.rows if r.status == "ok"]
    flow = " → ".join([_spatial(s.input_shape)] + [_spatial(r.output_shape) for r in ok])
    st.markdown(f"<div style='font-size:2rem; font-weight:600'>{flow}</div>", unsafe_allow_html=True)
    shapes = " → ".join([shape_text(s.input_shape)] + [shape_text(r.output_shape) for r in ok])
    st.caption(f"{shapes}  (height × width × channels, as in the course)")
    bad = result.error
    if bad is not None:
        st.error(f"Layer {bad.index + 1} cannot work: {bad.reason}. The layers after it are not computed.",
                 icon=":material/error:")
    table = []
    for r in result.rows:
        if r.status == "empty":
            continue
        line = {"#": r.index + 1, "Layer": r.name or s.rows[r.index][0] or "?"}
        if r.status == "ok":
            rf = r.result.rf
            line.update({"Output H×W×C": shape_text(r.result.output_shape), "Height": _formula(r.result),
                         "Receptive field": f"{rf.size[0]} × {rf.size[1]}",
                         "Jump": f"{rf.jump[0]}" if rf.jump[0] == rf.jump[1] else f"{rf.jump[0]} × {rf.jump[1]}",
                         "Parameters": f"{r.result.params:,}"})
        else:
            line["Output H×W×C"] = "cannot fit" if r.status == "error" else "—"
        table.append(line)
    st.dataframe(table, hide_index=True, width="stretch")
    st.markdown(
        "**Receptive field**: how many input pixels (height × width) one output pixel of that layer depends on. "
        "**Jump**: how far apart, in input pixels, two neighbouring output pixels of that layer look. "
        f"Total parameters: **{result.total_params:,}**.")


st.title("Layer-chain calculator")
st.caption("Stack convolution and pooling layers. Each row takes the shape the row above produced: edit a "
           "kernel, stride or padding and watch every size after it change. Add rows at the bottom of the table.")
settings = read_settings()
show_results(settings)
