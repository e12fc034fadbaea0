"""Live training: watch LeNet learn MNIST at a pace a lecturer can narrate, look inside it, then test it."""
from __future__ import annotations

import inspect
import time

import streamlit as st

from cnnviz import nn
from cnnviz.mnist import full_mnist_cached
from ui.common.controls import Lesson
from ui.common.digit_views import own_digit
from ui.common.text import error_text, tr
from ui.common.training.job import LOADING, PAUSED, READY, RUNNING, WAITING, TrainingConfig, TrainingJob
from ui.common.training.resources import dataset, training_session, training_slots
from ui.common.training.views import (
    batch_view, curves, evaluation_view, filters, inside_view, network_label, run_curves, show_status,
)
from ui.schemas.training import PACES, TrainingSettings

# One poller: a single fragment redraws everything that changes while a run trains, twice a second
# (several run_every fragments on one page collide, and a tab's fragment runs queue behind each other).
# The slower panels take a newer network only every few seconds and are otherwise sent again unchanged,
# which the browser does not redraw: the learning curves keep their pace.
POLL_S = 0.5
SLOW_PANELS = {"inside": 1.5, "eval": 3.0}  # seconds between new data for "Inside the network", the evaluation


def throttled(name: str, fresh, busy: bool):
    """``fresh()`` at most every ``SLOW_PANELS[name]`` seconds while training; the value last shown otherwise."""
    key, now = f"train.shown.{name}", time.monotonic()
    shown = st.session_state.get(key)
    if shown is None or not busy or now - shown[0] >= SLOW_PANELS[name]:
        shown = st.session_state[key] = (now, fresh())
    return shown[1]


def config(s: TrainingSettings) -> TrainingConfig:
    return TrainingConfig(variant=s.network, epochs=s.epochs, batch_size=int(s.batch_size), optimizer=s.optimizer,
                          lr=float(s.lr), seed=s.seed)


def new_job(s: TrainingSettings) -> TrainingJob:
    """A job for these settings; the run it replaces stays on the curves, dashed, to compare with."""
    session = training_session()
    old = session.job
    if old is not None and old.status().step > 0:
        st.session_state["train.previous"] = run_curves(old.status(), old.config.variant)
    return session.replace(TrainingJob(config(s), dataset(s.source), training_slots()), tag=s.run())


def read_settings(lesson: Lesson, locked: bool) -> TrainingSettings:
    lesson.widget("variant")
    lesson.widget("batchnorm")
    lesson.widget("dropout")
    lesson.widget("source")
    if lesson.current.source == "full":
        st.caption(tr("train.full_cached" if full_mnist_cached() else "train.full_not_cached"))
    left, right = st.columns(2)
    lesson.widget("epochs", left)
    lesson.widget("seed", right)
    lesson.widget("batch_size")
    left, right = st.columns(2)
    lesson.widget("optimizer", left)
    lesson.widget("lr", right)
    settings = lesson.settings()
    st.caption(tr("train.parameters", count=f"{parameter_count(settings.network):,}"))
    if locked:
        st.caption(tr("train.locked"))
    return settings


@st.cache_data(show_spinner=False)
def parameter_count(network: str) -> int:
    return nn.build(network).parameter_count


def press_reset() -> None:
    s = TrainingSettings.build({name: st.session_state.get(f"train.{name}") for name in TrainingSettings.specs()})
    try:
        new_job(s)
    except ValueError as err:
        st.session_state["train.message"] = ("error", tr("train.bad_settings", message=error_text(err)))


def buttons(job: TrainingJob, state: str, pace: str) -> None:
    busy = state in (LOADING, WAITING, RUNNING)
    stepping = pace == "step"
    row = st.container(horizontal=True, gap="small")  # buttons as wide as their words; they wrap, never cut
    row.button(tr("train.button.start"), icon=":material/play_arrow:", key="train.start", on_click=job.start,
               disabled=state != READY or stepping, type="primary", width="content")
    row.button(tr("train.button.pause"), icon=":material/pause:", key="train.pause", on_click=job.pause,
               disabled=not busy, width="content")
    row.button(tr("train.button.resume"), icon=":material/resume:", key="train.resume", on_click=job.start,
               disabled=state != PAUSED or stepping, type="primary" if state == PAUSED and not stepping
               else "secondary", width="content")
    row.button(tr("train.button.step"), icon=":material/skip_next:", key="train.step", on_click=job.step,
               disabled=state not in (READY, PAUSED), type="primary" if stepping else "secondary",
               width="content", help=tr("train.button.step_help"))
    row.button(tr("train.button.reset"), icon=":material/restart_alt:", key="train.reset", on_click=press_reset,
               width="content", help=tr("train.button.reset_help"))


def live_view(job: TrainingJob, busy: bool, pace: str) -> None:
    @st.fragment(run_every=POLL_S if busy else None)
    def live():
        s = job.status()
        if s.busy != busy:  # the run finished, paused or failed by itself: refresh the whole page
            st.rerun(scope="app")
        show_status(s, training_slots().limit)
        curves(s, st.session_state.get("train.previous"))
        _, model = job.model_snapshot()
        filters(model)
        how_it_is_computed()
        if pace != "realtime":
            batch_view(job)
        st.subheader(tr("train.inside.heading"))
        inside_view(job, throttled("inside", lambda: model, busy))
        st.subheader(tr("train.eval.heading"))
        evaluation_view(job, throttled("eval", lambda: job.latest_checkpoint, busy))

    live()


def how_it_is_computed() -> None:
    """The readable convolution layer's source: the same numbers as the fast one that trains (a test checks).
    Drawn only while open: folded, it costs each of the live view's polls one element, not three."""
    panel = st.expander(tr("train.how.heading"), icon=":material/code:", key="train.how_computed", on_change="rerun")
    if not panel.open:
        return
    with panel:
        st.caption(tr("train.how.caption"))
        st.code(inspect.getsource(nn.conv_im2col), language="python", line_numbers=True)


def weights_panel(job: TrainingJob) -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.download_button(tr("train.weights.download"), data=lambda: job.model_snapshot()[1].to_bytes(),
                           file_name=f"cnnviz-{job.config.variant}.npz", mime="application/octet-stream",
                           icon=":material/download:", on_click="ignore", key="train.download")
        st.caption(tr("train.weights.download_hint"))
    with right:
        st.file_uploader(tr("train.weights.upload"), type=["npz"], key="train.weights", on_change=load_weights)


def load_weights() -> None:
    upload = st.session_state.get("train.weights")
    if upload is None:
        return
    try:
        loaded = nn.load_model(upload.getvalue())
    except ValueError as err:
        st.session_state["train.message"] = ("error", tr("train.weights.refused", name=upload.name,
                                                         message=error_text(err)))
        return
    if loaded.variant.split("+")[0] not in TrainingSettings.specs()["variant"].options:
        st.session_state["train.message"] = ("error", tr("train.weights.other_page", name=upload.name,
                                                         network=network_label(loaded.variant)))
        return
    training_session().job.load_model(loaded)
    base, *options = loaded.variant.split("+")
    st.session_state.update({"train.variant": base, "train.batchnorm": "bn" in options,
                             "train.dropout": "dropout" in options})
    st.session_state["train.message"] = ("success", tr("train.weights.loaded", name=upload.name,
                                                       network=network_label(loaded.variant)))


st.title(tr("nav.training.title"))
st.caption(tr("train.intro"))
lesson = Lesson(TrainingSettings)
lesson.notices()
session = training_session()
job = session.job
settings_col, live_col = st.columns([1, 2.6], gap="large")
with settings_col:
    with st.container(border=True):
        status = job.status() if job is not None else None
        settings = read_settings(lesson, locked=status is not None and (status.state != READY or status.from_file))
if job is None or (status.state == READY and not status.from_file and session.tag != settings.run()):
    try:
        job = new_job(settings)
    except ValueError as err:
        st.error(tr("train.bad_settings", message=error_text(err)), icon=":material/error:")
        st.stop()
job.set_delay(PACES[settings.pace])
status = job.status()
with live_col:
    lesson.link_control()
    lesson.widget("pace")
    buttons(job, status.state, settings.pace)
    message = st.session_state.pop("train.message", None)
    if message:
        getattr(st, message[0])(message[1])
    live_view(job, status.busy, settings.pace)

st.subheader(tr("train.own.heading"))
own_digit(job.model_snapshot()[1], status.step, key="train")

st.subheader(tr("train.weights.heading"))
weights_panel(job)
