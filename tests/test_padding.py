"""pad2d: zeros / reflect / replicate / circular, against hand-written examples and np.pad."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz import pad2d
from tests import reference as ref

X = np.array([[1, 2, 3], [4, 5, 6]])


def test_zeros_padding_surrounds_the_image_with_zeros():
    np.testing.assert_array_equal(pad2d(X, 1), [
        [0, 0, 0, 0, 0],
        [0, 1, 2, 3, 0],
        [0, 4, 5, 6, 0],
        [0, 0, 0, 0, 0]])


def test_reflect_mirrors_without_repeating_the_edge():
    np.testing.assert_array_equal(pad2d(X, (1, 2), mode="reflect"), [
        [6, 5, 4, 5, 6, 5, 4],
        [3, 2, 1, 2, 3, 2, 1],
        [6, 5, 4, 5, 6, 5, 4],
        [3, 2, 1, 2, 3, 2, 1]])


def test_replicate_repeats_the_edge_pixel():
    np.testing.assert_array_equal(pad2d(X, ((0, 1), (2, 0)), mode="replicate"), [
        [1, 1, 1, 2, 3],
        [4, 4, 4, 5, 6],
        [4, 4, 4, 5, 6]])


def test_circular_wraps_around():
    np.testing.assert_array_equal(pad2d(X, ((1, 0), (0, 1)), mode="circular"), [
        [4, 5, 6, 4],
        [1, 2, 3, 1],
        [4, 5, 6, 4]])


def test_padding_keeps_the_image_unchanged_in_the_middle_and_does_not_mutate_it():
    x = np.arange(12.0).reshape(3, 4)
    before = x.copy()
    out = pad2d(x, ((2, 1), (0, 3)))
    np.testing.assert_array_equal(out[2:5, 0:4], before)
    np.testing.assert_array_equal(x, before)
    assert out.shape == (6, 7)


def test_padding_applies_to_the_last_two_axes_of_a_batch():
    x = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    out = pad2d(x, (1, 2))
    assert out.shape == (2, 3, 6, 9)
    np.testing.assert_array_equal(out[..., 1:5, 2:7], x)


@given(h=st.integers(1, 6), w=st.integers(1, 6), c=st.integers(1, 3),
       mode=st.sampled_from(["zeros", "reflect", "replicate", "circular"]),
       t=st.integers(0, 6), b=st.integers(0, 6), l=st.integers(0, 6), r=st.integers(0, 6), seed=st.integers(0, 99))
@settings(max_examples=100, deadline=None)
def test_pad2d_matches_np_pad_for_every_mode(h, w, c, mode, t, b, l, r, seed):
    x = np.random.default_rng(seed).integers(-9, 10, size=(c, h, w))
    too_far = {"reflect": max(t, b) >= h or max(l, r) >= w, "circular": max(t, b) > h or max(l, r) > w}
    if too_far.get(mode, False):
        with pytest.raises(ValueError, match="padding"):
            pad2d(x, ((t, b), (l, r)), mode)
        return
    np_mode = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    expected = np.pad(x, ((0, 0), (t, b), (l, r)), mode=np_mode)
    np.testing.assert_array_equal(pad2d(x, ((t, b), (l, r)), mode), expected)
    if mode == "zeros":
        np.testing.assert_array_equal(pad2d(x, ((t, b), (l, r))), ref.zero_pad(x, ((t, b), (l, r))))


@pytest.mark.parametrize("padding, words", [
    (-1, "padding must be at least 0"),
    ((1, -2), "padding must be at least 0"),
    (1.5, "whole number"),
    ((1, 2, 3), "padding must be"),
    (((1, 2, 3), 1), "(before, after) pair"),
    ("same", "resolve_padding"),
])
def test_pad2d_rejects_bad_padding_in_words(padding, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        pad2d(X, padding)


def test_pad2d_rejects_an_unknown_mode_and_too_wide_reflections():
    with pytest.raises(ValueError, match="zeros, reflect, replicate, circular"):
        pad2d(X, 1, mode="mirror")
    with pytest.raises(ValueError, match="padding mode must be one of"):
        pad2d(X, 1, mode=["zeros"])
    with pytest.raises(ValueError, match="smaller than the image"):
        pad2d(X, 2, mode="reflect")
    with pytest.raises(ValueError, match="cannot exceed"):
        pad2d(X, 3, mode="circular")


def test_pad2d_rejects_a_1d_array():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        pad2d(np.arange(3), 1)


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_pad2d_rejects_an_empty_image_in_every_mode(mode):
    with pytest.raises(ValueError, match=r"non-empty image .* got shape \(0, 3\)"):
        pad2d(np.zeros((0, 3)), 1, mode)
