"""Network architectures: the shape after every layer, parameters, MACs and receptive fields, LeNet to DenseNet."""
from __future__ import annotations

import functools

import streamlit as st

from cnnviz.networks import PRESETS
from cnnviz.networks.export import network_snippets
from cnnviz.networks.table import ACTIVATIONS, LAYER_TYPES, network_from_table, summarize_table
from cnnviz.quiz import network_params_question
from cnnviz.viz.network_tables import layer_records, reason_text, result_records
from cnnviz.viz.networks import GroupLabels, layer_bars, short_number
from cnnviz.viz.style import shape_text
from ui.common.charts import show_figure
from cnnviz.locales import catalogue, t
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson, lesson_page
from ui.common.network_views import show_comparisons, show_table
from ui.common.predict import predict_first, question_key, show_question
from ui.common.table_codec import editor_key
from ui.common.text import error_text, lang, tr
from ui.schemas.architectures import ARCH_CODEC, CHAINS, ArchSettings, preset_summary, preset_text


def _preset_changed() -> None:
    """A new network starts from its own input size, its own layers and a view that fits its depth."""
    preset = PRESETS[st.session_state["arch.preset"]]
    for name, value in zip(("channels", "height", "width"), preset.input_shape):
        st.session_state[f"arch.{name}"] = value
    st.session_state["arch.view"] = "all" if preset.name in CHAINS else "top"
    st.session_state["arch.layers"] = ""
    st.session_state["arch.edit"] &= preset.name in CHAINS


def read_settings(lesson: Lesson) -> ArchSettings:
    pick, c, h, w, view = st.columns([2.3, 0.7, 0.7, 0.7, 2.9], vertical_alignment="bottom")
    lesson.widget("preset", pick, on_change=_preset_changed)
    for name, where in (("channels", c), ("height", h), ("width", w)):
        lesson.widget(name, where)
    if len(lesson.current.bounds("view")) > 1 and not lesson.current.editing:  # the edited table has no folds
        lesson.widget("view", view)
    chain = lesson.current.preset in CHAINS
    lesson.widget("edit", disabled=not chain, help=tr("arch.edit.help" if chain else "arch.edit.help_branching"))
    if lesson.current.editing and "layers" not in lesson.hidden:
        layer_editor(lesson.current)
    lesson.widget("predict")
    return lesson.settings()


def layer_editor(s: ArchSettings) -> None:
    """The editable layer table; what it holds becomes the ``layers`` setting ('' while it is the preset's)."""
    st.markdown(tr("arch.edit.heading"))
    column, base = st.column_config, s.layers or preset_text(s.preset)
    texts = {name: column.TextColumn(tr(f"arch.col.{name}"), help=tr(f"arch.col.{name}_help"))
             for name in ("kernel", "stride", "padding", "dilation", "groups")}
    edited = st.data_editor(
        ARCH_CODEC.frame(ARCH_CODEC.decode(base)), key=editor_key("arch", f"{s.preset}:{base}"), num_rows="dynamic",
        width="stretch", hide_index=False, placeholder="",
        column_config=texts | {
            "type": column.SelectboxColumn(tr("arch.col.type"), options=LAYER_TYPES, required=True),
            "out": column.NumberColumn(tr("arch.col.out"), help=tr("arch.col.out_help"), step=1),
            "activation": column.SelectboxColumn(tr("arch.col.activation"), options=list(ACTIVATIONS))})
    layers = ARCH_CODEC.encode(edited.to_dict("records"))
    st.session_state["arch.layers"] = "" if layers == preset_text(s.preset) else layers


@st.cache_resource(max_entries=64, show_spinner=False)
def table_summary(rows: list[dict], shape: tuple[int, int, int]):
    return summarize_table(rows, shape)


TOTALS_CSS = """<style>  /* the totals' row lays out as st.columns(4) would: four equal columns, stacked on a phone */
.st-key-arch-totals > div { flex: 1 1 0; }
@media (max-width: 640px) { .st-key-arch-totals > div { min-width: 100%; } }
</style>"""


def show_totals(summary, note: str) -> None:
    row = st.container(horizontal=True, key="arch.totals")  # one block (four columns would be five); TOTALS_CSS
    row.metric(tr("arch.total.params"), f"{summary.total_params:,}", help=tr("arch.total.params_help"))
    row.metric(tr("arch.total.macs"), short_number(summary.total_macs),
               help=tr("arch.total.macs_help", macs=f"{summary.total_macs:,}"))
    row.metric(tr("arch.total.output"), shape_text(summary.output_shape))
    row.metric(tr("arch.total.activations"), short_number(summary.total_activations),
               help=tr("arch.total.activations_help", values=f"{summary.total_activations:,}",
                       bytes=short_number(4 * summary.total_activations)))
    if note:
        st.caption(note)


@functools.cache
def group_labels(language: str) -> GroupLabels:
    return GroupLabels(**{g: t(f"arch.group.{g}", language) for g in GroupLabels.__dataclass_fields__})


def show_charts(rows) -> None:
    if not rows:
        st.info(tr("arch.charts.none"), icon=":material/info:")
        return
    groups = group_labels(lang())
    for value in ("params", "activations"):  # full width: at 1280 px half a page wraps the legend over the title
        show_figure(layer_bars(rows, value, tr(f"arch.charts.{value}"), tr(f"arch.charts.{value}_axis"), groups),
                    key=f"arch.charts.{value}")  # their caption heads the comparisons (show_comparisons)


def network(s: ArchSettings):
    """The network shown: the edited table's, or the preset's."""
    return network_from_table(s.rows) if s.editing else PRESETS[s.preset].network


@st.cache_resource(max_entries=64, show_spinner=False)
def code_snippets(preset: str, layers: str | None, shape: tuple[int, int, int], _network):
    """``network_snippets`` (~1 ms) keyed on what defines the network: the preset and, when editing, ``layers``
    (``_network`` is that network, left out of the key)."""
    return network_snippets(_network, shape)


def predicted(s: ArchSettings) -> bool:
    """Predict first: the network's parameter count, before the totals and the table show it."""
    question = network_params_question(network(s), s.input_shape)
    key = question_key("arch", s)
    show_question(question, key)
    return predict_first(question, key) is not None


def fits(s: ArchSettings) -> bool:
    """Every layer fits the input (a question needs a parameter count)."""
    return (table_summary(s.rows, s.input_shape) if s.editing else preset_summary(s.preset, s.input_shape)).error \
        is None


def show(s: ArchSettings) -> None:
    source = f"arch.source.{s.preset}"  # a sentence to translate; a paper citation stays as published
    st.caption(tr("arch.about", title=tr(f"arch.preset.{s.preset}"), variant=tr(f"arch.variant.{s.preset}"),
                  source=tr(source) if source in catalogue("en") else PRESETS[s.preset].source))
    if s.predict and fits(s) and not predicted(s):
        return  # the totals, the table and the charts stay hidden until the guess is checked
    if s.editing:
        result = table_summary(s.rows, s.input_shape)
        if result.error:
            st.error(tr("arch.error.row", row=result.error.index + 1, message=error_text(result.error.cause)
                        if result.error.cause else result.error.reason), icon=":material/error:")
        st.markdown(tr("arch.edit.results"))
        show_table(result_records(result, lang()), key="arch.results")
        chart_rows, summary, broken = [r.result for r in result.rows if r.result], result.summary, bool(result.error)
        show_totals(summary, tr("arch.total.rows_that_fit") if chart_rows and not summary.ok else "")
    else:
        summary = preset_summary(s.preset, s.input_shape)
        depth = {"top": 1, "blocks": 2}.get(s.view, summary.max_depth)
        chart_rows = summary.grouped(depth)
        error_name, skipped = summary.failed_block(depth)
        error = summary.error
        broken = error is not None
        if error:
            st.error(tr("arch.error.layer", input=shape_text(s.input_shape), layer=error.name,
                        message=reason_text(error.reason, error.cause, lang())), icon=":material/error:")
        show_totals(summary, tr("arch.total.layers_before") if error else "")
        show_table(layer_records(chart_rows, lang(), (error_name, reason_text(error.reason, error.cause, lang()))
                                 if error else None, skipped), key="arch.layers", layer_width=250)
    show_charts(chart_rows)
    show_comparisons(summary, broken, s.compare, tr("arch.charts.caption") if chart_rows else "")
    if not broken:
        code_panel(lambda: code_snippets(s.preset, s.layers if s.editing else None, s.input_shape, network(s)))


st.title(tr("nav.architectures.title"))
st.html(TOTALS_CSS)  # sent once per page run, not per step
lesson_page(ArchSettings, "arch.intro", read_settings, lambda settings, _: show(settings),
            stepped=("channels", "height", "width"))
