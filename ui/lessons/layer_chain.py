"""Layer-chain calculator: stack conv and pool layers, see every shape, formula and receptive field."""
from __future__ import annotations

import streamlit as st

from cnnviz.networks.chains import CHAIN_EXAMPLES, CHAIN_TYPES
from cnnviz.networks.export import network_snippets
from cnnviz.networks.table import network_from_table, summarize_table
from cnnviz.quiz import network_params_question
from cnnviz.viz.chain_table import chain_table, shape_flow
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson, lesson_page
from ui.common.predict import predict_first, question_key, show_question
from ui.common.table_codec import editor_key
from ui.common.text import error_text, lang, tr
from ui.schemas.layer_chain import CHAIN_CODEC, ChainSettings, example_text

BASE = "chain._base"  # the table the editor started from; its edits make the ``layers`` setting


def _load_example() -> None:
    name = st.session_state["chain.preset"]
    c, h, w = CHAIN_EXAMPLES[name].input_shape
    st.session_state.update({"chain.channels": c, "chain.height": h, "chain.width": w,
                             "chain.layers": example_text(name), BASE: example_text(name)})


def layer_editor(lesson: Lesson) -> None:
    """The editable table; what it holds becomes the ``layers`` setting (and so the link)."""
    if "layers" in lesson.hidden:
        return
    base = st.session_state.setdefault(BASE, lesson.current.layers)
    column = st.column_config
    edited = st.data_editor(
        CHAIN_CODEC.frame(CHAIN_CODEC.decode(base)), key=editor_key("chain", base), num_rows="dynamic",
        width="stretch", hide_index=True, placeholder="",
        column_config={
            "type": column.SelectboxColumn(tr("chain.col.type"), options=CHAIN_TYPES, required=True,
                                           help=tr("chain.col.type_help")),
            "out": column.NumberColumn(tr("chain.col.out"), min_value=1, step=1, help=tr("chain.col.out_help")),
            "kernel": column.TextColumn(tr("chain.col.kernel"), help=tr("chain.col.kernel_help")),
            "stride": column.TextColumn(tr("chain.col.stride"), help=tr("chain.col.stride_help")),
            "padding": column.TextColumn(tr("chain.col.padding"), help=tr("chain.col.padding_help")),
        })
    st.session_state["chain.layers"] = CHAIN_CODEC.encode(edited.to_dict("records"))


def read_settings(lesson: Lesson) -> ChainSettings:
    start, channels, height, width = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    lesson.widget("preset", start, on_change=_load_example)
    lesson.widget("channels", channels)
    lesson.widget("height", height)
    lesson.widget("width", width)
    layer_editor(lesson)
    lesson.widget("predict")
    return lesson.settings()


@st.cache_data(max_entries=64, show_spinner=False)
def compute(rows: list[dict], input_shape: tuple[int, int, int]):
    return summarize_table(rows, input_shape)


def predicted(s: ChainSettings) -> bool:
    """Predict first: the chain's parameter count, before the table shows it."""
    question = network_params_question(network_from_table(s.rows), s.input_shape)
    key = question_key("chain", s)
    show_question(question, key)
    return predict_first(question, key) is not None


def show_results(s: ChainSettings) -> None:
    rows = s.rows
    result = compute(rows, s.input_shape)
    if s.predict and result.error is None and not predicted(s):
        return  # the shapes and counts stay hidden until the guess is checked
    spatial, shapes = shape_flow(result, s.input_shape)
    st.markdown(f"<div style='font-size:2rem; font-weight:600'>{spatial}</div>", unsafe_allow_html=True)
    st.caption(tr("chain.shapes", shapes=shapes))
    bad = result.error
    if bad is not None:
        message = error_text(bad.cause) if bad.cause is not None else bad.reason
        st.error(tr("chain.error.row", row=bad.index + 1, message=message), icon=":material/error:")
    table = chain_table(result, [r["type"] for r in rows], lang())
    st.dataframe(table, hide_index=True, width="stretch", key="chain.results")  # columns sized to their text
    st.markdown(tr("chain.explain", total=f"{result.total_params:,}"))
    if bad is None:
        code_panel(lambda: network_snippets(network_from_table(rows), s.input_shape))


st.title(tr("nav.layer_chain.title"))
lesson_page(ChainSettings, "chain.intro", read_settings, lambda settings, _: show_results(settings))
