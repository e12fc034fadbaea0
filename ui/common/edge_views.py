"""The edges page below its controls: the maps, their downloads, one pixel's arithmetic and the comparisons.

Layout only: every figure and number comes from ui/common/edge_analysis.py; texts are ``edges.*`` ids.
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from cnnviz.viz import edges as fig
from ui.common.charts import show_figure
from ui.common.controls import Lesson
from ui.common.edge_analysis import Analysis
from ui.common.text import tr


MAPS = "edges.maps"  # the key of the maps' figure


def pick_pixel(size: tuple[int, int]):
    """on_select of the maps: the clicked cell, on whichever map, becomes the traced pixel."""
    def picked() -> None:
        event = st.session_state.get(MAPS) or {}
        pixel = fig.clicked_pixel(event.get("selection", {}).get("points", []), size)
        if pixel:
            st.session_state["edges.row"], st.session_state["edges.col"] = pixel
    return picked


def show_maps(a: Analysis, threshold: int, row: int, col: int) -> None:
    """The maps in one figure, the pixel ``(row, col)`` (from 1) marked; a click on any map traces that pixel."""
    size = a.maps.magnitude.shape
    show_figure(a.panels(threshold)[0].marked(row, col), key=MAPS, on_select=pick_pixel(size),
                selection_mode="points")
    if a.pair and max(size) <= fig.NUMBERS_MAX and (a.maps.magnitude == 0).any():
        st.caption(tr("edges.panel.direction_undefined"))


def show_downloads(a: Analysis, threshold: Callable[[], int], file_name: str) -> None:
    """Any map as a full-size PNG ``<file_name>-<map>.png``, made only when the button is pressed, the edge map
    at the ``threshold()`` of that moment."""
    h, w = a.maps.magnitude.shape

    def downloads() -> dict:
        return fig.download_maps(a.maps, a.panels(threshold())[1])

    def png() -> bytes:
        return fig.png_bytes(fig.map_picture(*downloads()[what]))

    left, right = st.columns([1, 2], vertical_alignment="bottom")
    labels = {k: tr(f"edges.download.{k}") for k in downloads()}
    what = left.selectbox(tr("edges.download.label"), list(labels), key="edges.download_what",
                          format_func=labels.get)
    right.download_button(tr("edges.download.button", what=labels[what], w=w, h=h), data=png,
                          file_name=f"{file_name}-{what}.png", mime="image/png", icon=":material/download:",
                          key="edges.download", on_click="ignore")


def heading(text: str, body: str = "") -> None:
    """A section heading (and its first paragraph) as one element: looks as st.header does, at a fraction of the
    cost of st.header + st.markdown."""
    st.markdown(f"## {text}\n\n{body}")


def pixel_places() -> tuple:
    """The heading of one pixel's arithmetic, and the places of its row and column boxes with the hint beside them."""
    heading(tr("edges.pixel.heading"))
    left, middle, right = st.columns([1, 1, 3], vertical_alignment="bottom")
    right.caption(tr("edges.pixel.hint"))
    return left, middle


def show_pixel(lesson: Lesson, a: Analysis, places: tuple) -> None:
    """One pixel's window, products and sums; its row and column are typed in the ``places`` of
    :func:`pixel_places` or clicked on a map."""
    h, w = a.maps.magnitude.shape
    row = lesson.widget("row", places[0], bounds=(1, h))
    col = lesson.widget("col", places[1], bounds=(1, w))
    view = a.pixel(row, col)
    if view.channel is not None:
        st.markdown(tr("edges.pixel.channel", channel="RGB"[view.channel]))
    show_figure(view.figure, key="edges.pixel")
    if view.outside:
        st.caption(tr("edges.pixel.outside", border=tr(f"edges.border.{a.border}")))
    st.markdown(view.equations)


def show_comparisons(a: Analysis, kernel: str) -> None:
    """What the border rule does at the corner, and how well Sobel, Scharr (and the chosen pair) find θ."""
    heading(tr("edges.borders.heading"), tr("edges.borders.text_pair" if a.pair else "edges.borders.text"))
    show_figure(a.border_figure, key="edges.border_fig")
    figure, table = a.comparison(kernel)
    heading(tr("edges.compare.heading"), tr("edges.compare.text"))
    left, right = st.columns([2, 1], gap="large")
    with left:
        show_figure(figure, key="edges.direction_error")
    with right:
        st.table(table, hide_index=True)
        st.caption(tr("edges.compare.caption"))
