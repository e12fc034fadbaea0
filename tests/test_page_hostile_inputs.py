"""Hostile input on the pages (issue 15): the engine's refusals arrive as messages, never as tracebacks."""
from __future__ import annotations

import pytest

from tests import hostile_files as h
from tests.conftest import assert_no_exception, run_page

EDGES = "ui/lessons/edges.py"


@pytest.fixture
def edges():
    at = run_page(EDGES)
    at.selectbox(key="edges.kernel").set_value("custom").run()
    return at


def test_a_kernel_of_1e19_draws_its_edges(edges):  # "threshold must be a finite number" came out before
    edges.text_area(key="edges.custom_text").set_value("1e19 0 -1e19\n2e19 0 -2e19\n1e19 0 -1e19").run()
    assert_no_exception(edges)
    assert not edges.error and edges.get("plotly_chart")


def test_a_kernel_too_large_for_32_bit_numbers_is_a_message_and_keeps_the_text(edges):
    text = "1e300 0 0\n0 0 0\n0 0 0"
    edges.text_area(key="edges.custom_text").set_value(text).run()
    assert_no_exception(edges)
    assert "too large" in edges.error[0].value and edges.text_area(key="edges.custom_text").value == text


@pytest.mark.parametrize("data, words", [
    (h.palette_png_with_transparency(7071, 7071), "memory"),
    (h.webp_claiming(7071, 7071), "memory"),
    (h.tiff_nan(), "not numbers"),
    (h.png_with_text_bomb(), "damaged"),
], ids=["palette-bomb", "webp-bomb", "nan-tiff", "text-bomb"])
def test_hostile_uploads_on_the_edges_page_are_named(data, words):
    at = run_page(EDGES)
    at.file_uploader(key="edges.upload").set_value(("hostile.png", data, "image/png")).run()
    assert_no_exception(at)
    assert words in at.error[0].value and at.get("plotly_chart")  # the sample is shown instead
