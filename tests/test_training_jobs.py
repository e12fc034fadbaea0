"""Training jobs in the app layer (ui/common/training): training process, pause/resume/stop/reset, step, pace,
slots, held-out checks.

Small, fast settings: a few hundred bundled MNIST images, small batches, a few seconds at most.
"""
import gc
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from cnnviz import nn
from cnnviz.mnist import load_mnist
from cnnviz.nn.training import confident_mistakes, held_out_sample
from ui.common.training.job import (
    FAILED, FINISHED, PAUSED, READY, RUNNING, STOPPED, WAITING, Dataset, TrainingConfig, TrainingJob,
)
from ui.common.training.session import TrainingSession
from ui.common.training.slots import SlotManager, max_training_runs

TIMEOUT = 30


@pytest.fixture(autouse=True)
def _normal_priority(monkeypatch):
    """Training processes here run at the test's own priority: on a shared machine a niced one could wait for minutes
    (the lowered priority itself is tested below, and measured in bench/training_priority.py)."""
    monkeypatch.setattr("ui.common.training.job.WORKER_NICENESS", 0)


@pytest.fixture(scope="module")
def data():
    train, test = load_mnist("train", "bundled"), load_mnist("test", "bundled")
    return Dataset(train.images[:320], train.labels[:320], test.images, test.labels, "bundled")


def small(**changes) -> TrainingConfig:
    base = dict(epochs=1, batch_size=32, eval_every=5, eval_size=100, seed=3)
    return TrainingConfig(**{**base, **changes})


def wait_for(job, condition, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = job.status()
        if condition(status):
            return status
        time.sleep(0.01)
    raise AssertionError(f"timed out; last status: {job.status().state} at step {job.status().step}")


def weights(model) -> dict:
    return model.state_dict()


def assert_same_weights(a, b):
    wa, wb = weights(a), weights(b)
    assert wa.keys() == wb.keys()
    for name in wa:
        np.testing.assert_array_equal(wa[name], wb[name], err_msg=name)


# ---------------------------------------------------------------- slots
def test_max_training_runs_reads_the_environment_and_defaults_to_two():
    assert max_training_runs({}) == 2
    assert max_training_runs({"CNNVIZ_MAX_TRAINING_RUNS": " 5 "}) == 5
    for bad in ("0", "-1", "two", "1.5"):
        with pytest.raises(ValueError, match="CNNVIZ_MAX_TRAINING_RUNS"):
            max_training_runs({"CNNVIZ_MAX_TRAINING_RUNS": bad})


def test_slot_manager_lets_two_in_and_queues_the_third_until_one_leaves():
    slots = SlotManager(2)
    a, b, c = object(), object(), object()
    assert slots.acquire(a, timeout=0) and slots.acquire(b, timeout=0)
    assert not slots.acquire(c, timeout=0.05)
    assert slots.position(c) == 1 and slots.in_use == 2
    slots.leave(a)
    assert slots.acquire(c, timeout=1) and slots.position(c) is None and slots.in_use == 2


def test_slot_manager_serves_the_queue_first_come_first_served():
    slots = SlotManager(1)
    first, second, third = object(), object(), object()
    assert slots.acquire(first, timeout=0)
    assert not slots.acquire(second, timeout=0) and not slots.acquire(third, timeout=0)
    assert (slots.position(second), slots.position(third)) == (1, 2)
    slots.leave(first)
    assert not slots.acquire(third, timeout=0.05)  # second is ahead of it
    assert slots.acquire(second, timeout=0)
    slots.leave(second)
    assert slots.acquire(third, timeout=0)


def test_slot_manager_wakes_a_waiting_thread_when_a_slot_frees():
    slots = SlotManager(1)
    holder, waiter = object(), object()
    slots.acquire(holder)
    got = threading.Event()
    thread = threading.Thread(target=lambda: slots.acquire(waiter, timeout=5) and got.set())
    thread.start()
    time.sleep(0.05)
    assert not got.is_set()
    slots.leave(holder)
    thread.join(5)
    assert got.is_set()


def test_slot_manager_refuses_a_limit_below_one():
    with pytest.raises(ValueError, match="at least 1"):
        SlotManager(0)


# ---------------------------------------------------------------- the job
def test_start_advances_pause_holds_the_step_count_resume_continues_stop_ends(data):
    job = TrainingJob(small(epochs=50), data, SlotManager(2))
    assert job.status().state == READY and job.status().step == 0
    job.start()
    wait_for(job, lambda s: s.state == RUNNING and s.step >= 3)
    job.pause()
    paused = job.status()
    assert paused.state == PAUSED
    time.sleep(0.3)
    assert job.status().step == paused.step and len(job.status().loss) == paused.step
    job.resume()
    wait_for(job, lambda s: s.step >= paused.step + 3)
    job.stop()
    stopped = job.status()
    assert stopped.state == STOPPED
    time.sleep(0.2)
    assert job.status().step == stopped.step
    job.start()  # a stopped run stays stopped
    assert job.status().state == STOPPED


def test_a_run_finishes_with_every_batch_and_a_final_held_out_check(data):
    job = TrainingJob(small(epochs=2), data, SlotManager(2))
    assert job.status().total_steps == 2 * 10
    job.start()
    job.join(TIMEOUT)
    s = job.status()
    assert s.state == FINISHED and s.step == s.total_steps == 20 and s.fraction_done == 1
    np.testing.assert_array_equal(s.steps, np.arange(1, 21))
    assert s.eval_steps.tolist() == [0, 5, 10, 15, 20]  # at the start, every 5 batches, none twice at the end
    assert s.images_per_s > 0 and s.eta_s == 0
    checkpoint = job.latest_checkpoint
    images, labels = job.held_out()
    assert checkpoint.step == 20 and checkpoint.result.count == len(labels) == 100
    reference = nn.evaluate(job.model_snapshot()[1], images, labels)  # the snapshot is the trained model
    assert checkpoint.result.accuracy == reference.accuracy == s.eval_accuracy[-1]


def test_held_out_checks_default_to_about_eight_per_epoch_but_at_least_25_batches_apart(data):
    job = TrainingJob(small(epochs=5, eval_every=None), data, SlotManager(2))  # 10 batches per epoch
    job.start()
    job.join(TIMEOUT)
    assert job.status().eval_steps.tolist() == [0, 25, 50]


def test_reset_returns_to_the_same_initial_weights_and_an_empty_history(data):
    job = TrainingJob(small(epochs=50), data, SlotManager(2))
    _, initial = job.model_snapshot()
    assert_same_weights(initial, nn.lenet("lenet5_mnist", seed=3))
    job.start()
    wait_for(job, lambda s: s.step >= 3)
    job.pause()
    _, trained = job.model_snapshot()
    assert not np.array_equal(trained.flat_params, initial.flat_params)
    job.reset()
    s = job.status()
    assert s.state == READY and s.step == 0 and len(s.loss) == 0 and len(s.eval_steps) == 0
    assert_same_weights(job.model_snapshot()[1], initial)


def test_pausing_does_not_change_the_run_same_losses_as_straight_through(data):
    straight = TrainingJob(small(epochs=2), data, SlotManager(2))
    straight.start()
    straight.join(TIMEOUT)
    interrupted = TrainingJob(small(epochs=2), data, SlotManager(2))
    interrupted.start()
    wait_for(interrupted, lambda s: s.step >= 2)
    interrupted.pause()
    interrupted.resume()
    interrupted.join(TIMEOUT)
    a, b = straight.status(), interrupted.status()
    assert b.state == FINISHED
    np.testing.assert_array_equal(a.loss, b.loss)
    assert_same_weights(straight.model_snapshot()[1], interrupted.model_snapshot()[1])


def test_the_snapshot_is_a_copy_that_training_does_not_touch(data):
    job = TrainingJob(small(epochs=50), data, SlotManager(2))
    version, snap = job.model_snapshot()
    before = snap.flat_params.copy()
    job.start()
    wait_for(job, lambda s: s.snapshot_version > version and s.step >= 3)
    job.stop()
    np.testing.assert_array_equal(snap.flat_params, before)
    assert job.model_snapshot()[0] > version


def test_third_job_waits_for_a_free_slot_while_two_run_and_starts_when_one_stops(data):
    slots = SlotManager(2)
    jobs = [TrainingJob(small(epochs=200), data, slots) for _ in range(3)]
    try:
        jobs[0].start()
        jobs[1].start()
        wait_for(jobs[0], lambda s: s.state == RUNNING)
        wait_for(jobs[1], lambda s: s.state == RUNNING)
        jobs[2].start()
        waiting = wait_for(jobs[2], lambda s: s.state == WAITING)
        assert waiting.queue_position == 1
        time.sleep(0.3)
        assert jobs[2].status().state == WAITING and jobs[2].status().step == 0
        jobs[0].stop()
        wait_for(jobs[2], lambda s: s.state == RUNNING and s.step >= 1)
        assert slots.in_use == 2
    finally:
        for job in jobs:
            job.stop()
    assert slots.in_use == 0


def test_a_paused_job_gives_its_slot_to_a_waiting_one(data):
    slots = SlotManager(1)
    first, second = TrainingJob(small(epochs=200), data, slots), TrainingJob(small(epochs=200), data, slots)
    try:
        first.start()
        wait_for(first, lambda s: s.state == RUNNING)
        second.start()
        wait_for(second, lambda s: s.state == WAITING)
        first.pause()
        wait_for(second, lambda s: s.state == RUNNING)
        first.resume()
        assert wait_for(first, lambda s: s.state == WAITING).queue_position == 1
    finally:
        first.stop()
        second.stop()


def test_data_loads_in_the_worker_with_progress_then_trains(data):
    gate = threading.Event()
    reports = []

    class Report:
        def __init__(self, fraction):
            self.fraction = fraction

    def load(progress):
        progress(Report(0.25))
        reports.append(True)
        gate.wait(TIMEOUT)
        progress(Report(1.0))
        return data

    job = TrainingJob(small(), load, SlotManager(2))
    assert job.status().total_steps is None and job.held_out() is None
    job.start()
    loading = wait_for(job, lambda s: s.state == "loading" and s.load_progress == 0.25)
    assert loading.busy
    gate.set()
    job.join(TIMEOUT)
    assert job.status().state == FINISHED and job.status().total_steps == 10
    assert len(job.held_out()[1]) == 100


def test_a_failing_run_reports_the_reason_instead_of_crashing(data):
    def broken(progress):
        raise OSError("no network")

    job = TrainingJob(small(), broken, SlotManager(1))
    job.start()
    job.join(TIMEOUT)
    s = job.status()
    assert s.state == FAILED and "no network" in s.error


def test_invalid_settings_are_refused_when_the_job_is_made(data):
    with pytest.raises(ValueError, match="optimizer"):
        TrainingJob(small(optimizer="rmsprop"), data, SlotManager(1))
    with pytest.raises(ValueError, match="learning rate"):
        TrainingJob(small(lr=0), data, SlotManager(1))


def test_loading_a_model_starts_over_from_its_weights_and_reset_returns_to_the_seed(data):
    job = TrainingJob(small(), data, SlotManager(1))
    other = nn.lenet("lenet5", seed=11)
    job.load_model(other)
    assert job.config.variant == "lenet5" and job.status().from_file
    assert_same_weights(job.model_snapshot()[1], other)
    job.reset()
    assert not job.status().from_file
    assert_same_weights(job.model_snapshot()[1], nn.lenet("lenet5", seed=3))


def test_a_session_holds_one_job_and_stops_the_old_one_when_replaced(data):
    session = TrainingSession()
    first = session.replace(TrainingJob(small(epochs=200), data, SlotManager(2)))
    first.start()
    wait_for(first, lambda s: s.state == RUNNING)
    second = session.replace(TrainingJob(small(), data, SlotManager(2)))
    assert session.job is second and first.status().state == STOPPED
    session.stop()
    assert session.job is None and second.status().state == STOPPED


def test_held_out_sample_is_fixed_and_independent_of_the_training_seed():
    images = np.arange(50)[:, None, None] * np.ones((1, 28, 28), np.uint8)
    labels = np.arange(50) % 10
    a, la = held_out_sample(images, labels, 20)
    b, lb = held_out_sample(images, labels, 20)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)
    assert len(set(a[:, 0, 0].tolist())) == 20
    np.testing.assert_array_equal(la, a[:, 0, 0] % 10)  # images stay with their labels
    assert len(held_out_sample(images, labels, 500)[1]) == 50


def test_confident_mistakes_lists_wrong_answers_most_confident_first():
    p = np.full((5, 10), 0.01)
    p[0, 3], p[1, 4], p[2, 5], p[3, 6], p[4, 7] = 0.9, 0.6, 0.95, 0.7, 0.99
    labels = np.array([3, 1, 2, 6, 0])  # rows 1, 2 and 4 are wrong
    assert confident_mistakes(p, labels).tolist() == [4, 2, 1]
    assert confident_mistakes(p, labels, k=1).tolist() == [4]


# ---------------------------------------------------------------- pace a lecturer can narrate
def test_step_trains_exactly_one_batch_and_pauses_showing_that_batch(data):
    job = TrainingJob(small(), data, SlotManager(1))
    job.step()
    status = wait_for(job, lambda s: s.state == PAUSED and s.step == 1)
    batch = job.last_batch()
    assert batch.step == 1 and batch.images.shape == (32, 28, 28) and batch.images.dtype == np.uint8
    assert batch.probabilities.shape == (32, 10) and batch.labels.shape == (32,)
    expected = -np.mean(np.log(batch.probabilities[np.arange(32), batch.labels]))  # the loss of those answers
    assert batch.loss == pytest.approx(expected, rel=1e-4)
    job.step()
    wait_for(job, lambda s: s.state == PAUSED and s.step == 2)
    assert job.last_batch().step == 2 and status.step == 1


def test_stepping_batch_by_batch_gives_the_same_run_as_straight_through(data):
    stepped, straight = TrainingJob(small(), data, SlotManager(2)), TrainingJob(small(), data, SlotManager(2))
    for n in range(1, 5):
        stepped.step()
        wait_for(stepped, lambda s, n=n: s.state == PAUSED and s.step == n)
    straight.start(batches=4)
    wait_for(straight, lambda s: s.state == PAUSED and s.step == 4)
    np.testing.assert_array_equal(stepped.status().loss, straight.status().loss)
    assert_same_weights(stepped.model_snapshot()[1], straight.model_snapshot()[1])


def test_a_slow_pace_waits_between_batches_and_pause_cuts_the_wait_short(data):
    job = TrainingJob(small(epochs=50), data, SlotManager(1))
    job.set_delay(30)  # far longer than the test: only the first batch can run before the pause
    job.start()
    wait_for(job, lambda s: s.step == 1)
    job.pause()
    status = job.status()
    assert status.state == PAUSED and status.step == 1  # pause() returns once the worker left
    job.set_delay(0)
    job.start()
    wait_for(job, lambda s: s.step >= 5)
    job.stop()


def training_pid(job) -> int:
    """The process id of the job's training process (there is one from the first batch to the end of the run)."""
    return job._child.process.pid


def gone(pid: int) -> bool:
    """The process has ended (a zombie that nobody has reaped yet has ended too)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except FileNotFoundError:
        return True


def wait_gone(pid: int, timeout: float = TIMEOUT, reaped: bool = False) -> None:
    """Wait until the process has ended; ``reaped``: until its zombie has been collected too (its pid is free)."""
    deadline = time.monotonic() + timeout
    while not (not Path(f"/proc/{pid}").exists() if reaped else gone(pid)):
        assert time.monotonic() < deadline, f"training process {pid} is still {'there' if reaped else 'alive'}"
        time.sleep(0.02)


ROOT = Path(__file__).resolve().parent.parent


def run_script(path: Path, source: str, **popen) -> subprocess.Popen:
    """``source`` as the ``__main__`` script of a new Python process (it finds the repository by itself)."""
    path.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n" + source)
    return subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, text=True, **popen)


def test_the_training_runs_in_a_child_process_at_a_lower_priority_than_the_server(data, monkeypatch):
    monkeypatch.setattr("ui.common.training.job.WORKER_NICENESS", 10)  # the shipped value
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    job = TrainingJob(small(), data, SlotManager(1))
    job.step()
    wait_for(job, lambda s: s.state == PAUSED and s.step == 1)
    pid = training_pid(job)
    assert pid != os.getpid() and not gone(pid)  # paused: the process keeps the run
    assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    assert os.listdir(f"/proc/{pid}/task") == [str(pid)]  # one thread: no BLAS helper threads
    job.stop()
    wait_gone(pid, reaped=True)


def test_the_training_process_ends_with_its_run_finished_reset_or_dropped_and_is_reaped(data):
    job = TrainingJob(small(), data, SlotManager(1))
    job.step()
    wait_for(job, lambda s: s.state == PAUSED)
    pid = training_pid(job)
    job.start()
    job.join(TIMEOUT)
    assert job.status().state == FINISHED
    wait_gone(pid, reaped=True)
    job.reset()
    job.step()
    wait_for(job, lambda s: s.state == PAUSED)
    pid = training_pid(job)
    job.reset()
    wait_gone(pid, reaped=True)
    assert job.status().state == READY
    job.step()
    wait_for(job, lambda s: s.state == PAUSED)
    pid = training_pid(job)
    del job  # a paused run that nobody holds any more (no stop): its process ends with the job
    gc.collect()
    wait_gone(pid, reaped=True)


def test_the_training_process_ends_within_2_s_when_the_server_is_killed(tmp_path):
    server = run_script(tmp_path / "server.py", """
import time
from cnnviz.mnist import load_mnist
from ui.common.training.job import Dataset, TrainingConfig, TrainingJob
from ui.common.training.slots import SlotManager
train, test = load_mnist("train", "bundled"), load_mnist("test", "bundled")
job = TrainingJob(TrainingConfig(epochs=50, eval_size=100), Dataset(train.images[:320], train.labels[:320],
                  test.images, test.labels, "bundled"), SlotManager(1))
job.set_delay(30)  # the process waits between two batches, as at a lecturer's pace
job.start()
while job.status().step < 1 and job.status().busy:
    time.sleep(0.01)
print(job._child.process.pid, flush=True)
time.sleep(60)
""")
    try:
        pid = int(server.stdout.readline())
        assert not gone(pid)
        server.send_signal(signal.SIGKILL)  # no clean-up at all
        server.wait(TIMEOUT)
        wait_gone(pid, timeout=2)
    finally:
        server.kill()


def test_the_training_process_runs_neither_the_servers_main_script_nor_streamlit_nor_its_environment(tmp_path):
    """multiprocessing's spawn and forkserver re-run the parent's ``__main__`` in every child (an AppTest's
    temporary script in the test suite, app.py in the server). A training process imports only what it needs,
    finds it on the server's path from any directory, and ignores the environment's start-up hooks."""
    marker = tmp_path / "ran.txt"
    hooks = tmp_path / "hooks"  # on PYTHONPATH: a sitecustomize, and a streamlit that the server imports
    hooks.mkdir()
    for name in ("sitecustomize", "streamlit"):
        (hooks / f"{name}.py").write_text(f"open({str(marker)!r}, 'a').write({name!r} + '\\n')\n")
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    server = run_script(tmp_path / "main.py", f"""
import streamlit
from cnnviz.mnist import load_mnist
from ui.common.training.job import Dataset, TrainingConfig, TrainingJob
from ui.common.training.slots import SlotManager
open({str(marker)!r}, 'a').write('main\\n')  # no __main__ guard: run again, this would write a second line
train, test = load_mnist("train", "bundled"), load_mnist("test", "bundled")
job = TrainingJob(TrainingConfig(epochs=1, batch_size=32, eval_size=100), Dataset(train.images[:96],
                  train.labels[:96], test.images, test.labels, "bundled"), SlotManager(1))
job.step()
job.join(30)
job.start()
job.join(30)
print(job.status().state, job.status().step, job.status().error, flush=True)
""", cwd=cwd, env={**os.environ, "PYTHONPATH": str(hooks)})
    out, _ = server.communicate(timeout=TIMEOUT)
    assert out.split() == ["finished", "3", "None"]
    assert marker.read_text().split() == ["sitecustomize", "streamlit", "main"]  # the server's, once each


def test_a_training_process_that_dies_fails_the_run_with_the_reason(data):
    job = TrainingJob(small(epochs=50), data, SlotManager(1))
    job.start()
    wait_for(job, lambda s: s.state == RUNNING and s.step >= 1)
    os.kill(training_pid(job), signal.SIGKILL)  # say, the machine ran out of memory
    job.join(TIMEOUT)
    s = job.status()
    assert s.state == FAILED and s.error == "the training process ended (exit code -9: SIGKILL)"


def test_a_training_process_that_cannot_start_fails_the_run_with_its_exit_code(data, monkeypatch):
    monkeypatch.setattr("ui.common.training.child.BOOT", "import sys; sys.exit(3)")
    job = TrainingJob(small(), data, SlotManager(1))
    job.step()
    job.join(TIMEOUT)
    s = job.status()
    assert s.state == FAILED and s.error == "the training process ended (exit code 3)"


def test_a_run_that_the_training_process_cannot_set_up_fails_with_the_reason(data, monkeypatch):
    from ui.common.training import child

    out_of_memory = """
def _recv_array(conn):
    raise MemoryError("Unable to allocate 179. MiB for an array")
child._recv_array = _recv_array  # say, full MNIST in a small container
"""
    monkeypatch.setattr(child, "BOOT", child.BOOT.replace(
        "from ui.common.training.child import serve\n",
        "from ui.common.training import child\n" + out_of_memory + "serve = child.serve\n"))
    job = TrainingJob(small(), data, SlotManager(1))
    job.step()
    job.join(TIMEOUT)
    s = job.status()
    assert s.state == FAILED and s.error == "MemoryError: Unable to allocate 179. MiB for an array"


def test_a_job_trains_a_network_with_batchnorm_and_dropout_by_its_name(data):
    job = TrainingJob(small(variant="lenet5_mnist+bn+dropout"), data, SlotManager(1))
    job.start(batches=3)
    wait_for(job, lambda s: s.state == PAUSED and s.step == 3)
    model = job.model_snapshot()[1]
    assert model.variant == "lenet5_mnist+bn+dropout"
    assert not np.allclose(model.layers[1].buffers["running_mean"], 0)  # the snapshot carries the statistics


def test_a_held_out_check_that_a_pause_put_off_is_made_on_resuming(data):
    job = TrainingJob(small(epochs=50, batch_size=320, eval_every=1), data, SlotManager(1))  # long batches
    for k in range(6):  # most pauses land inside a batch: the check due after it is put off
        before = job.status().step
        job.start()
        wait_for(job, lambda s, before=before: s.step > before)
        time.sleep(0.004 * k)
        job.pause()
    job.start(batches=1)
    status = wait_for(job, lambda s: s.state == PAUSED)
    assert status.eval_steps.tolist() == list(range(status.step + 1))  # every step checked once, none lost
