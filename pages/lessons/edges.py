"""Edge detection: Sobel, Scharr and friends on built-in and uploaded images, down to one pixel's sums."""
from __future__ import annotations

import hashlib

import streamlit as st

from cnnviz.edges import BORDERS, corner_maps, direction_error, edge_maps, edges_at_percent, grey_levels, \
    pixel_trace, strongest_pixel
from cnnviz.errors import CnnvizError
from cnnviz.images import EXTENSIONS, MAX_BYTES, SAMPLES, ImageError, LoadedImage, channels, load_image
from cnnviz.kernels import KERNELS, custom_kernel
from cnnviz.locales import t
from cnnviz.matrix_text import format_matrix
from cnnviz.viz import edges as fig
from pages.common.charts import show_figure
from pages.common.controls import Lesson
from pages.common.text import error_text, lang, tr
from pages.schemas.edges import EdgeSettings

COMPARED = ("prewitt", "difference", "custom")  # pairs drawn beside Sobel and Scharr when chosen
NOTES = ("downscaled", "rotated", "flattened", "scaled_16bit")  # LoadedImage flags with a notice each


@st.cache_data(max_entries=8, show_spinner=False)
def read_upload(file_id: str, _data: bytes) -> tuple[str, LoadedImage]:
    """Decode an upload once per file (raises ImageError; errors are not cached). Key: a hash of its bytes."""
    return "upload:" + hashlib.sha256(_data).hexdigest(), load_image(_data)


@st.cache_data(max_entries=16, show_spinner=False)
def analyse(image_key: str, _image: LoadedImage, weights: tuple, colour: str, border: str, language: str):
    """Maps, border corners and map figures: everything that does not depend on threshold or pixel."""
    planes = grey_levels(_image.pixels) if colour == "luma" or _image.is_grey else channels(_image.pixels)
    maps = edge_maps(planes, weights, border)
    corners = {t(f"edges.border.{b}", language): corner_maps(planes, weights, b) for b in BORDERS}
    return planes, maps, corners, fig.map_figures(_image.pixels, maps, language), strongest_pixel(maps.magnitude)


@st.cache_data(max_entries=8, show_spinner=False)
def circle_errors(pairs: dict) -> dict:
    return {name: direction_error(w) for name, w in pairs.items()}


def choose_image(lesson: Lesson) -> tuple[str, LoadedImage, str]:
    """Sample picker and uploader; returns (cache key, image, name), saying every time what is shown and why."""
    lesson.widget("sample")
    limit = MAX_BYTES // 2**20
    upload = st.file_uploader(tr("edges.upload.label"), type=list(EXTENSIONS), key="edges.upload",
                              help=tr("edges.upload.help", limit=limit))
    name = tr(f"edges.sample.{lesson.current.sample}")
    shown = ("sample:" + lesson.current.sample, SAMPLES[lesson.current.sample](), name)
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
    kernel = lesson.widget("kernel")
    if kernel == "custom":
        lesson.widget("custom_text", height=140)
        lesson.widget("custom_pair")
        try:
            named = custom_kernel(lesson.current.custom_text, lesson.current.custom_pair)
        except ValueError as err:
            st.error(tr("edges.error.kernel", message=error_text(err)), icon=":material/edit:")
            return None
    else:
        named = KERNELS[kernel]
    names = ("Gx", "Gy") if named.is_pair else (tr("edges.output"),)
    st.code("\n\n".join(f"{n}:\n{format_matrix(w)}" for n, w in zip(names, named.weights)), language=None)
    st.caption(tr("edges.source", source=tr("edges.source_custom") if kernel == "custom" else named.source))
    return named.weights


def choose_view(lesson: Lesson, image: LoadedImage) -> None:
    lesson.widget("colour", disabled=image.is_grey)
    st.caption(tr("edges.colour.grey_image" if image.is_grey else "edges.colour.explained"))
    lesson.widget("border")
    st.caption(tr("edges.border.explained"))
    lesson.widget("threshold")


def pick_pixel(panel: str, size: tuple[int, int]):
    """on_select of a map: the clicked cell becomes the traced pixel."""
    def picked() -> None:
        event = st.session_state.get(f"edges.{panel}") or {}
        pixel = fig.clicked_pixel(event.get("selection", {}).get("points", []), size)
        if pixel:
            st.session_state["edges.row"], st.session_state["edges.col"] = pixel
    return picked


def zoom(lesson: Lesson, image_key: str, strongest: tuple[int, int]) -> EdgeSettings:
    """A new image opens at its strongest edge; a link's own pixel wins on the first visit."""
    seen = st.session_state.get("edges.zoom_for")
    st.session_state["edges.zoom_for"] = image_key
    linked = seen is None and (lesson.current.row, lesson.current.col) != (EdgeSettings.row, EdgeSettings.col)
    if seen != image_key and not linked:
        st.session_state["edges.row"], st.session_state["edges.col"] = strongest[0] + 1, strongest[1] + 1
    return lesson.settings()


st.title(tr("nav.edges.title"))
st.caption(tr("edges.intro"))
lesson = Lesson(EdgeSettings)
lesson.notices()
controls, body = lesson.areas()  # presenter link: the maps first, the controls folded below them
with controls:
    pick_image, pick_kernel, pick_settings = st.columns([1.1, 1, 1], gap="large")
    with pick_image:
        image_key, image, image_name = choose_image(lesson)
    with pick_kernel:
        weights = choose_kernel(lesson)
    with pick_settings:
        choose_view(lesson, image)
    settings = lesson.settings()
    lesson.link_control(note=tr("edges.link_upload") if image_key.startswith("upload:") else None)
if weights is None:
    st.stop()
pair, per_channel = len(weights) == 2, settings.colour == "channels" and not image.is_grey
try:
    planes, maps, corners, figures, strongest = analyse(image_key, image, weights, settings.colour,
                                                        settings.border, lang())
except CnnvizError as err:  # e.g. a typed kernel whose responses would overflow 32-bit numbers
    st.error(tr("edges.error.kernel", message=error_text(err)), icon=":material/edit:")
    st.stop()
settings = zoom(lesson, image_key, strongest)
h, w = image.size
row, col = min(settings.row, h), min(settings.col, w)
edges, limit = edges_at_percent(maps.magnitude, settings.threshold)
names = ("Gx", "Gy") if pair else (tr("edges.output"),)
panels = fig.map_panels(figures, maps, edges, limit, settings.threshold, not image.is_grey and not per_channel, lang())
with body:
    st.caption(tr("edges.click_hint"))
    for start in range(0, len(panels), 3):
        for column, (panel, title, figure) in zip(st.columns(3), panels[start:start + 3]):
            with column:
                st.markdown(f"**{title}**")
                marked = panel in ("original", "edges")  # only these re-send when the pixel moves (bad Wi-Fi)
                show_figure(fig.with_marker(figure, row, col) if marked else figure, key=f"edges.{panel}",
                            on_select=pick_pixel(panel, (h, w)), selection_mode="points")
                if panel == "direction" and max(h, w) <= fig.NUMBERS_MAX and (maps.magnitude == 0).any():
                    st.caption(tr("edges.panel.direction_undefined"))

downloads = fig.download_maps(maps, edges)
left, right = st.columns([1, 2], vertical_alignment="bottom")
labels = {k: tr(f"edges.download.{k}") for k in downloads}
what = left.selectbox(tr("edges.download.label"), list(downloads), key="edges.download_what", format_func=labels.get)
kind, values, extra = downloads[what]
right.download_button(tr("edges.download.button", what=labels[what], w=w, h=h),
                      data=lambda: fig.png_bytes(fig.map_picture(kind, values, extra)),
                      file_name=f"{image_name.rsplit('.', 1)[0]}-{settings.kernel}-{what}.png",
                      mime="image/png", icon=":material/download:", key="edges.download", on_click="ignore")

st.header(tr("edges.pixel.heading"))
a, b, c = st.columns([1, 1, 3], vertical_alignment="bottom")
row = lesson.widget("row", a, bounds=(1, h))
col = lesson.widget("col", b, bounds=(1, w))
c.caption(tr("edges.pixel.hint"))
channel = int(maps.channel[row - 1, col - 1]) if per_channel else None
trace = pixel_trace(planes, weights, settings.border, row - 1, col - 1, channel)
if channel is not None:
    st.markdown(tr("edges.pixel.channel", channel="RGB"[channel]))
grey_range = (float(planes.min()), float(planes.max()))
show_figure(fig.pixel_figure(trace, (h, w), names, grey_range, lang()), key="edges.pixel")
if any(not (0 <= r < h) for r in trace.rows) or any(not (0 <= q < w) for q in trace.cols):
    st.caption(tr("edges.pixel.outside", border=tr(f"edges.border.{settings.border}")))
st.markdown("\n".join(f"- {line}" for line in fig.pixel_equations(trace, names, lang())))

st.header(tr("edges.borders.heading"))
st.markdown(tr("edges.borders.text_pair" if pair else "edges.borders.text"))
show_figure(fig.border_figure(corners, pair), key="edges.border_fig")

st.header(tr("edges.compare.heading"))
pairs = {"Sobel": KERNELS["sobel"].weights, "Scharr": KERNELS["scharr"].weights}
if settings.kernel in COMPARED and pair:
    pairs[tr(f"edges.compare.{settings.kernel}")] = weights
errors = circle_errors(pairs)
st.markdown(tr("edges.compare.text"))
left, right = st.columns([2, 1], gap="large")
with left:
    show_figure(fig.direction_error_figure(errors, lang()), key="edges.direction_error")
with right:
    st.table({tr("edges.compare.kernel"): list(errors),
              tr("edges.compare.mean"): [f"{e.mean_abs:.2f}°" for e in errors.values()],
              tr("edges.compare.largest"): [f"{e.max_abs:.2f}°" for e in errors.values()]})
    st.caption(tr("edges.compare.caption"))
