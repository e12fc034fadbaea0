"""What a training run looks like on a page: status, curves, the last batch, inside the network, evaluation.

Every function reads a job (or its status) and draws; none changes it. Texts are ``train.*`` ids.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from cnnviz.nn.training import confident_mistakes
from cnnviz.viz.training import (
    CurveLabels, RunCurves, confusion_figure, curves_figure, enlarge, filters_figure, per_class_figure,
)
from ui.common.charts import show_figure
from ui.common.digit_views import digit_panel
from ui.common.text import tr

from .job import FAILED, LOADING, PAUSED, RUNNING, WAITING, JobStatus, TrainingJob

BATCH_SHOWN = 16  # images of the last batch on screen


def network_label(name: str) -> str:
    """``"lenet5_mnist+bn+dropout"`` → "Course LeNet + BatchNorm + Dropout" in the session's language."""
    base, *options = name.split("+")
    return " + ".join([tr(f"train.network.{base}"), *(tr(f"train.network.option.{o}") for o in options)])


def run_curves(status: JobStatus, name: str) -> RunCurves:
    return RunCurves(network_label(name), status.steps, status.running_loss, status.eval_steps, status.eval_accuracy)


def curve_labels() -> CurveLabels:
    return CurveLabels(**{k: tr(f"train.curves.{k}") for k in CurveLabels.__dataclass_fields__})


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    if seconds < 60:
        return tr("train.seconds", s=seconds)
    return tr("train.minutes", m=seconds // 60, s=f"{seconds % 60:02d}")


def show_status(s: JobStatus, slots_limit: int) -> None:
    if s.state == LOADING:
        st.progress(s.load_progress or 0.0, text=tr("train.downloading", percent=f"{100 * (s.load_progress or 0):.0f}"))
        return
    if s.state == WAITING:
        st.info(tr("train.waiting", limit=slots_limit, place=s.queue_position or 1), icon=":material/hourglass_top:")
    if s.state == FAILED and s.total_steps is None:
        st.error(tr("train.download_failed"), icon=":material/cloud_off:")
        with st.expander(tr("train.what_went_wrong")):
            st.write(s.error)
    elif s.state == FAILED:
        st.error(tr("train.failed", reason=s.error), icon=":material/error:")
    text = tr("train.progress", state=tr(f"train.state.{s.state}"), epoch=max(s.epoch, 1 if s.step else 0),
              epochs=s.epochs)
    if s.from_file:
        text += tr("train.from_file")
    st.progress(s.fraction_done, text=text)
    m = st.columns(5)
    m[0].metric(tr("train.metric.batches_of", total=s.total_steps) if s.total_steps else tr("train.metric.batches"),
                f"{s.step}")
    m[1].metric(tr("train.metric.loss"), f"{s.running_loss[-1]:.3f}" if len(s.running_loss) else "–")
    m[2].metric(tr("train.metric.test"), f"{100 * s.eval_accuracy[-1]:.1f}%" if len(s.eval_accuracy) else "–")
    m[3].metric(tr("train.metric.speed"), f"{s.images_per_s:,.0f}" if s.images_per_s else "–")
    m[4].metric(tr("train.metric.left"), duration(s.eta_s) if s.state in (RUNNING, PAUSED) else "–")


def curves(s: JobStatus, previous: RunCurves | None) -> None:
    st.caption(tr("train.curves.caption"))
    if previous is not None:
        st.caption(tr("train.curves.previous", name=previous.name))
    show_figure(curves_figure(s.steps, s.loss, s.running_loss, s.accuracy, s.eval_steps, s.eval_accuracy,
                              s.total_steps, labels=curve_labels(), previous=previous), key="train.curves")


def filters(model) -> None:
    st.markdown(tr("train.filters"))
    show_figure(filters_figure(model.layers[0].kernels), key="train.filters")


def digit_grid(images: np.ndarray, captions: list[str]) -> None:
    """Small digits in a grid that the browser lays out, each with its caption underneath (never overlapping)."""
    st.image([enlarge(image, 84) for image in images], caption=captions, width=96)


def batch_view(job: TrainingJob) -> None:
    """The batch just trained: its images, what the network answered before learning from it, its loss."""
    last = job.last_batch()
    st.markdown(tr("train.batch.heading"))
    if last is None:
        st.caption(tr("train.batch.none"))
        return
    answers = last.probabilities.argmax(axis=1)
    st.markdown(tr("train.batch.summary", step=last.step, loss=f"{last.loss:.3f}",
                   right=int((answers == last.labels).sum()), size=last.batch_size))
    shown = slice(0, BATCH_SHOWN)
    captions = [tr("train.batch.right" if a == y else "train.batch.wrong", true=int(y), read=int(a),
                   sure=f"{100 * p[a]:.0f}")
                for y, a, p in zip(last.labels[shown], answers[shown], last.probabilities[shown])]
    digit_grid(last.images[shown], captions)


def inside_view(job: TrainingJob, model) -> None:
    sample = job.held_out()
    if sample is None:
        st.caption(tr("train.inside.later"))
        return
    images, labels = sample
    pick = st.slider(tr("train.inside.pick"), 1, len(labels), 1, key="train.pick",
                     help=tr("train.inside.pick_help")) - 1
    st.caption(tr("train.inside.caption"))
    digit_panel(model, images[pick], int(labels[pick]), key="train.inside")


def evaluation_view(job: TrainingJob, checkpoint) -> None:
    """The held-out evaluation ``checkpoint`` (a :class:`Checkpoint`, or None before the first)."""
    sample = job.held_out()
    if checkpoint is None or sample is None:
        st.caption(tr("train.eval.later"))
        return
    result, (images, labels) = checkpoint.result, sample
    st.caption(tr("train.eval.summary", count=result.count, step=checkpoint.step,
                  percent=f"{100 * result.accuracy:.1f}"))
    left, right = st.columns([1.1, 1], gap="large")
    with left:
        st.markdown(tr("train.eval.confusion"))
        show_figure(confusion_figure(result.confusion, tr("train.eval.true_axis"), tr("train.eval.predicted_axis")),
                    key="train.confusion")
    with right:
        st.markdown(tr("train.eval.per_class"))
        show_figure(per_class_figure(result.per_class, tr("train.eval.per_class_axis")), key="train.per_class")
        st.markdown(tr("train.eval.mistakes"))
        wrong = confident_mistakes(result.probabilities, labels, k=10)
        if len(wrong) == 0:
            st.caption(tr("train.eval.no_mistakes"))
            return
        st.caption(tr("train.eval.mistakes_caption"))
        digit_grid(images[wrong], [tr("train.eval.mistake", true=int(labels[i]), read=int(result.predictions[i]),
                                      sure=f"{100 * result.probabilities[i, result.predictions[i]]:.0f}")
                                   for i in wrong])
