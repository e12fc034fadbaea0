"""Your own network: paste or upload Keras or PyTorch code and see every layer's shape and parameters.

The code is read, never run (cnnviz.networks.from_code): the page shows the Keras-style summary, the course's
H×W×C rows, the per-layer figures, the first layer that cannot fit pointed at in the code, and the network
written back as Keras and PyTorch code.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from cnnviz.errors import CnnvizError
from cnnviz.networks import summarize
from cnnviz.networks.code_examples import example_code
from cnnviz.networks.code_reading import MAX_CHARS, CodeError, source_text
from cnnviz.networks.export import network_snippets
from cnnviz.networks.framework_table import framework_table, layer_rows
from cnnviz.networks.from_code import from_code
from cnnviz.viz.networks import GroupLabels, layer_bars
from cnnviz.viz.style import shape_text
from ui.common.charts import show_figure
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson, lesson_page
from ui.common.text import error_text, lang, tr
from ui.schemas.own_network import OwnNetworkSettings

CODE, UPLOAD, UPLOAD_ERROR = "own.code", "own.upload", "own.upload_error"


def _load_example() -> None:
    st.session_state[CODE] = example_code(st.session_state["own.example"])


def _load_upload() -> None:
    """A new file replaces the code; one that is too large or not text leaves it and says why."""
    st.session_state.pop(UPLOAD_ERROR, None)
    upload = st.session_state.get(UPLOAD)
    if upload is None:
        return
    try:
        if upload.size > 4 * MAX_CHARS:  # UTF-8 needs at most 4 bytes a character: surely too long
            raise CodeError(1, 1, CnnvizError("code_too_long", size=upload.size, limit=MAX_CHARS))
        text = source_text(upload.getvalue())
        if len(text) > MAX_CHARS:
            raise CodeError(1, 1, CnnvizError("code_too_long", size=len(text), limit=MAX_CHARS))
    except CodeError as err:
        st.session_state[UPLOAD_ERROR] = err
        return
    st.session_state[CODE] = text


def read_settings(lesson: Lesson) -> OwnNetworkSettings:
    """Draw the example picker, the uploader, the code box (its text stays in session state under ``CODE``)
    and the input-shape fields; return the settings."""
    st.session_state.setdefault(CODE, example_code(lesson.current.example))
    pick, upload = st.columns([1, 1.4], vertical_alignment="bottom")
    lesson.widget("example", pick, on_change=_load_example)
    upload.file_uploader(tr("own.upload.label"), type=["py", "txt"], key=UPLOAD, on_change=_load_upload,
                         help=tr("own.upload.help", limit=f"{MAX_CHARS:,}"))
    if UPLOAD_ERROR in st.session_state:
        st.error(tr("own.error.upload", message=st.session_state[UPLOAD_ERROR].message(lang())),
                 icon=":material/upload_file:")
    source = st.text_area(tr("own.code.label"), key=CODE, height=330, help=tr("own.code.help"))
    st.caption(tr("own.input.caption"))
    try:
        stated = read_network(source).input_shape is not None
    except CodeError:
        stated = False
    for column, name in zip(st.columns(3), ("channels", "height", "width")):
        lesson.widget(name, column, disabled=stated)  # the code's own input shape wins
    return lesson.settings()


@st.cache_data(max_entries=32, show_spinner=False)
def read_network(source: str):
    """The network the code builds (CodeError when it cannot be read)."""
    return from_code(source)


EXCERPT_WIDTH = 100  # characters of each shown line, around the column


def show_excerpt(source: str, line: int, column: int) -> None:
    """The lines around ``line`` with a caret under ``column`` (long lines cut to the part around it)."""
    lines = source.splitlines() or [""]
    line = min(max(line, 1), len(lines))
    start = max(column - 1 - EXCERPT_WIDTH // 2, 0)
    out = []
    for number in range(max(line - 2, 1), min(line + 2, len(lines)) + 1):
        out.append(f"{number:>4} | {lines[number - 1][start: start + EXCERPT_WIDTH]}")
        if number == line:
            out.append(f"     | {' ' * (column - 1 - start)}^")
    st.code("\n".join(out), language=None)


def keras_frame(table) -> pd.DataFrame:
    return pd.DataFrame([{tr("own.table.layer"): r.layer, tr("own.table.output"): r.output_shape,
                          tr("own.table.params"): f"{r.params:,}"} for r in table.rows])


def course_frame(rows) -> pd.DataFrame:
    return pd.DataFrame([{tr("own.course.layer"): r.name, tr("own.course.output"): shape_text(r.output_shape),
                          tr("own.course.params"): r.params} for r in rows])


def show_tables(net, summary) -> None:
    table = framework_table(summary, net.framework, net.types)
    keras_side, course_side = st.columns([1.2, 1], gap="large")
    with keras_side:
        st.subheader(tr(f"own.table.title.{net.framework}"))
        st.dataframe(keras_frame(table), hide_index=True)
        st.markdown(tr("own.table.totals", total=f"{table.total:,}", trainable=f"{table.trainable:,}",
                       non_trainable=f"{table.non_trainable:,}"))
        if net.framework == "torch" and summary.total_non_trainable:
            st.caption(tr("own.table.buffers", buffers=f"{summary.total_non_trainable:,}"))
    with course_side:
        st.subheader(tr("own.course.title"))
        st.dataframe(course_frame(layer_rows(summary)), hide_index=True,
                     column_config={tr("own.course.params"): st.column_config.NumberColumn(format="localized")})


def show_error(net, summary, source: str) -> None:
    err = summary.error
    where = net.position_of(err.name)
    reason = error_text(err.cause) if err.cause is not None else err.reason
    line, column = where if where else (1, 1)
    st.error(tr("own.error.fit", layer=err.name.split(".")[0], line=line, column=column,
                shape=shape_text(err.input_shape), reason=reason), icon=":material/error:")
    show_excerpt(source, line, column)
    if summary.skipped:
        st.caption(tr("own.error.skipped", count=len({n.split(".")[0] for n in summary.skipped})))


def show_figures(rows) -> None:
    labels = GroupLabels(**{g: tr(f"own.group.{g}") for g in ("conv", "dense", "pool", "norm", "merge", "block",
                                                              "other")})
    left, right = st.columns(2, gap="large")
    with left:
        show_figure(layer_bars(rows, "params", tr("own.fig.params"), tr("own.fig.params_axis"), labels),
                    key="own.fig.params")
    with right:
        show_figure(layer_bars(rows, "activations", tr("own.fig.activations"), tr("own.fig.activations_axis"),
                               labels), key="own.fig.activations")


def show(source: str, settings: OwnNetworkSettings) -> None:
    try:
        net = read_network(source)
    except CodeError as err:
        st.error(tr("own.error.code", message=err.message(lang())), icon=":material/error:")
        if err.pointed:
            show_excerpt(source, err.line, err.column)
        return
    stated = net.input_shape is not None
    shape = net.input_shape if stated else settings.input_shape
    summary = summarize(net, shape, strict=False)
    st.caption(tr(f"own.input.{'stated' if stated else 'given'}", shape=shape_text(shape),
                  framework=tr(f"own.framework.{net.framework}")))
    if summary.error:
        show_error(net, summary, source)
    metrics = st.columns(3)
    metrics[0].metric(tr("own.metric.params"), f"{summary.total_params:,}", help=tr("own.metric.params_help"))
    metrics[1].metric(tr("own.metric.non_trainable"), f"{summary.total_non_trainable:,}",
                      help=tr("own.metric.non_trainable_help"))
    metrics[2].metric(tr("own.metric.output"), shape_text(summary.output_shape))
    if summary.rows:
        show_tables(net, summary)
        show_figures(layer_rows(summary))
    if summary.ok:
        code_panel(lambda: network_snippets(net, shape), title=tr("own.export.title"))


st.title(tr("nav.own_network.title"))
lesson_page(OwnNetworkSettings, "own.intro", read_settings, lambda settings, _: show(st.session_state[CODE], settings))
