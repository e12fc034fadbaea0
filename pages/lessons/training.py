"""Live training: watch LeNet learn MNIST, look inside it, then test it on a digit you draw."""
from __future__ import annotations

from dataclasses import dataclass, fields

import streamlit as st

from cnnviz import nn
from cnnviz.mnist import download_mnist, full_mnist_cached, load_mnist
from cnnviz.nn.training import confident_mistakes
from cnnviz.viz.training import confusion_figure, curves_figure, digits_figure, filters_figure, per_class_figure
from pages.common.charts import show_figure
from pages.common.digit_views import digit_panel, own_digit
from pages.common.training.job import (
    FAILED, FINISHED, LOADING, PAUSED, READY, RUNNING, STOPPED, WAITING, Dataset, TrainingConfig, TrainingJob,
)
from pages.common.training.session import TrainingSession
from pages.common.training.slots import SlotManager, max_training_runs


VARIANTS = {"lenet5_mnist": "Course LeNet (28×28, ReLU)", "lenet5": "Classic LeNet-5 (32×32, tanh)"}
SOURCES = {"bundled": "Bundled subset: 4,500 training + 500 test images (offline)",
           "full": "Full MNIST: 60,000 + 10,000 images"}
OPTIMIZERS = {"adam": "Adam", "sgd": "SGD with momentum 0.9"}
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
BATCH_SIZES = (16, 32, 64, 128, 256)
# While a run is busy, fragments poll the job. The browser redraws every chart a fragment sends, and
# fragment runs of one tab queue behind each other: only the learning curves poll fast.
POLL_S = 0.5  # learning curves, progress, filters: twice a second
INSIDE_POLL_S = 1.5  # one test image through the network
SLOW_POLL_S = 3.0  # evaluation panels (they change every few dozen batches)
STATE_WORDS = {READY: "Ready to train", LOADING: "Downloading MNIST …", WAITING: "Waiting for a free slot",
               RUNNING: "Training", PAUSED: "Paused", FINISHED: "Finished", STOPPED: "Stopped", FAILED: "Failed"}


@dataclass(frozen=True)
class TrainingSettings:
    """Everything the controls decide."""

    variant: str = "lenet5_mnist"
    source: str = "bundled"
    epochs: int = 5
    batch_size: int = 64
    optimizer: str = "adam"
    lr: float = 0.003
    seed: int = 0

    def config(self) -> TrainingConfig:
        return TrainingConfig(variant=self.variant, epochs=self.epochs, batch_size=self.batch_size,
                              optimizer=self.optimizer, lr=self.lr, seed=self.seed)


DEFAULTS = TrainingSettings()
NAMES = [f.name for f in fields(TrainingSettings)]


# ---------------------------------------------------------------- shared objects
@st.cache_resource(show_spinner=False)
def training_slots() -> SlotManager:
    """The server-wide cap on simultaneous runs ($CNNVIZ_MAX_TRAINING_RUNS, default 2)."""
    return SlotManager(max_training_runs())


@st.cache_resource(scope="session", on_release=TrainingSession.stop, show_spinner=False)
def training_session() -> TrainingSession:
    """This browser tab's run: kept across page changes, stopped when the tab closes."""
    return TrainingSession()


@st.cache_resource(show_spinner="Loading MNIST …", max_entries=2)
def local_dataset(source: str) -> Dataset:
    """The bundled subset, or full MNIST from the disk cache (read-only arrays, shared by all sessions)."""
    kind = "bundled" if source == "bundled" else "download"  # "download" reads the cache when it is there
    return Dataset.from_mnist(load_mnist("train", kind), load_mnist("test", kind))


def download_full_mnist(progress) -> Dataset:
    """Runs in the training worker (never touches Streamlit): fetch, verify, cache, load."""
    download_mnist(None, progress=progress)
    return Dataset.from_mnist(load_mnist("train", "download"), load_mnist("test", "download"))


def make_job(s: TrainingSettings) -> TrainingJob:
    data = local_dataset(s.source) if s.source == "bundled" or full_mnist_cached() else download_full_mnist
    return TrainingJob(s.config(), data, training_slots())


# ---------------------------------------------------------------- controls
def init_state() -> None:
    """Widget values, restored from ``train.saved`` after a visit to another page (Streamlit forgets
    the state of widgets that a page run did not draw)."""
    saved = st.session_state.get("train.saved", DEFAULTS)
    for name in NAMES:
        st.session_state.setdefault(f"train.{name}", getattr(saved, name))


def current_settings() -> TrainingSettings:
    return TrainingSettings(**{name: st.session_state[f"train.{name}"] for name in NAMES})


def read_settings(locked: bool) -> None:
    st.radio("Network", list(VARIANTS), format_func=VARIANTS.get, key="train.variant")
    st.radio("Training data", list(SOURCES), format_func=SOURCES.get, key="train.source")
    if st.session_state["train.source"] == "full":
        if full_mnist_cached():
            st.caption("Full MNIST is in this computer's cache: no download needed.")
        else:
            st.caption("Full MNIST is not cached yet: Start downloads it once (about 11 MB) from a public "
                       "mirror, checks it, and keeps it. Without a network, use the bundled subset.")
    left, right = st.columns(2)
    left.number_input("Epochs", 1, 20, key="train.epochs", help="Passes over the whole training set.")
    right.number_input("Seed", 0, 9999, key="train.seed",
                       help="Decides the initial weights and the shuffling: the same seed gives the same run.")
    st.select_slider("Batch size", BATCH_SIZES, key="train.batch_size")
    left, right = st.columns(2)
    left.selectbox("Optimizer", list(OPTIMIZERS), format_func=OPTIMIZERS.get, key="train.optimizer")
    right.select_slider("Learning rate", LEARNING_RATES, key="train.lr", format_func=lambda v: f"{v:g}")
    if locked:
        st.caption("New settings take effect when you press **Reset**.")
    st.session_state["train.saved"] = current_settings()


def press_start() -> None:
    training_session().job.start()


def press_pause() -> None:
    training_session().job.pause()


def press_reset() -> None:
    session, settings = training_session(), current_settings()
    job = session.job
    try:
        if session.tag is not None and session.tag.source == settings.source and job is not None:
            job.reset(settings.config())
            session.tag = settings
        else:
            session.replace(make_job(settings), tag=settings)
    except ValueError as err:
        st.session_state["train.message"] = ("error", f"These settings cannot be used: {err}")


def buttons(state: str) -> None:
    busy = state in (LOADING, WAITING, RUNNING)
    cols = st.columns(4)
    cols[0].button("Start", icon=":material/play_arrow:", key="train.start", on_click=press_start,
                   disabled=state != READY, type="primary", width="stretch")
    cols[1].button("Pause", icon=":material/pause:", key="train.pause", on_click=press_pause, disabled=not busy,
                   width="stretch")
    cols[2].button("Resume", icon=":material/resume:", key="train.resume", on_click=press_start,
                   disabled=state != PAUSED, type="primary" if state == PAUSED else "secondary", width="stretch")
    cols[3].button("Reset", icon=":material/restart_alt:", key="train.reset", on_click=press_reset,
                   width="stretch", help="Back to the initial weights of the seed, with the settings on the left.")


# ---------------------------------------------------------------- live view
def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def show_status(s) -> None:
    if s.state == LOADING:
        st.progress(s.load_progress or 0.0, text=f"Downloading full MNIST … {100 * (s.load_progress or 0):.0f}%")
        return
    if s.state == WAITING:
        limit = training_slots().limit
        busy_runs = "the one training run" if limit == 1 else f"all {limit} training runs"
        st.info(f"**Waiting for a free slot.** This server allows {busy_runs} at a time, so that each stays fast, "
                f"and they are in use. You are number {s.queue_position or 1} in the queue: training starts "
                "by itself.", icon=":material/hourglass_top:")
    if s.state == FAILED and s.total_steps is None:
        st.error("Full MNIST could not be downloaded — is this computer offline? Choose the bundled subset: "
                 "it needs no network. Then press Reset.", icon=":material/cloud_off:")
        with st.expander("What went wrong"):
            st.write(s.error)
    elif s.state == FAILED:
        st.error(f"Training stopped: {s.error}", icon=":material/error:")
    total = s.total_steps or 0
    text = f"**{STATE_WORDS[s.state]}** · epoch {max(s.epoch, 1 if s.step else 0)} of {s.epochs}"
    if s.from_file:
        text += " · started from loaded weights"
    st.progress(s.fraction_done, text=text)
    test = f"{100 * s.eval_accuracy[-1]:.1f}%" if len(s.eval_accuracy) else "–"
    speed = f"{s.images_per_s:,.0f}" if s.images_per_s else "–"
    m = st.columns(5)
    m[0].metric(f"Batches of {total}" if total else "Batches", f"{s.step}")
    m[1].metric("Loss (smoothed)", f"{s.running_loss[-1]:.3f}" if len(s.running_loss) else "–")
    m[2].metric("Test accuracy", test)
    m[3].metric("Images / s", speed)
    m[4].metric("Time left", duration(s.eta_s) if s.state in (RUNNING, PAUSED) else "–")


def live_view(job: TrainingJob, busy: bool) -> None:
    @st.fragment(run_every=POLL_S if busy else None)
    def live():
        s = job.status()
        if s.busy != busy:  # the run finished, paused or failed by itself: refresh the whole page
            st.rerun(scope="app")
        show_status(s)
        st.caption(":blue[**Loss**] of each batch (thin) and smoothed (thick) · accuracy while training "
                   ":orange[**on its training batches**] and :green[**on held-out test images**]")
        show_figure(curves_figure(s.steps, s.loss, s.running_loss, s.accuracy, s.eval_steps, s.eval_accuracy, s.total_steps),
                    key="train.curves")
        _, model = job.model_snapshot()
        st.markdown("**First-layer filters** — the 6 kernels of conv1, learning what to look for "
                    "(red: positive weight, blue: negative)")
        show_figure(filters_figure(model.layers[0].kernels), key="train.filters")

    live()


def inside_view(job: TrainingJob, busy: bool) -> None:
    @st.fragment(run_every=INSIDE_POLL_S if busy else None)
    def inside():
        _, model = job.model_snapshot()
        sample = job.held_out()
        if sample is None:
            st.caption("The test images appear once the data has loaded.")
            return
        images, labels = sample
        pick = st.slider("Test image", 1, len(labels), 1, key="train.pick",
                         help="One of the held-out test images the accuracy is measured on.") - 1
        st.caption("Each panel is one layer's output for this image, in the course's notation "
                   "(height × width × channels). Bright = strong activation; blue/red = negative/positive.")
        digit_panel(model, images[pick], int(labels[pick]), key="train.inside")

    inside()


def evaluation_view(job: TrainingJob, busy: bool) -> None:
    @st.fragment(run_every=SLOW_POLL_S if busy else None)
    def evaluation():
        checkpoint, sample = job.latest_checkpoint, job.held_out()
        if checkpoint is None or sample is None:
            st.caption("Start training: the network is tested on held-out images every few batches.")
            return
        result, (images, labels) = checkpoint.result, sample
        st.caption(f"On {result.count} held-out test images after {checkpoint.step} batches: "
                   f"**{100 * result.accuracy:.1f}%** correct.")
        left, right = st.columns([1.1, 1], gap="large")
        with left:
            st.markdown("**Confusion matrix** (blue: right, red: mistakes)")
            show_figure(confusion_figure(result.confusion), key="train.confusion")
        with right:
            st.markdown("**Accuracy per digit**")
            show_figure(per_class_figure(result.per_class), key="train.per_class")
            st.markdown("**Most confident mistakes**")
            wrong = confident_mistakes(result.probabilities, labels, k=10)
            if len(wrong) == 0:
                st.caption("No mistakes on these images.")
            else:
                st.caption("true digit → what the network read (how sure it was)")
                captions = [f"<b>{labels[i]} → {result.predictions[i]}</b><br>"
                            f"{100 * result.probabilities[i, result.predictions[i]]:.0f}%" for i in wrong]
                show_figure(digits_figure(images[wrong], captions), key="train.mistakes")

    evaluation()


# ---------------------------------------------------------------- weights
def weights_panel(job: TrainingJob) -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.download_button("Download the weights (.npz)", data=lambda: job.model_snapshot()[1].to_bytes(),
                           file_name=f"cnnviz-{job.config.variant}.npz", mime="application/octet-stream",
                           icon=":material/download:", on_click="ignore", key="train.download")
        st.caption("The network as it is when you click, even while it trains. Keep it to show a trained "
                   "network in the next lesson without waiting.")
    with right:
        st.file_uploader("Load weights saved here before (.npz)", type=["npz"], key="train.weights",
                         on_change=load_weights)


def load_weights() -> None:
    upload = st.session_state.get("train.weights")
    if upload is None:
        return
    try:
        loaded = nn.load_model(upload.getvalue())
    except ValueError as err:
        st.session_state["train.message"] = ("error", f"{upload.name} cannot be loaded: {err}")
        return
    training_session().job.load_model(loaded)
    st.session_state["train.variant"] = loaded.variant
    st.session_state["train.message"] = ("success", f"Loaded {upload.name} ({VARIANTS[loaded.variant]}). "
                                                    "Press Start to train it further.")


# ---------------------------------------------------------------- the page
st.title("Watch a CNN learn to read digits")
st.caption("A LeNet learns MNIST's handwritten digits while you watch: the loss falls, the filters take shape, "
           "and then it reads a digit you draw. Everything is computed by cnnviz's own numpy engine, on this server.")
init_state()
session = training_session()
job = session.job
if job is None or (job.status().state == READY and not job.status().from_file and session.tag != current_settings()):
    try:
        job = session.replace(make_job(current_settings()), tag=current_settings())
    except ValueError as err:
        st.error(f"These settings cannot be used: {err}", icon=":material/error:")
        st.stop()
status = job.status()
busy = status.busy

settings_col, live_col = st.columns([1, 2.6], gap="large")
with settings_col:
    with st.container(border=True):
        read_settings(locked=status.state != READY or status.from_file)
with live_col:
    buttons(status.state)
    message = st.session_state.pop("train.message", None)
    if message:
        getattr(st, message[0])(message[1])
    live_view(job, busy)

st.subheader("Inside the network")
inside_view(job, busy)

st.subheader("How well does it do?")
evaluation_view(job, busy)

st.subheader("Try your own digit")
own_digit(job.model_snapshot()[1], status.step, key="train")

st.subheader("Save or load the weights")
weights_panel(job)
