"""Network architectures: the shape after every layer, parameters, MACs and receptive fields, LeNet to DenseNet."""
from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd
import streamlit as st

from cnnviz.networks import PRESETS, Conv2d, summarize
from cnnviz.networks.comparisons import alexnet_grouping, bottleneck, conv_vs_dense, single_vs_stacked
from cnnviz.networks.table import (ACTIVATIONS, LAYER_TYPES, is_blank, is_chain, summarize_table,
                                  table_from_network)
from cnnviz.viz.networks import field_text, layer_bars, short_number
from cnnviz.viz.style import shape_text
from pages.common.charts import show_figure


PREFIX = "arch."
VIEWS = {"top": "Top-level blocks", "blocks": "Blocks", "all": "All layers"}
BLOCK_KINDS = {"Sequential": "Block"}  # container kinds as a student reads them
EDIT_COLUMNS = ("type", "out", "kernel", "stride", "padding", "dilation", "groups", "activation")
CHAINS = tuple(name for name, p in PRESETS.items() if is_chain(p.network))  # editable as a table


@dataclass(frozen=True)
class ArchSettings:
    """Everything that defines what this page shows."""

    preset: str = "course_example"
    channels: int = 3
    height: int = 32
    width: int = 32
    view: str = "all"
    edit: bool = False

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return self.channels, self.height, self.width


DEFAULTS = ArchSettings()


def _init_state() -> None:
    for f in fields(ArchSettings):
        st.session_state.setdefault(PREFIX + f.name, getattr(DEFAULTS, f.name))


def _preset_changed() -> None:
    """A new network starts from its own input size and a view that fits its depth."""
    preset = PRESETS[st.session_state[PREFIX + "preset"]]
    for name, value in zip(("channels", "height", "width"), preset.input_shape):
        st.session_state[PREFIX + name] = value
    st.session_state[PREFIX + "view"] = "all" if preset.name in CHAINS else "top"
    if preset.name not in CHAINS:
        st.session_state[PREFIX + "edit"] = False


def view_options(preset: str) -> list[str]:
    """The views that differ for this network: a plain chain has only its layers."""
    depth = preset_summary(preset, PRESETS[preset].input_shape).max_depth
    return [] if depth == 1 else ["top", "all"] if depth == 2 else ["top", "blocks", "all"]


def read_settings() -> ArchSettings:
    pick, c, h, w, view = st.columns([2.3, 0.7, 0.7, 0.7, 2.9], vertical_alignment="bottom")
    pick.selectbox("Network", list(PRESETS), format_func=lambda n: PRESETS[n].title, key=PREFIX + "preset",
                   on_change=_preset_changed)
    c.number_input("Channels C", 1, 4096, key=PREFIX + "channels")
    h.number_input("Height H", 1, 4096, key=PREFIX + "height")
    w.number_input("Width W", 1, 4096, key=PREFIX + "width")
    preset = st.session_state[PREFIX + "preset"]
    options = view_options(preset)
    if st.session_state[PREFIX + "view"] not in options:
        st.session_state[PREFIX + "view"] = "all"
    if options:
        view.segmented_control("Show", options, format_func=VIEWS.get, key=PREFIX + "view",
                               help="Deep networks have hundreds of layers: fold them into blocks.")
    chain = preset in CHAINS
    st.toggle("Edit as a table", key=PREFIX + "edit", disabled=not chain,
              help="Change layers, kernels, strides and padding and watch the shapes follow." if chain else
              "Networks with branches or skip connections can be explored but not edited as a table. "
              "Pick LeNet, AlexNet or VGG to edit.")
    return ArchSettings(**{f.name: st.session_state[PREFIX + f.name] for f in fields(ArchSettings)})


@st.cache_data(max_entries=64, show_spinner=False)
def preset_summary(name: str, shape: tuple[int, int, int]):
    return summarize(name, shape, strict=False)


@st.cache_data(max_entries=64, show_spinner=False)
def table_summary(rows: list[dict], shape: tuple[int, int, int]):
    return summarize_table(rows, shape)


@st.cache_data(show_spinner=False)
def editor_start(name: str) -> pd.DataFrame:
    """The preset as editor rows, numbered from 1; free-text cells as text ("5", "valid", "3x5")."""
    text = ("kernel", "stride", "padding", "dilation", "groups")
    rows = [{k: ("" if row.get(k) is None else str(row[k])) if k in (*text, "activation") else row.get(k)
             for k in EDIT_COLUMNS} for row in table_from_network(PRESETS[name].network)]
    frame = pd.DataFrame(rows, columns=list(EDIT_COLUMNS), index=range(1, len(rows) + 1))
    frame["out"] = frame["out"].astype("Int64")
    return frame.astype({column: "string" for column in (*text, "activation")})


def depth_of(view: str, summary) -> int:
    return {"top": 1, "blocks": 2}.get(view, summary.max_depth)


def layer_frame(rows, error_name: str | None = None, reason: str = "", skipped=()) -> pd.DataFrame:
    records = [{"Layer": r.name,
                "Type": BLOCK_KINDS.get(r.kind, r.kind) + (f" · {r.count} layers" if r.count > 1 else ""),
                "Output H×W×C": shape_text(r.output_shape), "Parameters": r.params, "MACs": r.macs,
                "Activations": r.activations, "Receptive field": field_text(r.rf), "Note": ""} for r in rows]
    if error_name:
        records.append({"Layer": error_name, "Type": "", "Output H×W×C": "—", "Note": f"⚠ {reason}"})
        records += [{"Layer": name, "Output H×W×C": "—", "Note": "not computed"} for name in skipped]
    return pd.DataFrame(records)


COUNT = st.column_config.NumberColumn(format="localized")
TABLE_CONFIG = {"Parameters": COUNT, "MACs": COUNT, "Activations": COUNT,
                "Receptive field": st.column_config.TextColumn(
                    help="Input pixels one output pixel can see (padding included); jump = how far it moves "
                         "per output pixel"),
                "Note": st.column_config.TextColumn(width="medium")}


def styled(frame: pd.DataFrame):
    """The row that cannot fit shaded red, the rows not computed after it in grey."""
    def colour(row):
        note = row.get("Note") or ""
        shade = "background-color: #fde2e1" if note.startswith("⚠") else "color: #999" if note else ""
        return [shade] * len(row)
    return frame.style.apply(colour, axis=1) if "Note" in frame.columns else frame


def exact_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns holding a count beyond 64 bits (a dense layer on a 4096×4096×4096 input) as exact text:
    the table cannot carry such integers as numbers."""
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object and any(isinstance(v, int) and abs(v) >= 2**63 for v in values):
            frame[column] = [f"{v:,}" if isinstance(v, int) else v for v in values]
    return frame


def show_table(frame: pd.DataFrame, key: str, layer_width: int | None = None) -> None:
    frame = exact_counts(frame)
    if not frame["Note"].astype(bool).any():
        frame = frame.drop(columns="Note")
    height = min(35 * (len(frame) + 1) + 3, 640)
    config = {**TABLE_CONFIG, "Layer": st.column_config.TextColumn(width=layer_width)}
    st.dataframe(styled(frame), hide_index=True, height=height, column_config=config, key=key, placeholder="—")


def edit_table(s: ArchSettings):
    """The editable layer table, then its per-row results; returns (chart rows, summary of the good rows)."""
    st.markdown("**Layers** — edit a cell, add rows at the bottom, select rows to delete them")
    edited = st.data_editor(
        editor_start(s.preset), key=f"{PREFIX}table.{s.preset}", num_rows="dynamic", width="stretch",
        hide_index=False, placeholder="",
        column_config={
            "type": st.column_config.SelectboxColumn("Type", options=LAYER_TYPES, required=True),
            "out": st.column_config.NumberColumn("Out", help="Filters of a conv, units of a dense layer", step=1),
            "kernel": st.column_config.TextColumn("Kernel", help="A number, or 3x5 for height × width"),
            "stride": st.column_config.TextColumn("Stride"),
            "padding": st.column_config.TextColumn("Padding", help="Per side: a number, valid, same or full"),
            "dilation": st.column_config.TextColumn("Dilation"),
            "groups": st.column_config.TextColumn("Groups"),
            "activation": st.column_config.SelectboxColumn("Activation", options=list(ACTIVATIONS)),
        })
    rows = [{k: (None if is_blank(v) else v) for k, v in r.items()} for r in edited.to_dict("records")]
    result = table_summary(rows, s.input_shape)
    if result.error:
        st.error(f"Row {result.error.index + 1}: {result.error.reason}. The rows after it are not computed "
                 "until it fits.", icon=":material/error:")
    st.markdown("**What comes out of each row**")
    notes = {"error": "⚠ ", "skipped": "not computed", "empty": "empty row, ignored"}
    records = []
    for r in result.rows:
        out = r.result
        records.append({"Row": r.index + 1, "Layer": r.name or "—",
                        "Output H×W×C": shape_text(out.output_shape) if out else "—",
                        "Parameters": out.params if out else None, "MACs": out.macs if out else None,
                        "Activations": out.activations if out else None,
                        "Receptive field": field_text(out.rf) if out else "—",
                        "Note": notes.get(r.status, "") + (r.reason if r.status == "error" else "")})
    show_table(pd.DataFrame(records), key=f"{PREFIX}results")
    return [r.result for r in result.rows if r.result], result.summary


def show_totals(summary, note: str) -> None:
    cols = st.columns(4)
    cols[0].metric("Parameters", f"{summary.total_params:,}", help="Learnable weights and biases (batch norm: "
                   "γ and β per channel; running statistics are not parameters)")
    cols[1].metric("Multiply-adds (MACs)", short_number(summary.total_macs),
                   help=f"{summary.total_macs:,} multiply-accumulates per image, counting conv and dense layers "
                        "(not bias, batch norm, pooling, activations or skip-connection adds)")
    cols[2].metric("Output", shape_text(summary.output_shape))
    cols[3].metric("Activations per image", short_number(summary.total_activations),
                   help=f"{summary.total_activations:,} values: the outputs of all layers, kept for backprop "
                        f"(× 4 bytes in float32 = {short_number(4 * summary.total_activations)}B)")
    if note:
        st.caption(note)


def show_charts(rows, key: str) -> None:
    left, right = st.columns(2, gap="large")
    with left:
        show_figure(layer_bars(rows, "params", "Parameters per layer", "parameters"), key=f"{key}.params")
    with right:
        show_figure(layer_bars(rows, "activations", "Activation size per layer", "values per image"),
                    key=f"{key}.activations")
    st.caption("Activations shrink with depth while the channels grow; most parameters sit in the dense layers "
               "(in VGG-16, the first dense layer alone holds 103 M of 138 M).")


def comparison_table(c, names: tuple[str, str]) -> None:
    st.dataframe(exact_counts(pd.DataFrame([{"": name, "Parameters": s.total_params, "MACs": s.total_macs,
                                             "Output H×W×C": shape_text(s.output_shape),
                                             "Receptive field": field_text(s.rows[-1].rf)}
                                            for name, s in zip(names, (c.baseline, c.alternative))])),
                 hide_index=True, column_config=TABLE_CONFIG)


def show_comparisons(first_conv) -> None:
    st.subheader("Design choices, counted")
    tabs = st.tabs(["Conv vs dense", "One 5×5 vs two 3×3", "1×1 bottleneck", "AlexNet 2012 vs torchvision"])
    shape, conv = first_conv if first_conv else ((3, 32, 32), Conv2d(6, 5))
    c = conv_vs_dense(shape, conv)
    with tabs[0]:
        comparison_table(c, ("Dense layer, same input → same output size", "The conv layer"))
        st.markdown(f"Mapping {shape_text(shape)} to {shape_text(c.alternative.output_shape)}, the conv layer "
                    f"shares one small kernel per filter across all positions: **{c.alternative.total_params:,}** "
                    f"parameters instead of **{c.baseline.total_params:,}** "
                    f"({c.baseline.total_params / c.alternative.total_params:,.0f}× fewer).")
    c = single_vs_stacked(channels=64, size=28)
    with tabs[1]:
        comparison_table(c, ("One 5×5 conv, 64 → 64", "Two 3×3 convs, 64 → 64 → 64"))
        st.markdown(f"Both see a 5×5 patch of the input and give the same output size, but two 3×3 layers need "
                    f"**{c.params_saved:.0%} fewer** weights (18·C² instead of 25·C², no bias) and add a "
                    "second non-linearity.")
    c = bottleneck(channels=128, reduced=32)
    with tabs[2]:
        comparison_table(c, ("3×3 conv, 128 → 128", "1×1 to 32, then 3×3 to 128"))
        st.markdown(f"Shrinking the channels with a cheap 1×1 conv first: **{c.baseline.total_params:,}** → "
                    f"**{c.alternative.total_params:,}** weights, about **{c.params_saved:.0%} fewer** (and as many "
                    "fewer multiply-adds). GoogLeNet and ResNet-50 use this everywhere.")
    c = alexnet_grouping()
    with tabs[3]:
        old = {r.name: r for r in c.alternative.rows if r.params}
        new = {r.name: r for r in c.baseline.rows if r.params}
        frame = pd.DataFrame([{"Layer": name, "Groups (2012)": getattr(old[name].layer, "groups", 1),
                               "2012 parameters": old[name].params, "torchvision parameters": new[name].params}
                              for name in old])
        st.dataframe(frame, hide_index=True,
                     column_config={"2012 parameters": COUNT, "torchvision parameters": COUNT})
        st.markdown(f"In 2012 the network was split over two GPUs: conv2, conv4 and conv5 each see only the half "
                    f"of the channels on their own GPU (groups = 2), which halves their weights. Total "
                    f"**{c.alternative.total_params:,}** (2012) vs **{c.baseline.total_params:,}** (torchvision, "
                    "one GPU, different filter counts).")


st.title("Network architectures")
st.caption("From LeNet-5 to DenseNet: what shape comes out of every layer, how many parameters it learns and "
           "how many multiply-adds it costs. Shapes are written H×W×C, as in the course.")
_init_state()
settings = read_settings()
preset = PRESETS[settings.preset]
st.caption(f"**{preset.title}** — {preset.variant}. Source: {preset.source}.")

if settings.edit and settings.preset in CHAINS:
    chart_rows, summary = edit_table(settings)
    show_totals(summary, "Totals cover the rows that fit." if chart_rows and not summary.ok else "")
else:
    summary = preset_summary(settings.preset, settings.input_shape)
    depth = depth_of(settings.view, summary)
    chart_rows = summary.grouped(depth)
    error_name, skipped = summary.failed_block(depth)
    if summary.error:
        st.error(f"With a {shape_text(settings.input_shape)} input, {summary.error.name} cannot fit: "
                 f"{summary.error.reason}. Try a larger input.", icon=":material/error:")
    show_totals(summary, "Totals cover the layers before the one that does not fit." if summary.error else "")
    show_table(layer_frame(chart_rows, error_name, summary.error.reason if summary.error else "", skipped),
               key=f"{PREFIX}layers", layer_width=250)

show_charts(chart_rows, PREFIX + "charts")
first = next(((r.input_shape, r.layer) for r in summary.rows if r.kind == "Conv2d"), None)
show_comparisons(first)
