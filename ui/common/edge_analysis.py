"""The edges page's computations, reused across reruns: a threshold or pixel step redoes only what depends on it.

One :class:`Analysis` per image, kernel, colour mode, border rule and language, held with ``st.cache_resource``
(the same object on every rerun, shared by every student on the same lesson, no pickled copy: nothing may
mutate it). What depends on the threshold or the traced pixel it remembers itself for its recent values: a
cache lookup by Streamlit hashes every argument, ~0.06 ms each, more than most of these views cost to find.
"""
from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import streamlit as st

from cnnviz import edges as engine  # looked up on every call: tests count the engine's convolutions
from cnnviz.code_snippets import Snippets, edge_snippets
from cnnviz.edges import BORDERS, EdgeMaps
from cnnviz.images import SAMPLES, LoadedImage, channels
from cnnviz.kernels import KERNELS, NamedKernel, custom_kernel
from cnnviz.locales import t
from cnnviz.matrix_text import format_matrix
from cnnviz.viz import edges as fig

COMPARED = ("prewitt", "difference", "custom")  # pairs drawn beside Sobel and Scharr when chosen


class Recent:
    """The results of one view for the ``size`` arguments used last (thread-safe: sessions share an analysis)."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, {}, threading.Lock()

    def get(self, arg, make: Callable):
        with self.lock:
            if arg in self.items:
                self.items[arg] = self.items.pop(arg)  # now the most recently used
                return self.items[arg]
        value = make()
        with self.lock:
            self.items[arg] = value
            if len(self.items) > self.size:
                del self.items[next(iter(self.items))]  # the least recently used
        return value


@dataclass(frozen=True)
class PixelView:
    """One traced pixel: the channel it was read in (per-channel mode), its sums drawn and written out."""

    channel: int | None
    figure: dict
    outside: bool  # the window reaches over the image's border
    equations: str  # a markdown list


@dataclass(frozen=True, eq=False)
class Analysis:
    """One image under one kernel, colour mode and border rule: all that neither threshold nor pixel changes."""

    planes: np.ndarray  # (H, W) grey levels or (3, H, W) channels: what the kernels see
    weights: tuple  # the kernel, or the pair (x, y)
    border: str
    language: str
    per_channel: bool
    grey_of_colour: bool  # a colour image filtered as grey
    maps: EdgeMaps
    figures: dict[str, dict]  # map name → figure (fig.map_figures), without the pixel marker
    strongest: tuple[int, int]  # 0-based (row, col) of the strongest edge
    border_figure: dict  # the top-left corner under every border rule
    snippets: Snippets
    # a few thresholds only: each keeps its binary edge map, as large as the image (a photo's: ~0.8 MB)
    recent: dict[str, Recent] = field(default_factory=lambda: {"panels": Recent(8), "pixel": Recent(64),
                                                               "compare": Recent(4)}, repr=False)

    @property
    def pair(self) -> bool:
        return len(self.weights) == 2

    @property
    def names(self) -> tuple[str, ...]:
        return ("Gx", "Gy") if self.pair else (t("edges.output", self.language),)

    def panels(self, threshold: int) -> tuple[fig.MapGrid, np.ndarray]:
        """The maps, with the edges above ``threshold`` % of the largest magnitude, as one figure; and that binary
        edge map ``(H, W)``."""
        def make():
            edges, limit = engine.edges_at_percent(self.maps.magnitude, threshold)
            return fig.map_grid(fig.map_panels(self.figures, self.maps, edges, limit, threshold,
                                               self.grey_of_colour, self.language)), edges
        return self.recent["panels"].get(threshold, make)

    def pixel(self, row: int, col: int) -> PixelView:
        """The arithmetic behind output pixel ``(row, col)``, counted from 1."""
        return self.recent["pixel"].get((row, col), lambda: self._pixel(row, col))

    def _pixel(self, row: int, col: int) -> PixelView:
        h, w = self.maps.magnitude.shape
        channel = int(self.maps.channel[row - 1, col - 1]) if self.per_channel else None
        trace = engine.pixel_trace(self.planes, self.weights, self.border, row - 1, col - 1, channel)
        grey_range = (float(self.planes.min()), float(self.planes.max()))
        outside = any(not 0 <= r < h for r in trace.rows) or any(not 0 <= c < w for c in trace.cols)
        equations = "\n".join(f"- {line}" for line in fig.pixel_equations(trace, self.names, self.language))
        figure = fig.pixel_figure(trace, (h, w), self.names, grey_range, self.language)
        return PixelView(channel, figure, outside, equations)

    def comparison(self, kernel: str) -> tuple[dict, pa.Table]:
        """Sobel's and Scharr's direction errors on the synthetic circle, and this pair's when ``kernel`` is one
        of ``COMPARED``: a figure, and a table of mean and largest error."""
        extra = kernel if kernel in COMPARED and self.pair else None
        return self.recent["compare"].get(extra, lambda: _comparison(extra, self.weights, self.language))


def _comparison(extra: str | None, weights: tuple, language: str) -> tuple[dict, pa.Table]:
    pairs = {"Sobel": KERNELS["sobel"].weights, "Scharr": KERNELS["scharr"].weights}
    if extra is not None:
        pairs[t(f"edges.compare.{extra}", language)] = weights
    errors = {name: engine.direction_error(w) for name, w in pairs.items()}
    table = pa.table({t("edges.compare.kernel", language): list(errors),
                      t("edges.compare.mean", language): [f"{e.mean_abs:.2f}°" for e in errors.values()],
                      t("edges.compare.largest", language): [f"{e.max_abs:.2f}°" for e in errors.values()]})
    return fig.direction_error_figure(errors, language), table


@functools.lru_cache(maxsize=32)
def chosen_kernel(kernel: str, custom_text: str = "", pair: bool = True) -> tuple[NamedKernel, tuple[str, ...]]:
    """A kernel of ``KERNELS`` or, for ``"custom"``, the typed ``custom_text`` (its transpose the y kernel with
    ``pair``; raises ValueError, not cached), and its matrices as text."""
    named = custom_kernel(custom_text, pair) if kernel == "custom" else KERNELS[kernel]
    return named, tuple(format_matrix(w) for w in named.weights)


@functools.cache
def sample(name: str) -> LoadedImage:
    """A built-in image (read-only, generated once per process)."""
    return SAMPLES[name]()


def analyse(image_key: str, image: LoadedImage, weights: tuple, colour: str, border: str,
            language: str) -> Analysis:
    """The analysis of ``image`` (known by ``image_key``) under ``weights``. Raises CnnvizError (not cached)."""
    digest = hashlib.sha1()
    for w in weights:
        digest.update(f"{w.shape}{w.dtype}".encode() + np.ascontiguousarray(w).tobytes())
    return _analyse("|".join((image_key, digest.hexdigest(), colour, border, language)), image, weights, colour,
                    border, language)


@st.cache_resource(max_entries=16, show_spinner=False)
def _analyse(key: str, _image: LoadedImage, _weights: tuple, _colour: str, _border: str,
             _language: str) -> Analysis:
    """``key`` names all the other arguments, which are not hashed again."""
    grey = _colour == "luma" or _image.is_grey
    planes = engine.grey_levels(_image.pixels) if grey else channels(_image.pixels)
    maps = engine.edge_maps(planes, _weights, _border)
    corners = {t(f"edges.border.{b}", _language): engine.corner_maps(planes, _weights, b) for b in BORDERS}
    return Analysis(planes, _weights, _border, _language, not grey, grey and not _image.is_grey, maps,
                    fig.map_figures(_image.pixels, maps, _language), engine.strongest_pixel(maps.magnitude),
                    fig.border_figure(corners, len(_weights) == 2), edge_snippets(_weights, _border))
