"""The quiz page end to end: one link, the same questions, predict → check → reveal → next, score, retry."""
from __future__ import annotations

import pytest

from cnnviz.quiz import make_quiz, say, written
from tests.conftest import assert_no_exception, chart, heatmap_z, run_page

PAGE = "ui/lessons/quiz.py"
LINK = {"seed": "7", "level": "2", "count": "4"}


def _answer(at, question, text: str):
    key = next(w.key for w in list(at.text_input) + list(at.text_area) + list(at.radio)
               if w.key and w.key.endswith(".answer"))
    widget = at.radio(key) if question.answer.form == "choice" else \
        (at.text_area(key) if question.answer.form == "matrix" else at.text_input(key))
    (widget.set_value(text) if question.answer.form == "choice" else widget.input(text))
    next(b for b in at.button if b.label == "Check").click()
    return at.run()


def _typed(question) -> str:
    a = question.answer
    if a.form == "matrix":
        return "\n".join(" ".join(f"{v:g}" for v in row) for row in a.value)
    return a.value if a.form == "choice" else written(question, a.value).replace("−", "-")


def _wrong(question) -> str:
    a = question.answer
    if a.form == "choice":
        return next(c for c in a.choices if c != a.value)
    if a.form == "tuple":
        return "x".join(str(v + 1) for v in a.value)
    if a.form == "matrix":
        return "\n".join(" ".join(f"{v + 1:g}" for v in row) for row in a.value)
    return str(float(a.value) + 7)


def _next(at):
    at.button("quiz.next").click()
    return at.run()


def test_a_seeded_quiz_runs_end_to_end_with_score_and_retry_of_the_wrong_ones():
    quiz = make_quiz(7, 2, 4)
    at = run_page(PAGE, query=LINK)
    assert_no_exception(at)
    plan = [True, False, True, False]
    for question, right in zip(quiz, plan):
        assert any(say(question.prompt) in m.value for m in at.markdown)  # the link's question, in order
        at = _answer(at, question, _typed(question) if right else _wrong(question))
        assert_no_exception(at)
        assert (at.success if right else at.error), "a verdict is shown"
        assert any("Answer:" in m.value for m in at.markdown) or question.answer.form == "matrix"
        at = _next(at)
    assert any("Score: 2 of 4" in h.value for h in at.header)
    assert any("questions 2, 4" in m.value for m in at.markdown)
    at.button("quiz.retry").click()
    at.run()
    for question in (quiz[1], quiz[3]):  # only the wrong ones come back
        assert any(say(question.prompt) in m.value for m in at.markdown)
        at = _next(_answer(at, question, _typed(question)))
    assert any("Score: 4 of 4" in h.value for h in at.header)


def test_the_same_link_gives_another_session_the_same_first_question():
    a, b = run_page(PAGE, query=LINK), run_page(PAGE, query=LINK)
    first = say(make_quiz(7, 2, 4)[0].prompt)
    assert any(first in m.value for m in a.markdown) and any(first in m.value for m in b.markdown)


def test_an_unreadable_answer_is_explained_and_not_counted():
    at = run_page(PAGE, query={"seed": "3", "level": "1", "count": "2"})
    question = make_quiz(3, 1, 2)[0]
    if question.answer.form == "choice":
        pytest.skip("a choice cannot be unreadable")
    at = _answer(at, question, "what?")
    assert_no_exception(at)
    assert at.warning and not at.success and not at.error
    assert at.session_state["quiz.progress"]["results"] == {}


def test_quiz_reads_in_korean():
    at = run_page(PAGE, query=LINK | {"lang": "ko"})
    assert_no_exception(at)
    assert any(say(make_quiz(7, 2, 4)[0].prompt, "ko") in m.value for m in at.markdown)


def test_a_wrong_feature_map_shows_the_gap_as_a_difference_heatmap():
    question = make_quiz(32, 1, 1)[0]
    assert question.kind == "feature_map"
    guess = question.answer.value.copy()
    guess[0, 1] += 2
    at = run_page(PAGE, query={"seed": "32", "level": "1", "count": "1"})
    at = _answer(at, question, "\n".join(" ".join(f"{v:g}" for v in row) for row in guess))
    assert_no_exception(at)
    assert any("1 of 4 cells differ" in e.value for e in at.error)
    difference = chart(at, "quiz.q1.0.difference")
    assert heatmap_z(difference["data"][2]).tolist() == (guess - question.answer.value).tolist()
    assert len(difference["layout"]["shapes"]) == 2  # the wrong cell, boxed in the guess and in the gap
