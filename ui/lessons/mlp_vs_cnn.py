"""MLP vs CNN on MNIST: a fully connected network and LeNet train side by side on the same data and budget."""
from __future__ import annotations

import streamlit as st

from cnnviz.viz.training import comparison_figure
from ui.common.charts import show_figure
from ui.common.controls import Lesson
from ui.common.text import error_text, tr
from ui.common.training.job import ACTIVE, PAUSED, READY, TrainingConfig, TrainingJob
from ui.common.training.resources import dataset, training_session, training_slots
from ui.common.training.views import curve_labels, network_label, run_curves
from ui.schemas.mlp_vs_cnn import NETWORKS, CompareSettings

POLL_S = 0.5  # one fragment polls both runs


def sessions():
    return [training_session(f"compare.{name}") for name in NETWORKS]


def make_jobs(s: CompareSettings) -> list[TrainingJob]:
    """One job per network with the same data, epochs, batch size and seed (so the same shuffles)."""
    jobs = []
    for name, session in zip(NETWORKS, sessions()):
        config = TrainingConfig(variant=name, epochs=s.epochs, batch_size=int(s.batch_size), seed=s.seed)
        jobs.append(session.replace(TrainingJob(config, dataset(s.source), training_slots()), tag=s))
    return jobs


def start_all() -> None:
    for session in sessions():
        session.job.start()


def pause_all() -> None:
    for session in sessions():
        session.job.pause()


def reset_all() -> None:
    st.session_state["compare.reset"] = True


def buttons(states: list[str]) -> None:
    busy = any(s in ACTIVE for s in states)
    cols = st.columns(3)
    cols[0].button(tr("train.button.start"), icon=":material/play_arrow:", key="compare.start", on_click=start_all,
                   disabled=busy or not any(s in (READY, PAUSED) for s in states), type="primary", width="stretch")
    cols[1].button(tr("train.button.pause"), icon=":material/pause:", key="compare.pause", on_click=pause_all,
                   disabled=not busy, width="stretch")
    cols[2].button(tr("train.button.reset"), icon=":material/restart_alt:", key="compare.reset_button",
                   on_click=reset_all, width="stretch")


def live_view(jobs: list[TrainingJob], busy: bool) -> None:
    @st.fragment(run_every=POLL_S if busy else None)
    def live():
        statuses = [job.status() for job in jobs]
        if any(s.busy for s in statuses) != busy:
            st.rerun(scope="app")
        runs = [run_curves(s, job.config.variant) for s, job in zip(statuses, jobs)]
        show_figure(comparison_figure(runs, max(s.total_steps or 0 for s in statuses), curve_labels()),
                    key="compare.curves")
        for column, job, s in zip(st.columns(len(jobs)), jobs, statuses):
            with column.container(border=True):
                st.markdown(f"**{network_label(job.config.variant)}**")
                left, right = st.columns([3, 2])  # the parameter count is the widest number
                left.metric(tr("compare.parameters"), f"{job.model_snapshot()[1].parameter_count:,}")
                right.metric(tr("train.metric.test"),
                             f"{100 * s.eval_accuracy[-1]:.1f}%" if len(s.eval_accuracy) else "–")
                left.metric(tr("train.metric.batches_of", total=s.total_steps) if s.total_steps
                            else tr("train.metric.batches"), f"{s.step}")
                right.metric(tr("train.metric.speed"), f"{s.images_per_s:,.0f}" if s.images_per_s else "–")
                st.caption(tr(f"compare.about.{job.config.variant}"))

    live()


st.title(tr("nav.mlp_vs_cnn.title"))
st.caption(tr("compare.intro"))
lesson = Lesson(CompareSettings)
lesson.notices()
settings_col, live_col = st.columns([1, 2.6], gap="large")
with settings_col:
    with st.container(border=True):
        lesson.widget("source")
        left, right = st.columns(2)
        lesson.widget("epochs", left)
        lesson.widget("seed", right)
        lesson.widget("batch_size")
        settings = lesson.settings()
        st.caption(tr("compare.budget"))
jobs = [session.job for session in sessions()]
fresh = all(job is not None and job.status().state == READY for job in jobs)
if st.session_state.pop("compare.reset", False) or any(job is None for job in jobs) or (
        fresh and any(session.tag != settings for session in sessions())):
    try:
        jobs = make_jobs(settings)
    except ValueError as err:
        st.error(tr("train.bad_settings", message=error_text(err)), icon=":material/error:")
        st.stop()
states = [job.status().state for job in jobs]
with live_col:
    lesson.link_control()
    buttons(states)
    live_view(jobs, any(job.status().busy for job in jobs))
st.markdown(tr("compare.why"))
