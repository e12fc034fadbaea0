"""Padding & stride explorer: output size, the floor, coverage and why kernels have odd sizes."""
from __future__ import annotations

import streamlit as st

from cnnviz.code_snippets import output_size_snippets
from cnnviz.quiz import output_shape_question
from cnnviz.shapes import axis_geometry, conv_geometry, coverage, torch_same_padding
from cnnviz.viz.geometry import (CoverageLabels, GridLabels, SameLabels, coverage_figure, padded_grid_figure,
                                 same_padding_figure)
from pages.common.charts import show_figure
from pages.common.code_panel import code_panel
from pages.common.controls import Lesson, lesson_page
from pages.common.formulas import unbroken
from pages.common.predict import predict_first, question_key, show_question
from pages.common.text import error_text, lang, tr
from pages.schemas.padding_stride import PAIRS, PaddingStrideSettings

GENERAL_FORMULA = "⌊(n + 2p − d(f−1) − 1) / s⌋ + 1"
# Classroom examples: text id padstride.example.<id> → settings that differ from the defaults
EXAMPLES = {
    "p0": {},
    "p1": {"pad_h": 1, "pad_w": 1},
    "full": {"padding_mode": "full"},
    "s2": {"size_h": 8, "size_w": 8, "stride_h": 2, "stride_w": 2},
    "f5": {"size_h": 32, "size_w": 32, "kernel_h": 5, "kernel_w": 5},
}


def _square_changed() -> None:
    """Linking the axes again: the columns take the rows' values."""
    if st.session_state["padstride.square"]:
        for name in PAIRS:
            st.session_state[f"padstride.{name}_w"] = st.session_state[f"padstride.{name}_h"]


def _load_example(changes: dict) -> None:
    for name, value in PaddingStrideSettings.defaults().items():
        st.session_state[f"padstride.{name}"] = changes.get(name, value)


def read_settings(lesson: Lesson) -> PaddingStrideSettings:
    """Draw the controls (one column per quantity); return the settings they hold."""
    switches = st.columns([2, 3, 1.6], vertical_alignment="center")  # wide enough for the labels at 1280 px
    lesson.widget("square", switches[0], on_change=_square_changed)
    lesson.widget("padding_mode", switches[1])
    lesson.widget("predict", switches[2])
    if not lesson.hidden & set().union(*EXAMPLES.values()):  # a lesson link that hides these keeps them fixed
        label, *buttons = st.columns([1.6] + [1] * len(EXAMPLES), vertical_alignment="center")
        label.markdown(tr("padstride.examples"))
        for column, (example, changes) in zip(buttons, EXAMPLES.items()):
            column.button(tr(f"padstride.example.{example}"), on_click=_load_example, args=(changes,),
                          key=f"padstride.example.{example}", width="stretch")
    square, explicit = lesson.current.square, lesson.current.padding_mode == "explicit"
    for column, name in zip(st.columns(len(PAIRS)), PAIRS):
        disabled = name == "pad" and not explicit
        if square:
            lesson.widget(f"{name}_h", column, disabled=disabled, label=tr(f"padstride.{name}.label"))
        else:
            lesson.widget(f"{name}_h", column, disabled=disabled)
            lesson.widget(f"{name}_w", column, disabled=disabled)
    return lesson.settings()


@st.cache_data(max_entries=64, show_spinner=False)
def compute(s: PaddingStrideSettings, lang: str):
    """Geometry, coverage and figures in ``lang``; raises CnnvizError for impossible settings."""
    geo = conv_geometry(s.size, s.kernel, s.stride, s.padding, s.dilation)
    counts = coverage(s.size, s.kernel, s.stride, s.padding, s.dilation)
    grid = padded_grid_figure(geo, GridLabels(**_labels("grid", GridLabels)))
    cover = coverage_figure(counts, geo.pads, CoverageLabels(**_labels("coverage", CoverageLabels)))
    return geo, counts, grid, cover


def _labels(group: str, labels_class) -> dict[str, str]:
    return {name: tr(f"padstride.{group}.{name}") for name in labels_class.__dataclass_fields__}


def _axes(s: PaddingStrideSettings, result) -> list:
    """Rows and columns as ``(AxisGeometry, None)``, or ``(None, message)`` for an axis that cannot work —
    each axis on its own, so a broken one leaves the other's formula on screen."""
    if result is not None:
        return [(result[0].rows, None), (result[0].cols, None)]
    axes = []
    for axis in (0, 1):
        padding = s.padding if isinstance(s.padding, str) else s.padding[axis]
        try:
            axes.append((axis_geometry(s.size[axis], s.kernel[axis], s.stride[axis], padding, s.dilation[axis]), None))
        except ValueError as err:
            axes.append((None, error_text(err)))
    return axes


def show_output_size(s: PaddingStrideSettings, result) -> None:
    st.markdown(f"{tr('padstride.out.general')} {unbroken(GENERAL_FORMULA)}", unsafe_allow_html=True)
    size, rows, cols = st.columns([1, 2, 2])
    if result is not None:
        size.metric(tr("padstride.out.metric"), f"{result[0].rows.out} × {result[0].cols.out}")
    for column, name, (ax, problem) in zip((rows, cols), ("rows", "cols"), _axes(s, result)):
        worked = f"<span style='font-size:1.5rem'>{unbroken(ax.worked())}</span>" if ax is not None else \
            f":red[{problem}]"
        column.markdown(f"**{tr(f'padstride.out.{name}')}**  \n{worked}", unsafe_allow_html=True)
    if result is None:
        st.info(tr("padstride.needs_possible"), icon=":material/info:")
        return
    geo, _, grid, _ = result
    if s.padding_mode != "explicit":
        (top, bottom), (left, right) = geo.pads
        st.info(tr("padstride.out.mode_pads", mode=s.padding_mode, top=top, bottom=bottom, left=left, right=right),
                icon=":material/padding:")
    for name, ax in (("rows", geo.rows), ("cols", geo.cols)):
        missed = ax.unreached()
        if missed:
            st.warning(tr(f"padstride.out.unreached_{name}", remainder=ax.remainder,
                          which=", ".join(str(m) for m in missed)), icon=":material/content_cut:")
    show_figure(grid, key="padstride.grid", width="content")
    st.caption(tr("padstride.out.marks"))


def show_coverage(result) -> None:
    if result is None:
        st.info(tr("padstride.needs_possible"), icon=":material/info:")
        return
    _, counts, _, figure = result
    h, w = counts.shape
    corner, centre, note = st.columns([1, 1, 3])
    corner.metric(tr("padstride.coverage.corner"), tr("padstride.coverage.times", n=counts[0, 0]))
    centre.metric(tr("padstride.coverage.centre"), tr("padstride.coverage.times", n=counts[h // 2, w // 2]))
    note.markdown(tr("padstride.coverage.note"))
    show_figure(figure, key="padstride.coverage", width="content")


def _pads(geo) -> str:
    """``0 / 1 · 0 / 1 → 8 × 8``: top / bottom · left / right → output."""
    (t, b), (l, r) = geo.pads
    return f"{t} / {b} · {l} / {r} → {geo.rows.out} × {geo.cols.out}"


def _same_case(s: PaddingStrideSettings, f: int) -> None:
    """'same' padding of an f×f kernel on the current input at stride 1 (the figure), TF vs PyTorch."""
    st.markdown(tr("padstride.odd.heading_odd" if f % 2 else "padstride.odd.heading_even", f=f))
    try:
        geo = conv_geometry(s.size, f, 1, "same", s.dilation)
        torch_pads = tuple(torch_same_padding(n, f, 1, d) for n, d in zip(s.size, s.dilation))
        torch_geo = conv_geometry(s.size, f, 1, torch_pads, s.dilation)
    except ValueError as err:
        st.error(tr("padstride.odd.error", f=f, message=error_text(err)), icon=":material/error:")
        return
    labels = SameLabels(**{name: tr(f"padstride.same.{name}") for name in SameLabels.__dataclass_fields__})
    show_figure(same_padding_figure(s.size, geo.pads, (f, f), labels), key=f"padstride.same{f}", width="content")
    sh, sw = s.stride
    rows = [tr("padstride.odd.table_head"), "|---|---|", f"| {_pads(geo)} | {tr('padstride.odd.tensorflow')} |",
            f"| {_pads(torch_geo)} | {tr('padstride.odd.pytorch')} |"]
    if s.stride != (1, 1):
        try:
            strided = conv_geometry(s.size, f, s.stride, "same", s.dilation)
            rows.append(f"| {_pads(strided)} | {tr('padstride.odd.tensorflow_strided', sh=sh, sw=sw)} |")
        except ValueError as err:
            why = tr("padstride.odd.tensorflow_strided_error", sh=sh, sw=sw, message=error_text(err))
            rows.append(f"| — | {why} |")
        rows.append(f"| {tr('padstride.odd.refused')} | {tr('padstride.odd.pytorch_strided', sh=sh, sw=sw)} |")
    st.markdown("\n".join(rows))


def show_odd_kernels(s: PaddingStrideSettings) -> None:
    st.markdown(tr("padstride.odd.intro"))
    if s.stride != (1, 1):
        st.caption(tr("padstride.odd.strided"))
    odd = s.kernel_h if s.kernel_h % 2 else max(s.kernel_h - 1, 1)
    left, right = st.columns(2, gap="large")
    with left:
        _same_case(s, odd)
    with right:
        _same_case(s, odd + 1)


def predicted(s: PaddingStrideSettings) -> bool:
    """Predict first: the output size, height × width, before any tab shows it."""
    question = output_shape_question(s.size, s.kernel, s.stride, s.padding, s.dilation)
    key = question_key("padstride", s)
    show_question(question, key)
    return predict_first(question, key) is not None


def show(settings: PaddingStrideSettings) -> None:
    """The three tabs and the code; a setting that cannot work is explained where it matters and spares the
    others (and has no size to predict)."""
    try:
        computed = compute(settings, lang())
    except ValueError as err:
        st.error(tr("padstride.impossible", message=error_text(err)), icon=":material/error:")
        computed = None
    if computed is not None and settings.predict and not predicted(settings):
        return  # every tab states the size: they stay hidden until the guess is checked
    size_tab, coverage_tab, odd_tab = st.tabs([tr("padstride.tab.size"), tr("padstride.tab.coverage"),
                                               tr("padstride.tab.odd")])
    with size_tab:
        show_output_size(settings, computed)
    with coverage_tab:
        show_coverage(computed)
    with odd_tab:
        show_odd_kernels(settings)
    if computed is not None:
        code_panel(output_size_snippets(settings.size, settings.kernel, settings.stride, settings.padding,
                                        settings.dilation))
    st.page_link("pages/lessons/layer_chain.py", label=tr("padstride.layer_chain_link"), icon=":material/stacks:")


st.title(tr("nav.padding_stride.title"))
lesson_page(PaddingStrideSettings, "padstride.intro", read_settings, lambda settings, _: show(settings))
