"""A digit drawing pad: a small Components v2 element of our own (canvas.js, shipped with the app).

Returns the drawing as PNG bytes (dark ink on white, ``size``×``size``), or None before the first
stroke and after "Clear". AppTest cannot draw: there the pad always returns None.
"""
from __future__ import annotations

import base64
from pathlib import Path

import streamlit as st

_HTML = '<div class="pad"><canvas></canvas><button type="button">Clear</button></div>'
_CSS = """
.pad { display: flex; flex-direction: column; gap: 0.5rem; align-items: flex-start; }
canvas { border: 2px solid var(--st-border-color, #ccc); border-radius: 8px; touch-action: none;
         cursor: crosshair; background: #fff; }
button { font: inherit; font-size: 1rem; padding: 0.3rem 1rem; border-radius: 8px; cursor: pointer;
         border: 1px solid var(--st-border-color, #ccc); background: var(--st-secondary-background-color, #f0f2f6);
         color: var(--st-text-color, #222); }
"""
_PAD = st.components.v2.component("cnnviz.digit_pad", html=_HTML, css=_CSS,
                                  js=(Path(__file__).with_name("canvas.js")).read_text(encoding="utf-8"))
_PREFIX = "data:image/png;base64,"


def digit_pad(key: str, size: int = 280, stroke: int = 20) -> bytes | None:
    """Draw the pad; return the current drawing as PNG bytes, or None when it is blank."""
    result = _PAD(key=key, data={"size": size, "stroke": stroke}, default={"png": None},
                  on_png_change=lambda: None)
    png = getattr(result, "png", None)
    if not isinstance(png, str) or not png.startswith(_PREFIX):
        return None
    try:
        return base64.b64decode(png[len(_PREFIX):], validate=True)
    except ValueError:
        return None
