"""A digit through the network: every layer's output and the answer, for a test image or your own.

Shared by the training page's "Inside the network" and "Try your own digit" sections.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from cnnviz.digits import CENTRE, decode_image, preprocess_digit
from cnnviz.viz.training import (
    activations_figure, course_stages, fit_square, probabilities_figure, with_box, with_centre_marks,
)
from pages.common.canvas import digit_pad
from pages.common.charts import show_figure
from pages.common.text import error_text

UPLOAD_TYPES = ["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"]


def digit_panel(model, image, label: int | None, key: str) -> None:
    """One 28×28 image through ``model``: every layer's output, the answer and the softmax bars
    (``label``, if known, marks the true digit)."""
    stages = course_stages(model.activations(image), [layer.kind for layer in model.layers])
    probabilities = model.predict(image)[0]
    show_figure(activations_figure(stages), key=f"{key}.activations")
    answer, bars = st.columns([1, 2], gap="large", vertical_alignment="center")
    guess = int(np.argmax(probabilities))
    verdict = "" if label is None else ("✓ right" if guess == label else f"✗ wrong: it is a {label}")
    answer.markdown(f"<div style='font-size:1.6rem'>The network reads</div>"
                    f"<div style='font-size:4.5rem;font-weight:700;line-height:1.1'>{guess}</div>"
                    f"<div style='font-size:1.4rem'>{100 * probabilities[guess]:.1f}% sure {verdict}</div>",
                    unsafe_allow_html=True)
    with bars:
        st.caption("Softmax: the probability the network gives each digit")
        show_figure(probabilities_figure(probabilities, true_label=label, height=260), key=f"{key}.softmax")


def own_digit(model, step: int, key: str) -> None:
    """Draw or upload a digit; show MNIST's preparation step by step, then ``model`` reading it."""
    how = st.radio("Your digit", ["Draw", "Upload a photo"], horizontal=True, key=f"{key}.how",
                   label_visibility="collapsed")
    pad, steps_col = st.columns([1, 2.2], gap="large")
    with pad:
        if how == "Draw":
            st.caption("Draw one digit, large, in the middle.")
            data = digit_pad(f"{key}.pad")
        else:
            upload = st.file_uploader("A photo of one handwritten digit", type=UPLOAD_TYPES, key=f"{key}.photo")
            data = upload.getvalue() if upload is not None else None
    if data is None:
        steps_col.caption("Your digit will be prepared the way MNIST's digits were, step by step, and then read "
                          "by the network.")
        return
    try:
        steps = preprocess_digit(decode_image(data))
    except ValueError as err:
        steps_col.warning(error_text(err), icon=":material/draw:")  # the decoder's own text, as the edges page
        return
    with steps_col:
        st.markdown("**How MNIST prepared its digits — applied to yours**")
        h, w = steps.scaled.shape
        pictures = [
            (fit_square(steps.gray), "1 · grey levels"),
            (fit_square(with_box(steps.ink, steps.box)),
             "2 · inverted: light ink on black, box around the ink" if steps.inverted
             else "2 · light ink on dark already; box around the ink"),
            (fit_square(steps.cropped), "3 · cropped to the box"),
            (fit_square(steps.scaled), f"4 · scaled: longer side 20 px ({h}×{w})"),
            (fit_square(with_centre_marks(steps.centred, steps.centre_of_mass, (CENTRE, CENTRE), size=140)),
             "5 · placed in 28×28: centre of mass (orange) on the centre (green)"),
        ]
        for column, (image, caption) in zip(st.columns(len(pictures)), pictures):
            column.image(image, caption=caption, width="stretch")
    st.caption(f"Read by the network as it is now (after {step} batches).")
    digit_panel(model, steps.centred, None, key=f"{key}.own")
