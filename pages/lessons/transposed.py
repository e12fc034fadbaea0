"""Transposed convolution: stretch the input, pad it, slide the rotated kernel — or stamp the kernel."""
from __future__ import annotations

import streamlit as st

from cnnviz.course import INPUT_GRID_STREAM, KERNEL_GRID_STREAM, value_grid
from cnnviz.transpose import as_direct_convolution, conv_transpose2d, conv_transpose2d_stamps
from cnnviz.viz.geometry import StretchLabels, stretched_input_figure
from cnnviz.viz.stamps import StampLabels, can_animate, stamps_figure
from pages.common.charts import show_figure
from pages.common.controls import Lesson, presenting
from pages.common.text import error_text, tr
from pages.schemas.transposed import EXAMPLES, GEOMETRY, TransposedSettings

VIEWS = ("direct", "scatter")


def _load_example(changes: dict) -> None:
    example = TransposedSettings.build(changes)
    for name in GEOMETRY + ("input_values", "kernel_values", "seed"):  # the view shown stays
        st.session_state[f"transposed.{name}"] = getattr(example, name)


def read_settings(lesson: Lesson) -> TransposedSettings:
    for name in GEOMETRY + ("input_values", "kernel_values"):
        lesson.widget(name)
    if "random" in (lesson.current.input_values, lesson.current.kernel_values):
        lesson.widget("seed")
    return lesson.settings()


@st.cache_data(max_entries=64, show_spinner=False)
def compute(s: TransposedSettings):
    """Input, output, the direct-convolution view and the stamps; raises CnnvizError for impossible settings."""
    x = value_grid(s.input_values, s.size, s.seed, INPUT_GRID_STREAM)
    w = value_grid(s.kernel_values, s.kernel, s.seed, KERNEL_GRID_STREAM)
    args = dict(stride=s.stride, padding=s.padding, output_padding=s.output_padding, dilation=s.dilation)
    return x, conv_transpose2d(x, w, **args), as_direct_convolution(x, w, **args), conv_transpose2d_stamps(x, w, **args)


def figure_labels() -> tuple[StretchLabels, StampLabels]:
    stretch = StretchLabels(input=tr("transposed.fig.stretched"), kernel=tr("transposed.fig.rotated"),
                            output=tr("transposed.fig.output"),
                            roles=tuple(tr(f"transposed.fig.role.{r}") for r in ("input", "zero", "implicit", "extra")))
    words = ("input", "contribution", "canvas", "cropped", "output", "stamp", "caption")
    stamp = StampLabels(**{w: tr(f"transposed.fig.{w}") for w in words}, play=tr("app.player.play"),
                        pause=tr("app.player.pause"), step=tr("transposed.fig.step"))
    return stretch, stamp


def implicit_formula(view) -> str:
    """The zeros padded around the stretched input, as the course writes them."""
    return "d(k − 1) − p" if view.geometry.rows.dilation > 1 else "k − p − 1"


def show_sizes(view) -> None:
    ax = view.geometry.rows
    size, formula = st.columns([1, 3])
    size.metric(tr("transposed.output_size"), f"{ax.out} × {view.geometry.cols.out}")
    formula.markdown("**o = s(i − 1) + d(k − 1) + 1 − 2p + a**" if ax.dilation > 1 else
                     "**o = s(i − 1) + k − 2p + a**")
    formula.markdown(f"<span style='font-size:1.6rem'>o = {ax.formula()}</span>", unsafe_allow_html=True)
    stretch, pad, kernel = st.columns(3)
    stretch.metric(tr("transposed.stretched"), ax.stretched, help=tr("transposed.stretched_help", n=ax.stride - 1))
    pad.metric(tr("transposed.implicit", formula=implicit_formula(view)), ax.implicit_padding,
               help=tr("transposed.implicit_help"))
    kernel.metric(tr("transposed.extra"), ax.output_padding)


def _view_changed() -> None:
    chosen = st.session_state["transposed._tab"]
    st.session_state["transposed.view"] = next(v for v in VIEWS if tr(f"transposed.view.{v}") == chosen)


def show_views(lesson: Lesson, s: TransposedSettings, x, out, view, stamps) -> None:
    stretch_labels, stamp_labels = figure_labels()
    names = [tr(f"transposed.view.{v}") for v in VIEWS]
    direct_tab, scatter_tab = st.tabs(names, default=names[VIEWS.index(s.view)], key="transposed._tab",
                                      on_change=_view_changed)
    with direct_tab:
        st.markdown(tr("transposed.direct_text", pad=implicit_formula(view)))
        show_figure(stretched_input_figure(view, out, stretch_labels), key="transposed.direct", width="content")
    with scatter_tab:
        st.markdown(tr("transposed.scatter_text"))
        animate = can_animate(stamps)
        pick = 0 if animate else lesson.widget("pick", bounds=(1, len(stamps))) - 1
        figure = stamps_figure(x, stamps, view.geometry, stamp_labels, animate=animate, start=pick)
        show_figure(figure, key="transposed.stamps", width="content")


st.title(tr("nav.transposed.title"))
st.caption(tr("transposed.intro"))
lesson = Lesson(TransposedSettings)
lesson.notices()
# the presenter layout puts the figures first and folds the controls away below them
controls, main = lesson.areas() if presenting() else st.columns([1, 3.2], gap="large")
with controls:
    settings = read_settings(lesson)
with main:
    with st.container(horizontal=True, vertical_alignment="center"):
        if not lesson.hidden & set(GEOMETRY):  # a classroom link that hides the geometry hides its examples
            st.markdown(tr("transposed.examples"))
            for name, changes in EXAMPLES.items():
                st.button(tr(f"transposed.example.{name}"), on_click=_load_example, args=(changes,),
                          key=f"transposed.example.{name}")
        lesson.link_control()
    try:
        x, out, view, stamps = compute(settings)
    except ValueError as err:
        st.error(tr("transposed.error", message=error_text(err)), icon=":material/error:")
        st.stop()
    show_sizes(view)
    show_views(lesson, settings, x, out, view, stamps)
