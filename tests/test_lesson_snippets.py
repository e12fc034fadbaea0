"""Code for the issue-16 lessons: Python that (dev-only, with torch / Keras 3 on torch) reproduces the engine."""
from __future__ import annotations

import ast
import contextlib
import io
import os

import numpy as np
import pytest

from cnnviz.backward_trace import conv2d_backward_trace
from cnnviz.fcn import map_shape, random_head
from cnnviz.lesson_snippets import backprop_snippets, fcn_snippets, params_snippets
from cnnviz.shapes import conv_geometry
from cnnviz.sharing import compare_layers

X = np.array([[1.0, 2, 0, 1, 3], [0, 1, 2, 2, 1], [3, 1, 0, 1, 2], [1, 0, 1, 3, 0], [2, 2, 1, 0, 1]])
W = np.array([[1.0, 0.5], [-2, 0]])


def _run(code: str) -> dict:
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)  # our own generated code
    return namespace


def _numpy(t) -> np.ndarray:
    return np.asarray(t.detach().cpu().numpy() if hasattr(t, "detach") else t, dtype=np.float64)


@pytest.fixture(scope="module")
def keras():
    pytest.importorskip("torch")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import keras as k
    except ImportError:
        return None
    return k if k.backend.backend() == "torch" else None


def test_every_snippet_is_python():
    for s in (params_snippets(32, 32, 3, 6, 5), backprop_snippets(X, W, np.ones((4, 4))), fcn_snippets(1, 3, 3, 4, 3, 6, 7)):
        for code in (s.torch, s.keras):
            if code is not None:
                ast.parse(code)


@pytest.mark.parametrize("sizes", [(32, 32, 3, 6, 5, 1, 0), (9, 7, 2, 4, 3, 2, 1)])
def test_parameter_code_counts_what_the_page_counts(sizes, keras):
    cmp = compare_layers(*sizes)
    s = params_snippets(*sizes)
    assert _run(s.torch)["out"] == [cmp.conv_params, cmp.dense_params]
    if keras is not None:
        assert _run(s.keras)["out"] == [cmp.conv_params, cmp.dense_params]


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 1), (3, 2)])
def test_autograd_code_gives_the_traced_gradients(stride, padding, keras):
    shape = conv_geometry(X.shape, W.shape, stride, padding).out_shape
    dy = np.arange(1.0, 1 + shape[0] * shape[1]).reshape(shape)
    back = conv2d_backward_trace(X, W, dy, stride, padding)
    ns = _run(backprop_snippets(X, W, dy, stride, padding).torch)
    np.testing.assert_allclose(_numpy(ns["dw"]), back.dw, atol=1e-10)
    np.testing.assert_allclose(_numpy(ns["dx"]), back.dx, atol=1e-10)


@pytest.mark.parametrize("stride", [1, 2])
def test_fcn_code_gives_equal_scores_and_the_pages_map_shape(stride, keras):
    s = fcn_snippets(2, 3, 3, 4, 3, 7, 8, stride)
    expected = (3, *map_shape(random_head(2, 3, 3, 4, 3), 7, 8, stride))
    for code in (s.torch, s.keras if keras is not None else None):
        if code is not None:
            ns = _run(code)
            assert float(ns["gap"]) < 1e-5 and tuple(ns["out"].shape) == expected
