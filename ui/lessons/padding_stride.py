"""Padding & stride explorer: output size, the floor, coverage and why kernels have odd sizes."""
from __future__ import annotations

import functools

import streamlit as st

from cnnviz.code_snippets import output_size_snippets
from cnnviz.locales import t
from cnnviz.quiz import output_shape_question
from cnnviz.shapes import axis_geometry, conv_geometry, coverage, torch_same_padding
from cnnviz.viz.geometry import (CoverageLabels, GridLabels, SameLabels, coverage_figure, padded_grid_figure,
                                 same_padding_figure)
from ui.common.charts import show_figure
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson, lesson_page
from ui.common.formulas import unbroken
from ui.common.predict import predict_first, question_key, show_question
from ui.common.text import error_text, lang, tr
from ui.schemas.padding_stride import PAIRS, PaddingStrideSettings

GENERAL_FORMULA = "⌊(n + 2p − d(f−1) − 1) / s⌋ + 1"
TAB = "padstride.tab"  # session state: the open tab's label
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
        row = st.container(horizontal=True, vertical_alignment="center")  # one element (six columns would be seven)
        row.markdown(tr("padstride.examples"), width="content")
        for example, changes in EXAMPLES.items():
            row.button(tr(f"padstride.example.{example}"), on_click=_load_example, args=(changes,),
                       key=f"padstride.example.{example}", width="stretch")
    square, explicit = lesson.current.square, lesson.current.padding_mode == "explicit"
    for axis in ("h",) if square else ("h", "w"):  # a row of sliders per axis, one element (5 columns would be 6)
        row = st.container(horizontal=True)
        for name in PAIRS:
            label = tr(f"padstride.{name}.label") if square else None
            lesson.widget(f"{name}_{axis}", row, disabled=name == "pad" and not explicit, label=label)
    return lesson.settings()


def _labels(group: str, labels_class, language: str):
    """A figure's ``*Labels`` in ``language``: its field ``name`` reads ``padstride.<group>.<name>``."""
    return labels_class(**{n: t(f"padstride.{group}.{n}", language) for n in labels_class.__dataclass_fields__})


# Figures built once per problem and language (functools, not st.cache_*: their key costs ~0.2 ms of every rerun)
@functools.lru_cache(maxsize=64)
def grid_figure(problem: tuple, language: str) -> dict:
    return padded_grid_figure(conv_geometry(*problem), _labels("grid", GridLabels, language))


@functools.lru_cache(maxsize=64)
def coverage_view(problem: tuple, language: str):
    """``(counts, figure)``: how many windows use each input pixel."""
    counts = coverage(*problem)
    return counts, coverage_figure(counts, conv_geometry(*problem).pads, _labels("coverage", CoverageLabels, language))


@functools.lru_cache(maxsize=64)
def same_figure(size: tuple, pads: tuple, f: int, language: str) -> dict:
    return same_padding_figure(size, pads, (f, f), _labels("same", SameLabels, language))


def _axes(s: PaddingStrideSettings, geo) -> list:
    """Rows and columns as ``(AxisGeometry, None)``, or ``(None, message)`` for an axis that cannot work —
    each axis on its own, so a broken one leaves the other's formula on screen."""
    if geo is not None:
        return [(geo.rows, None), (geo.cols, None)]
    axes = []
    for axis in (0, 1):
        padding = s.padding if isinstance(s.padding, str) else s.padding[axis]
        try:
            axes.append((axis_geometry(s.size[axis], s.kernel[axis], s.stride[axis], padding, s.dilation[axis]), None))
        except ValueError as err:
            axes.append((None, error_text(err)))
    return axes


def show_output_size(s: PaddingStrideSettings, geo) -> None:
    st.markdown(f"{tr('padstride.out.general')} {unbroken(GENERAL_FORMULA)}", unsafe_allow_html=True)
    row = st.container(horizontal=True, gap="large")  # one block (two columns would be three)
    if geo is not None:
        row.metric(tr("padstride.out.metric"), f"{geo.rows.out} × {geo.cols.out}", width="content")
    cells = []  # rows and columns side by side in one element (two columns would be three)
    for name, (ax, message) in zip(("rows", "cols"), _axes(s, geo)):
        worked = f"<span style='font-size:1.5rem'>{unbroken(ax.worked())}</span>" if ax is not None else \
            f":red[{message}]"
        cells.append(f"<div>\n\n**{tr(f'padstride.out.{name}')}**  \n{worked}\n\n</div>")
    row.markdown(f"<div style='display:grid;grid-template-columns:1fr 1fr;gap:1rem'>\n{''.join(cells)}\n</div>",
                 unsafe_allow_html=True, width="stretch")
    if geo is None:
        st.info(tr("padstride.needs_possible"), icon=":material/info:")
        return
    if s.padding_mode != "explicit":
        (top, bottom), (left, right) = geo.pads
        st.info(tr("padstride.out.mode_pads", mode=s.padding_mode, top=top, bottom=bottom, left=left, right=right),
                icon=":material/padding:")
    missed = [tr(f"padstride.out.unreached_{name}", remainder=ax.remainder, which=", ".join(map(str, ax.unreached())))
              for name, ax in (("rows", geo.rows), ("cols", geo.cols)) if ax.unreached()]
    if missed:
        st.warning("\n\n".join(missed), icon=":material/content_cut:")
    show_figure(grid_figure(s.problem, lang()), key="padstride.grid", width="content")
    st.caption(tr("padstride.out.marks"))


def show_coverage(s: PaddingStrideSettings, geo) -> None:
    if geo is None:
        st.info(tr("padstride.needs_possible"), icon=":material/info:")
        return
    counts, figure = coverage_view(s.problem, lang())
    h, w = counts.shape
    corner, centre, note = st.columns([1, 1, 3])
    corner.metric(tr("padstride.coverage.corner"), tr("padstride.coverage.times", n=counts[0, 0]))
    centre.metric(tr("padstride.coverage.centre"), tr("padstride.coverage.times", n=counts[h // 2, w // 2]))
    note.markdown(tr("padstride.coverage.note"))
    show_figure(figure, key="padstride.coverage", width="content")


def _pads(geo) -> str:
    """``0 / 1 · 0 / 1 → 8 × 8``: top / bottom · left / right → output."""
    (top, bottom), (left, right) = geo.pads
    return f"{top} / {bottom} · {left} / {right} → {geo.rows.out} × {geo.cols.out}"


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
    show_figure(same_figure(s.size, geo.pads, f, lang()), key=f"padstride.same{f}", width="content")
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


def show_odd_kernels(s: PaddingStrideSettings, _geo=None) -> None:
    """Works out its own 'same' paddings: it has something to say even when the settings cannot work."""
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
    others (and has no size to predict). Only the open tab is drawn: a control change sends one tab, not three."""
    try:
        geo = conv_geometry(*settings.problem)
    except ValueError as err:
        st.error(tr("padstride.impossible", message=error_text(err)), icon=":material/error:")
        geo = None
    if geo is not None and settings.predict and not predicted(settings):
        return  # every tab states the size: they stay hidden until the guess is checked
    tabs = st.tabs([tr(f"padstride.tab.{name}") for name in ("size", "coverage", "odd")], key=TAB, on_change="rerun")
    for tab, draw in zip(tabs, (show_output_size, show_coverage, show_odd_kernels)):
        if tab.open:
            with tab:
                draw(settings, geo)
    if geo is not None:
        code_panel(lambda: output_size_snippets(*settings.problem))
    st.page_link("ui/lessons/layer_chain.py", label=tr("padstride.layer_chain_link"), icon=":material/stacks:")


st.title(tr("nav.padding_stride.title"))
lesson_page(PaddingStrideSettings, "padstride.intro", read_settings, lambda settings, _: show(settings),
            stepped=tuple(f"{name}_{axis}" for axis in ("h", "w") for name in PAIRS))
