"""A digit through the network: every layer's output and the answer, for a test image or your own.

Shared by the training page's "Inside the network" and "Try your own digit" sections; texts are ``train.*`` ids.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from cnnviz.digit_check import check_digit
from cnnviz.digits import CENTRE, decode_image, preprocess_digit
from cnnviz.viz.training import (
    activations_figure, course_stages, fit_square, probabilities_figure, with_box, with_centre_marks,
)
from ui.common.canvas import digit_pad
from ui.common.charts import show_figure
from ui.common.text import error_text, tr

UPLOAD_TYPES = ["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"]


def digit_panel(model, image, label: int | None, key: str, steps=None) -> None:
    """One 28×28 image through ``model``: every layer's output, the answer and the softmax bars
    (``label``, if known, marks the true digit; ``steps`` of a user's picture add a caution when it
    does not look like a digit)."""
    stages = course_stages(model.activations(image), [layer.kind for layer in model.layers])
    probabilities = model.predict(image)[0]
    show_figure(activations_figure([(stage_label(name), values) for name, values in stages]), key=f"{key}.activations")
    answer, bars = st.columns([1, 2], gap="large", vertical_alignment="center")
    guess = int(np.argmax(probabilities))
    verdict = "" if label is None else tr("train.read.right") if guess == label else tr("train.read.wrong", label=label)
    sure = tr("train.read.sure", percent=f"{100 * probabilities[guess]:.1f}")
    with answer:
        st.markdown(f"<div style='font-size:1.6rem'>{tr('train.read.heading')}</div>"
                    f"<div style='font-size:4.5rem;font-weight:700;line-height:1.1'>{guess}</div>"
                    f"<div style='font-size:1.4rem'>{sure} {verdict}</div>", unsafe_allow_html=True)
        if steps is not None:
            check = check_digit(steps, probabilities)
            if not check.looks_like_digit:
                st.warning(tr("train.caution.heading") + "\n\n" + "\n".join(
                    f"- {tr(f'train.caution.{code}')}" for code in check.reasons), icon=":material/help:")
    with bars:
        st.caption(tr("train.read.softmax"))
        show_figure(probabilities_figure(probabilities, true_label=label, height=260), key=f"{key}.softmax")


def stage_label(name: str) -> str:
    """A layer's name as the figure shows it: ``"conv1"`` → "conv1" / "합성곱 1" (text ``train.layer.<kind>``)."""
    kind = name.rstrip("0123456789")
    return tr(f"train.layer.{kind}", n=name[len(kind):])


def own_digit(model, step: int, key: str) -> None:
    """Draw or upload a digit; show MNIST's preparation step by step, then ``model`` reading it."""
    how = st.radio(tr("train.own.how"), ["draw", "upload"], format_func=lambda o: tr(f"train.own.{o}"),
                   horizontal=True, key=f"{key}.how", label_visibility="collapsed")
    pad, steps_col = st.columns([1, 2.2], gap="large")
    with pad:
        if how == "draw":
            st.caption(tr("train.own.draw_hint"))
            data = digit_pad(f"{key}.pad")
        else:
            upload = st.file_uploader(tr("train.own.upload_label"), type=UPLOAD_TYPES, key=f"{key}.photo")
            data = upload.getvalue() if upload is not None else None
    if data is None:
        steps_col.caption(tr("train.own.waiting"))
        return
    try:
        steps = preprocess_digit(decode_image(data))
    except ValueError as err:
        steps_col.warning(error_text(err), icon=":material/draw:")
        return
    with steps_col:
        st.markdown(tr("train.own.recipe"))
        h, w = steps.scaled.shape
        pictures = [
            (fit_square(steps.gray), tr("train.own.step1")),
            (fit_square(with_box(steps.ink, steps.box)), tr("train.own.step2_inverted" if steps.inverted
                                                             else "train.own.step2_kept")),
            (fit_square(steps.cropped), tr("train.own.step3")),
            (fit_square(steps.scaled), tr("train.own.step4", h=h, w=w)),
            (fit_square(with_centre_marks(steps.centred, steps.centre_of_mass, (CENTRE, CENTRE), size=140)),
             tr("train.own.step5")),
        ]
        for column, (image, caption) in zip(st.columns(len(pictures)), pictures):
            column.image(image, caption=caption, width="stretch")
    st.caption(tr("train.own.read_now", step=step))
    digit_panel(model, steps.centred, None, key=f"{key}.own", steps=steps)
