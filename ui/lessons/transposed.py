"""Transposed convolution: stretch the input, pad it, slide the rotated kernel — or stamp the kernel."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from cnnviz.code_snippets import transposed_snippets
from cnnviz.course import INPUT_GRID_STREAM, KERNEL_GRID_STREAM, value_grid
from cnnviz.quiz import transposed_size_question
from cnnviz.transpose import as_direct_convolution, conv_transpose2d, conv_transpose2d_stamps
from cnnviz.viz.frames import transposed_animation
from cnnviz.viz.geometry import StretchLabels, stretched_input_figure
from ui.common.charts import show_figure
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson, presenting
from ui.common.player import gif_download, player, speed_of
from ui.common.predict import predict_first, question_key, show_question
from ui.common.text import error_text, lang, tr
from ui.schemas import SETTINGS_HASH
from ui.schemas.transposed import EXAMPLES, GEOMETRY, TransposedSettings

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
    lesson.widget("predict")
    return lesson.settings()


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=SETTINGS_HASH)
def compute(s: TransposedSettings, language: str):
    """Input, kernel, output, the direct-convolution view and the stamps' animation, the same objects on every
    rerun (``s`` with its step, view and predict left at their defaults); raises CnnvizError for impossible
    settings."""
    x = value_grid(s.input_values, s.size, s.seed, INPUT_GRID_STREAM)
    w = value_grid(s.kernel_values, s.kernel, s.seed, KERNEL_GRID_STREAM)
    args = dict(stride=s.stride, padding=s.padding, output_padding=s.output_padding, dilation=s.dilation)
    view = as_direct_convolution(x, w, **args)
    animation = transposed_animation(x, conv_transpose2d_stamps(x, w, **args), view.geometry, language)
    return x, w, conv_transpose2d(x, w, **args), view, animation


def stretch_labels() -> StretchLabels:
    return StretchLabels(input=tr("transposed.fig.stretched"), kernel=tr("transposed.fig.rotated"),
                         output=tr("transposed.fig.output"),
                         roles=tuple(tr(f"transposed.fig.role.{r}") for r in ("input", "zero", "implicit", "extra")))


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


def _remember_step(n: int) -> None:
    """The stamp the player moved to, before the rerun: so the lesson link carries it."""
    st.session_state["transposed.step"] = n


def predicted(s: TransposedSettings) -> bool:
    """Predict first: the output size (one side; input and kernel are square)."""
    question = transposed_size_question(s.size, s.kernel, s.stride, s.padding, s.output_padding, s.dilation)
    key = question_key("transposed", replace(s, step=1, view="direct"))
    show_question(question, key)
    return predict_first(question, key) is not None


def show_views(s: TransposedSettings, out, view, animation) -> None:
    names = [tr(f"transposed.view.{v}") for v in VIEWS]
    direct_tab, scatter_tab = st.tabs(names, default=names[VIEWS.index(s.view)], key="transposed._tab",
                                      on_change=_view_changed)
    with direct_tab:
        st.markdown(tr("transposed.direct_text", pad=implicit_formula(view)))
        show_figure(stretched_input_figure(view, out, stretch_labels()), key="transposed.direct", width="content")
    with scatter_tab:
        st.markdown(tr("transposed.scatter_text"))
        steps = len(animation.frames)
        player(animation, key="transposed.player", step=min(s.step, steps), presenter=presenting(),
               on_step=_remember_step)
        gif_download(animation, key="transposed.gif", speed=speed_of("transposed.player"), name="transposed")


def show(settings: TransposedSettings, lesson: Lesson) -> None:
    """The example buttons and the link beside them, the sizes, both views and the code."""
    with st.container(horizontal=True, vertical_alignment="center"):
        if not lesson.hidden & set(GEOMETRY):  # a classroom link that hides the geometry hides its examples
            st.markdown(tr("transposed.examples"))
            for name, changes in EXAMPLES.items():
                st.button(tr(f"transposed.example.{name}"), on_click=_load_example, args=(changes,),
                          key=f"transposed.example.{name}")
        lesson.link_control()
    try:
        x, w, out, view, animation = compute(replace(settings, step=1, view="direct", predict=False), lang())
    except ValueError as err:
        st.error(tr("transposed.error", message=error_text(err)), icon=":material/error:")
        return
    if settings.predict and not predicted(settings):
        return  # the sizes, the views and the code stay hidden until the guess is checked
    show_sizes(view)
    show_views(settings, out, view, animation)
    code_panel(lambda: transposed_snippets(x, w, settings.stride, settings.padding, settings.output_padding,
                                   settings.dilation))


@st.fragment
def lesson_view() -> None:
    """One fragment, like every lesson (ui/common/controls.py: lesson_page), with the controls in a column
    beside the figures; the presenter layout puts the figures first and folds the controls away below."""
    lesson = Lesson(TransposedSettings)
    lesson.notices()
    controls, main = lesson.areas() if presenting() else st.columns([1, 3.2], gap="large")
    with controls:
        settings = read_settings(lesson)
    with main:
        show(settings, lesson)


st.title(tr("nav.transposed.title"))
st.caption(tr("transposed.intro"))
lesson_view()
