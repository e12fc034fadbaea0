"""Edge detection: Sobel, Scharr and friends on built-in and uploaded images, down to one pixel's sums.

The lesson is one fragment (:func:`edge_lesson`): moving a control reruns it, not the app around it. The threshold
and the maps down to the pixel's sums are a fragment inside it (:func:`traced`): a new threshold or traced pixel
reruns only that. What the threshold or the traced pixel does not change is computed once
(ui/common/edge_analysis.py); the sections below the controls are drawn by ui/common/edge_views.py.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace

import streamlit as st

from cnnviz.errors import CnnvizError
from cnnviz.images import EXTENSIONS, MAX_BYTES, ImageError, LoadedImage, load_image
from cnnviz.quiz import edge_pixel_question
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson
from ui.common.edge_analysis import Analysis, analyse, chosen_kernel, sample
from ui.common.edge_views import pixel_places, show_comparisons, show_downloads, show_maps, show_pixel
from ui.common.predict import predict_first, question_key, show_question
from ui.common.text import error_text, lang, tr
from ui.schemas.edges import EdgeSettings

TRACED = ("threshold", "row", "col")  # the settings whose widgets :func:`traced` draws
NOTES = ("downscaled", "rotated", "flattened", "scaled_16bit")  # LoadedImage flags with a notice each


@st.cache_data(max_entries=8, show_spinner=False)
def read_upload(file_id: str, _data: bytes) -> tuple[str, LoadedImage]:
    """Decode an upload once per file (raises ImageError; errors are not cached). Key: a hash of its bytes."""
    return "upload:" + hashlib.sha256(_data).hexdigest(), load_image(_data)


def choose_image(lesson: Lesson) -> tuple[str, LoadedImage, str]:
    """Sample picker and uploader; returns (cache key, image, name), saying every time what is shown and why."""
    lesson.widget("sample")
    limit = MAX_BYTES // 2**20
    upload = st.file_uploader(tr("edges.upload.label"), type=list(EXTENSIONS), key="edges.upload",
                              help=tr("edges.upload.help", limit=limit))
    name = tr(f"edges.sample.{lesson.current.sample}")
    shown = ("sample:" + lesson.current.sample, sample(lesson.current.sample), name)
    if upload is None:
        st.session_state.pop("edges.last_good", None)
        st.caption(tr("edges.shown.sample", name=name, limit=limit))
        return shown
    try:
        key, image = read_upload(upload.file_id, upload.getvalue())
    except ImageError as err:
        previous = st.session_state.get("edges.last_good")
        instead = "edges.shown.previous" if previous else "edges.shown.sample_instead"
        st.error(tr("edges.upload.bad", file=upload.name, message=error_text(err),
                    shown=tr(instead, name=(previous or shown)[2])), icon=":material/broken_image:")
        return previous or shown
    st.session_state["edges.last_good"] = (key, image, upload.name)
    (h, w), (h0, w0) = image.size, image.source_size
    st.caption(tr("edges.shown.upload", name=upload.name, w=w, h=h, limit=limit))
    notes = [n for n in NOTES if getattr(image, n)]
    notes += [] if image.frames == 1 else ["frames" if image.frames else "frames_many"]
    for note in notes:
        st.info(tr(f"edges.note.{note}", w0=w0, h0=h0, w=w, h=h, frames=image.frames), icon=":material/info:")
    return key, image, upload.name


def choose_kernel(lesson: Lesson) -> tuple | None:
    """Kernel picker (and the custom box); returns the weights, or None after showing what is wrong."""
    kernel, typed = lesson.widget("kernel"), ()
    if kernel == "custom":
        lesson.widget("custom_text", height=140)
        lesson.widget("custom_pair")
        typed = (lesson.current.custom_text, lesson.current.custom_pair)
    try:
        named, matrices = chosen_kernel(kernel, *typed)
    except ValueError as err:
        st.error(tr("edges.error.kernel", message=error_text(err)), icon=":material/edit:")
        return None
    names = ("Gx", "Gy") if named.is_pair else (tr("edges.output"),)
    st.code("\n\n".join(f"{n}:\n{m}" for n, m in zip(names, matrices)), language=None)
    st.caption(tr("edges.source", source=tr("edges.source_custom") if kernel == "custom" else named.source))
    return named.weights


def choose_view(lesson: Lesson, image: LoadedImage) -> None:
    """Colour and border; the threshold and "Predict first" below them come later (:func:`edge_lesson`)."""
    lesson.widget("colour", disabled=image.is_grey)
    st.caption(tr("edges.colour.grey_image" if image.is_grey else "edges.colour.explained"))
    lesson.widget("border")
    st.caption(tr("edges.border.explained"))


def zoom(lesson: Lesson, image_key: str, strongest: tuple[int, int]) -> None:
    """A new image opens at its strongest edge; a link's own pixel wins on the first visit."""
    seen = st.session_state.get("edges.zoom_for")
    if seen == image_key:
        return
    st.session_state["edges.zoom_for"] = image_key
    linked = seen is None and (lesson.current.row, lesson.current.col) != (EdgeSettings.row, EdgeSettings.col)
    if not linked:
        st.session_state["edges.row"], st.session_state["edges.col"] = strongest[0] + 1, strongest[1] + 1


def predicted(settings: EdgeSettings, image_key: str, a: Analysis) -> bool:
    """Predict first: the edge strength at the traced pixel, from its window (the maps would give it away)."""
    row, col = settings.row - 1, settings.col - 1
    channel = int(a.maps.channel[row, col]) if a.per_channel else None
    question = edge_pixel_question(a.planes, a.weights, settings.border, row, col, channel)
    key = f"{question_key('edges', settings)}.{hashlib.sha1(image_key.encode()).hexdigest()[:8]}"  # new image: anew
    show_question(question, key)
    return predict_first(question, key) is not None


def read_controls(lesson: Lesson):
    """The image, kernel and view controls; returns (image key, image, its name, weights or None, settings, the
    column of the view controls)."""
    pick_image, pick_kernel, pick_settings = st.columns([1.1, 1, 1], gap="large")
    with pick_image:
        image_key, image, image_name = choose_image(lesson)
    with pick_kernel:
        weights = choose_kernel(lesson)
    with pick_settings:
        choose_view(lesson, image)
    settings = lesson.settings()
    lesson.link_control(note=tr("edges.link_upload") if image_key.startswith("upload:") else None)
    return image_key, image, image_name, weights, settings, pick_settings


@st.fragment
def edge_lesson() -> None:
    """The controls, :func:`traced`, the comparisons: one fragment."""
    lesson = Lesson(EdgeSettings)
    lesson.notices()
    controls, body = lesson.areas()  # presenter link: the maps first, the controls folded below them
    with controls:
        image_key, image, image_name, weights, settings, view = read_controls(lesson)
    try:
        a = None if weights is None else analyse(image_key, image, weights, settings.colour, settings.border, lang())
    except CnnvizError as err:  # e.g. a typed kernel whose responses would overflow 32-bit numbers
        st.error(tr("edges.error.kernel", message=error_text(err)), icon=":material/edit:")
        a = None
    if a is None:
        lesson.widget("threshold", view)
        lesson.widget("predict", view)
        return
    zoom(lesson, image_key, a.strongest)
    with body:
        maps = st.container()  # the maps, drawn by traced (in "Predict first" the question before them)
    file_name = f"{image_name.rsplit('.', 1)[0]}-{settings.kernel}"
    places = None if settings.predict else steady_parts(lesson, maps, a, file_name)  # else drawn by traced
    traced(lesson, view, maps, places, image_key, file_name, image.size, a)
    lesson.widget("predict", view)  # under the threshold, which traced drew
    if not settings.predict:
        show_comparisons(a, settings.kernel)


def steady_parts(lesson: Lesson, maps, a: Analysis, file_name: str) -> tuple:
    """What neither the threshold nor the traced pixel changes: the click hint over the maps (in ``maps``), the
    downloads and the code under them, the heading of the pixel's arithmetic and the places of its row and column
    boxes (returned). Drawn by :func:`edge_lesson`, so that a step does not send them again; in "Predict first" by
    :func:`traced`, once the guess is checked."""
    with maps:
        st.caption(tr("edges.click_hint"))
    show_downloads(a, lambda: lesson.current.threshold, file_name)  # traced keeps lesson.current up to date
    code_panel(lambda: a.snippets)
    return pixel_places()


@st.fragment
def traced(lesson: Lesson, view, maps, places: tuple | None, image_key: str, file_name: str, size: tuple[int, int],
           a: Analysis) -> None:
    """The threshold (drawn into the ``view`` column above), the maps (into ``maps``) and one pixel's arithmetic
    (its row and column into ``places``; in "Predict first" what waits for the guess too): a fragment of its own,
    so a new threshold or traced pixel (a row or column typed, a map clicked) redraws only these."""
    settings = lesson.current
    if any(st.session_state.get(lesson.key(name)) != getattr(settings, name) for name in TRACED):
        settings = lesson.settings()  # a new image's zoom, or a rerun of this fragment: catch up with its widgets
    lesson.widget("threshold", view)
    h, w = size
    row, col = min(settings.row, h), min(settings.col, w)
    if settings.predict:
        with maps:
            if not predicted(replace(settings, row=row, col=col), image_key, a):
                return  # the maps, the pixel's sums and the code stay hidden until the guess is checked
        places = steady_parts(lesson, maps, a, file_name)
    with maps:
        show_maps(a, settings.threshold, row, col)
    show_pixel(lesson, a, places)
    if settings.predict:
        show_comparisons(a, settings.kernel)


st.title(tr("nav.edges.title"))
st.caption(tr("edges.intro"))
edge_lesson()
