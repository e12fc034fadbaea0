"""Code for every page: the snippets say what the page computes, and (dev-only, with torch / Keras 3 on torch)
running them reproduces the engine's numbers over a grid of settings."""
from __future__ import annotations

import ast
import itertools
import os

import numpy as np
import pytest

from cnnviz.code_snippets import (array_text, conv_snippets, edge_snippets, output_size_snippets, pool_snippets,
                                  transposed_snippets, volume_snippets)
from cnnviz.shapes import conv_geometry
from cnnviz.conv import conv2d
from cnnviz.edges import edge_maps
from cnnviz.layer import conv_layer
from cnnviz.pool import pool2d
from cnnviz.transpose import conv_transpose2d

RNG = np.random.default_rng(3)
X = RNG.integers(-4, 5, size=(7, 6)).astype(float)
W3 = np.array([[1.0, 0.0, -1.0], [2.0, 0.5, -2.0], [1.0, 0.0, -1.0]])
W2 = np.array([[1.0, -2.0], [0.25, 3.0]])
SOBEL = (np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]), np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]))

CONV_GRID = [dict(w=w, stride=s, padding=p, dilation=d, flip=f)
             for w, s, p, d, f in itertools.product((W3, W2), (1, (2, 1)), (0, 1, (1, 2), "same", "valid", "full"),
                                                    (1, 2), (False, True))
             if not (d == 2 and p == "valid" and w is W3 and s == (2, 1))]
POOL_GRID = [dict(size=k, stride=s, padding=p, mode=m, ceil_mode=c)
             for k, s, p, m, c in itertools.product((2, 3), (None, 1, 2), (0, 1, "same"), ("max", "avg", "min"),
                                                    (False, True))]
TRANSPOSED_GRID = [dict(stride=s, padding=p, output_padding=a, dilation=d)
                   for s, p, a, d in itertools.product((1, 2, 3), (0, 1), (0, 1), (1, 2)) if a < max(s, d)]


def all_snippets():
    yield conv_snippets(X, W3, 0.5, (2, 1), 1, 1, flip=True)
    yield volume_snippets(RNG.random((3, 5, 5)), RNG.random((2, 3, 3, 3)), [0.1, -0.2], 2, 1, "leaky_relu", 0.1)
    yield pool_snippets(X, 3, 2, 1, "avg", ceil_mode=True)
    yield transposed_snippets(X[:3, :3], W3, 2, 1, 1)
    yield edge_snippets(SOBEL, "reflect")
    yield output_size_snippets((28, 20), (5, 4), 2, "same", 1)


def test_every_snippet_is_python():
    for snippets in all_snippets():
        for code in (snippets.torch, snippets.keras):
            if code is not None:
                ast.parse(code)


def test_convolution_code_shows_the_page_settings_as_the_frameworks_spell_them():
    s = conv_snippets(X, W3, 0.0, stride=(2, 1), padding=1, dilation=1, flip=True)
    assert "F.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=1)" in s.torch
    assert "torch.flip(w, dims=(2, 3))" in s.torch and "ops.flip(w, axis=(0, 1))" in s.keras
    assert "F.pad" not in conv_snippets(X, W3, padding="same").torch  # odd kernel: even padding
    uneven = conv_snippets(X, W2, padding="same")  # 2×2 'same': the odd pixel after (bottom/right)
    assert "F.pad(x, (0, 1, 0, 1))" in uneven.torch and "padding='same'" in uneven.keras


def test_pooling_code_carries_ceil_mode_and_keras_says_so_where_it_cannot():
    s = pool_snippets(X, 2, 2, 0, "max", ceil_mode=True)
    assert "ceil_mode=True" in s.torch and "overhang" in s.keras
    assert pool_snippets(X, 2, 2, 0, "avg", ceil_mode=True).keras is None  # 7 rows: the last window hangs over


def test_transposed_code_carries_output_padding():
    s = transposed_snippets(X[:3, :3], W3, stride=2, padding=1, output_padding=1)
    assert "F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1, dilation=1)" in s.torch


def test_array_text_writes_every_value_exactly():
    a = np.array([[0.1, -2.0], [1 / 3, 7.0]])
    assert np.array_equal(np.array(ast.literal_eval(array_text(a))), a)


# ------------------------------------------------------------------ dev-only: run the code
def run(code: str, **names) -> np.ndarray:
    namespace = dict(names)
    exec(compile(code.replace("print(out)", ""), "<snippet>", "exec"), namespace)  # our own generated code
    out = namespace["out"]
    return np.asarray(out.detach().cpu().numpy() if hasattr(out, "detach") else out, dtype=np.float64)


@pytest.fixture(scope="module")
def frameworks():
    torch = pytest.importorskip("torch")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import keras
        keras = keras if keras.backend.backend() == "torch" else None
    except ImportError:
        keras = None
    return torch, keras


def check(snippets, expected, frameworks, **names):
    _, keras = frameworks
    np.testing.assert_allclose(run(snippets.torch, **names), expected, rtol=1e-5, atol=1e-5)
    if keras is not None and snippets.keras is not None:
        np.testing.assert_allclose(run(snippets.keras, **names), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CONV_GRID)
def test_convolution_code_reproduces_the_page(case, frameworks):
    expected = conv2d(X, case["w"], np.array([0.5]), case["stride"], case["padding"], case["dilation"], case["flip"])
    check(conv_snippets(X, bias=0.5, **case), expected, frameworks)


@pytest.mark.parametrize("stride, padding, activation", itertools.product(
    (1, 2), (0, 1, "same"), ("relu", "leaky_relu", "sigmoid", "tanh")))
def test_volume_code_reproduces_the_page(stride, padding, activation, frameworks):
    x, w, b = RNG.normal(size=(3, 6, 6)), RNG.normal(size=(2, 3, 3, 3)), RNG.normal(size=2)
    expected = conv_layer(x, w, b, stride, padding, activation, 0.1).activated
    check(volume_snippets(x, w, b, stride, padding, activation, 0.1), expected, frameworks)


@pytest.mark.parametrize("case", POOL_GRID)
def test_pooling_code_reproduces_the_page(case, frameworks):
    try:
        expected = pool2d(X, case["size"], case["stride"], case["padding"], case["mode"], case["ceil_mode"])
    except ValueError:  # padding beyond half the window: the page refuses it too
        pytest.skip("not a valid pooling")
    check(pool_snippets(X, **case), expected, frameworks)


@pytest.mark.parametrize("case", TRANSPOSED_GRID)
def test_transposed_code_reproduces_the_page(case, frameworks):
    x = X[:4, :3]
    expected = conv_transpose2d(x, W3, **case)
    check(transposed_snippets(x, W3, **case), expected, frameworks)


@pytest.mark.parametrize("border", ("zeros", "reflect", "replicate"))
@pytest.mark.parametrize("kernels", (SOBEL, SOBEL[:1]))
def test_edge_code_reproduces_the_page(border, kernels, frameworks):
    image = RNG.integers(0, 256, size=(9, 11)).astype(float)
    check(edge_snippets(kernels, border), edge_maps(image, kernels, border).magnitude, frameworks, image=image)


@pytest.mark.parametrize("size, kernel, stride, padding, dilation", itertools.product(
    ((28, 28), (7, 10)), ((3, 3), (4, 2)), (1, 2, (3, 1)), (0, 2, "same", "valid", "full"), (1, 2)))
def test_output_size_code_reproduces_the_page(size, kernel, stride, padding, dilation, frameworks):
    expected = conv_geometry(size, kernel, stride, padding, dilation).out_shape
    check(output_size_snippets(size, kernel, stride, padding, dilation), expected, frameworks)
