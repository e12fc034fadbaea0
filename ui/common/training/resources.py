"""The objects training pages share: the server's slots, a tab's runs, and the MNIST data."""
from __future__ import annotations

import streamlit as st

from cnnviz.mnist import download_mnist, full_mnist_cached, load_mnist

from .job import Dataset
from .session import TrainingSession
from .slots import SlotManager, max_training_runs


@st.cache_resource(show_spinner=False)
def training_slots() -> SlotManager:
    """The server-wide cap on simultaneous runs ($CNNVIZ_MAX_TRAINING_RUNS, default 2)."""
    return SlotManager(max_training_runs())


@st.cache_resource(scope="session", on_release=TrainingSession.stop, show_spinner=False)
def training_session(name: str = "training") -> TrainingSession:
    """This browser tab's run called ``name``: kept across page changes, stopped when the tab closes."""
    return TrainingSession()


@st.cache_resource(show_spinner=False, max_entries=2)
def local_dataset(source: str) -> Dataset:
    """The bundled subset, or full MNIST from the disk cache (read-only arrays, shared by all sessions)."""
    kind = "bundled" if source == "bundled" else "download"  # "download" reads the cache when it is there
    return Dataset.from_mnist(load_mnist("train", kind), load_mnist("test", kind))


def download_full_mnist(progress) -> Dataset:
    """Runs in the training worker (never touches Streamlit): fetch, verify, cache, load."""
    download_mnist(None, progress=progress)
    return Dataset.from_mnist(load_mnist("train", "download"), load_mnist("test", "download"))


def dataset(source: str):
    """What a :class:`TrainingJob` trains on: the data itself, or the download that fetches it first."""
    return local_dataset(source) if source == "bundled" or full_mnist_cached() else download_full_mnist
