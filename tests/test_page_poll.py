"""The live poll: an instructor session and several student sessions share one room (the in-process store)."""
from __future__ import annotations

import json

from cnnviz.quiz import make_question, say, written
from ui.common.rooms import MemoryStore
from ui.common.rooms.shared import shared_store
from tests.conftest import assert_no_exception, run_page

PAGE = "ui/lessons/poll.py"


def _histogram(at) -> dict[str, int]:
    bars = [json.loads(c.proto.spec)["data"][0] for c in at.get("plotly_chart")
            if json.loads(c.proto.spec)["data"][0]["type"] == "bar"]
    assert len(bars) == 1
    return dict(zip(bars[0]["x"], bars[0]["y"]))


def _instructor(kind: str = "output_size", level: int = 1):
    at = run_page(PAGE)
    at.selectbox("quiz.poll.kind").select(kind)
    at.slider("quiz.poll.level").set_value(level)
    at.run()
    at.button("quiz.poll.open").click()
    at.run()
    assert_no_exception(at)
    return at


def _room(at):
    code, _ = at.session_state["quiz.poll.host"]
    return shared_store(), code  # the page's store: one per server process


def _send(student, text: str):
    key = next(w.key for w in student.text_input if w.key.endswith(".answer"))
    student.text_input(key).input(text)
    next(b for b in student.button if b.label == "Send my answer").click()
    return student.run()


def test_instructor_sees_the_live_histogram_of_several_students_then_everyone_sees_the_reveal():
    host = _instructor()
    store, code = _room(host)
    assert isinstance(store, MemoryStore)
    assert any(code in m.value for m in host.markdown)  # the big code
    room = store.get(code)
    question = make_question(room.kind, room.seed, room.level)
    right = written(question, question.answer.value)
    wrong = str(question.answer.value + 1)
    students = [run_page(PAGE, query={"room": code.lower()}) for _ in range(4)]  # case does not matter
    for student, text in zip(students, [right, right, wrong, f" {right}.0 "]):
        assert any(say(question.prompt) in m.value for m in student.markdown)
        _send(student, text)
        assert_no_exception(student)
        assert any("Answer sent" in i.value for i in student.info)
        assert not [b for b in student.button if b.label == "Send my answer"]  # one answer per question
    host.run()
    assert _histogram(host) == {right: 3, wrong: 1}  # "5" and " 5.0 " count as one answer
    assert any("Answers so far: **4**" in m.value for m in host.markdown)
    bar = [json.loads(c.proto.spec)["data"][0] for c in host.get("plotly_chart")][-1]
    assert "#2ca02c" not in bar["marker"]["color"]  # the right answer is not marked before the reveal

    host.button("quiz.poll.reveal").click()
    host.run()
    bar = [json.loads(c.proto.spec)["data"][0] for c in host.get("plotly_chart")][-1]
    assert bar["marker"]["color"][bar["x"].index(right)] == "#2ca02c"
    for student, was_right in zip(students, [True, True, False, True]):
        student.run()
        assert_no_exception(student)
        assert bool(student.success) == was_right and bool(student.error) != was_right
        assert any(question.worked.formulas[0] in c.value for c in student.code)  # the worked solution
        assert _histogram(student) == {right: 3, wrong: 1}


def test_reveal_shows_the_right_answer_even_when_nobody_gave_it():
    host = _instructor()
    store, code = _room(host)
    room = store.get(code)
    question = make_question(room.kind, room.seed, room.level)
    _send(run_page(PAGE, query={"room": code}), str(question.answer.value + 3))
    host.button("quiz.poll.reveal").click()
    host.run()
    assert _histogram(host) == {str(question.answer.value + 3): 1, written(question, question.answer.value): 0}


def test_next_question_starts_an_empty_round_that_students_can_answer_again():
    host = _instructor()
    store, code = _room(host)
    student = run_page(PAGE, query={"room": code})
    first = store.get(code)
    _send(student, "1")
    host.selectbox("quiz.poll.kind").select("conv_params")
    host.run()
    host.button("quiz.poll.ask").click()
    host.run()
    assert_no_exception(host)
    room = store.get(code)
    assert (room.round, room.kind) == (first.round + 1, "conv_params")
    assert _histogram(host) == {}
    student.run()
    question = make_question(room.kind, room.seed, room.level)
    assert any(say(question.prompt) in m.value for m in student.markdown)
    _send(student, "12")
    assert store.tally(code, room.round) == {"12": 1}


def test_unreadable_answer_is_explained_and_not_sent():
    host = _instructor()
    store, code = _room(host)
    student = _send(run_page(PAGE, query={"room": code}), "five")
    assert_no_exception(student)
    assert student.warning and store.tally(code, 1) == {}


def test_unknown_or_closed_room_says_so_without_an_error():
    at = run_page(PAGE, query={"room": "ABCDEF"})
    assert_no_exception(at)
    assert any("no open room" in w.value for w in at.warning) and not at.error
    host = _instructor()
    store, code = _room(host)
    host.button("quiz.poll.close").click()
    host.run()
    assert store.get(code) is None
    student = run_page(PAGE, query={"room": code})
    assert any("no open room" in w.value for w in student.warning)


def test_poll_reads_in_korean():
    at = run_page(PAGE, query={"lang": "ko"})
    assert_no_exception(at)
    assert at.title[0].value == "실시간 수업 투표"


def test_unreachable_shared_store_is_explained_on_both_screens(monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CNNVIZ_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    student = run_page(PAGE, query={"room": "ABCDEF"})
    assert_no_exception(student)
    assert any("cannot be reached" in w.value for w in student.warning)
    host = run_page(PAGE)
    host.button("quiz.poll.open").click()
    host.run()
    assert_no_exception(host)
    assert any("cannot be reached" in w.value for w in host.warning) and "quiz.poll.host" not in host.session_state


def test_an_answer_sent_after_the_reveal_is_refused_with_a_reason():
    host = _instructor()
    store, code = _room(host)
    student = run_page(PAGE, query={"room": code})  # the form is on the student's screen …
    host.button("quiz.poll.reveal").click()
    host.run()  # … when the instructor reveals
    _send(student, "3")
    assert_no_exception(student)
    assert store.tally(code, 1) == {}
    assert any("Too late" in w.value for w in student.warning)
