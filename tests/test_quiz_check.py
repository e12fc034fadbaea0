"""check(): the spellings a class types, the tolerance rule, unreadable input, and the seeded quiz."""
from __future__ import annotations

import numpy as np
import pytest

from cnnviz.errors import CnnvizError
from cnnviz.quiz import KINDS, Answer, Phrase, Question, Worked, check, make_question, make_quiz, say

EMPTY = Worked(Phrase("quiz.receptive_field.explain"), ())


def question(answer: Answer, kind: str = "layer_shape") -> Question:
    return Question(kind, 0, 1, Phrase("quiz.which_kernel.prompt"), answer, EMPTY)


SHAPE = question(Answer("tuple", (3, 3, 8)))
HALF = question(Answer("number", 0.5, 0.005), "pool_value")
COUNT = question(Answer("integer", 62958), "conv_params")


@pytest.mark.parametrize("text", ["3x3x8", "3 × 3 × 8", "(3, 3, 8)", "3X3X8", "[3 3 8]", "3*3*8", " 3,3,8 "])
def test_shape_is_read_in_any_common_spelling(text):
    assert check(SHAPE, text).outcome == "right"


def test_shape_in_channels_first_order_is_wrong_and_says_why():
    v = check(SHAPE, "8x3x3")
    assert v.outcome == "wrong" and v.message.text_id == "quiz.verdict.order_layer_shape"


@pytest.mark.parametrize("text, code", [("3x3", "count"), ("3x3x8x1", "count"), ("3x3.5x8", "not_whole_numbers"),
                                        ("three", "not_whole_numbers"), ("  ", "empty")])
def test_shape_that_cannot_be_read_is_unreadable_not_wrong(text, code):
    v = check(SHAPE, text)
    assert (v.outcome, v.message.text_id) == ("unreadable", f"quiz.verdict.{code}")


@pytest.mark.parametrize("text", ["0.5", ".5", "1/2", "2/4", "0.504", "0.496"])
def test_number_within_the_stated_tolerance_is_right(text):
    assert check(HALF, text).outcome == "right"


@pytest.mark.parametrize("text", ["0.51", "0.49", "-0.5", "1/3"])
def test_number_outside_the_tolerance_is_wrong(text):
    assert check(HALF, text).outcome == "wrong"


@pytest.mark.parametrize("text", ["1/0", "half", "0.5.1", "1//2"])
def test_text_that_is_no_number_is_unreadable(text):
    assert check(HALF, text).outcome == "unreadable"


@pytest.mark.parametrize("text", ["62958", "62,958", "62 958", "62_958", "62958.0"])
def test_whole_number_with_thousands_grouped_is_right(text):
    assert check(COUNT, text).outcome == "right"


def test_fraction_for_a_whole_number_answer_is_wrong_with_its_own_message():
    v = check(COUNT, "62958.5")
    assert v.outcome == "wrong" and v.message.text_id == "quiz.verdict.not_whole"


def test_typographic_minus_is_a_minus():
    q = question(Answer("integer", -3), "conv_cell")
    assert check(q, "−3").right and check(q, "-3").right and not check(q, "3").right


def test_matrix_answer_counts_the_wrong_cells_and_refuses_the_wrong_size():
    q = question(Answer("matrix", np.array([[1.0, 2.0], [3.0, 4.5]]), 0.005), "feature_map")
    assert check(q, "1 2\n3 4.5").right
    assert check(q, "[[1, 2], [3, 9/2]]").right
    v = check(q, "1 2\n3 5")
    assert v.outcome == "wrong" and v.message.params == {"wrong": 1, "total": 4}
    assert check(q, "1 2 3\n4 5 6").outcome == "unreadable"
    assert check(q, "1 x\n3 4").outcome == "unreadable"


def test_choice_is_read_by_key_or_by_its_label_in_either_language():
    q = question(Answer("choice", "laplacian", choices=("sobel_x", "sobel_y", "laplacian")), "which_kernel")
    assert all(check(q, text).right for text in ("laplacian", "Laplacian", "라플라시안"))
    assert check(q, "Sobel x").outcome == "wrong"
    assert say(check(q, "laplacian").message, "ko") == "정답입니다: 라플라시안."  # the label, not the key
    assert check(q, "Scharr").outcome == "unreadable"


def test_check_never_raises_on_what_a_student_types():
    for kind in KINDS:
        q = make_question(kind, 7, 3)
        for text in ("", "💥", "1e999999", "[[", "/", "-", "x", "9" * 400, "1/0", "nan", "inf"):
            assert check(q, text).outcome in ("right", "wrong", "unreadable")


def test_every_verdict_message_reads_in_both_languages():
    for text in ("3x3x8", "8x3x3", "3x3", "abc", ""):
        for lang in ("en", "ko"):
            assert "{" not in say(check(SHAPE, text).message, lang)


def test_quiz_from_one_seed_is_the_same_for_everyone_and_covers_every_kind():
    a, b = make_quiz(2026, 2), make_quiz(2026, 2)
    assert [say(q.prompt) for q in a] == [say(q.prompt) for q in b]
    assert sorted(q.kind for q in a) == sorted(KINDS)
    assert [say(q.prompt) for q in make_quiz(2027, 2)] != [say(q.prompt) for q in a]


def test_unknown_kind_level_or_seed_raise_readable_errors():
    for args, code in ((("size", 1, 1), "unknown_question_kind"), (("output_size", 1, 4), "unknown_level"),
                       (("output_size", -1, 1), "bad_seed"), (("output_size", 1.5, 1), "bad_seed")):
        with pytest.raises(CnnvizError) as info:
            make_question(*args)
        assert info.value.code == code and "{" not in info.value.message("ko")


@pytest.mark.parametrize("stride, padding, dilation, flip", [(1, 0, 1, False), (2, 1, 1, True), (1, 2, 2, False),
                                                            ((2, 1), "same", 1, True)])
def test_question_built_from_page_settings_traces_the_same_cell_as_the_whole_trace(stride, padding, dilation, flip):
    from cnnviz.quiz import conv_cell_question
    from cnnviz.trace import conv2d_steps

    rng = np.random.default_rng(5)
    x, w = rng.integers(-3, 5, (6, 7)).astype(float), rng.integers(-2, 3, (3, 2)).astype(float)
    for whole in conv2d_steps(x, w, np.array([1.5]), stride, padding, dilation, flip):
        q = conv_cell_question(x, w, 1.5, stride, padding, dilation, whole.index, flip)
        step = q.worked.steps[0]
        assert (step.index, step.rows, step.cols, step.equation) == (whole.index, whole.rows, whole.cols,
                                                                     whole.equation)
        assert np.array_equal(step.products, whole.products) and q.answer.value == whole.value


def test_question_about_a_cell_outside_the_output_is_refused_in_words():
    from cnnviz.quiz import conv_cell_question

    with pytest.raises(CnnvizError) as info:
        conv_cell_question(np.zeros((4, 4)), np.ones((3, 3)), cell=(2, 0))
    assert info.value.code == "no_such_cell" and "2" in str(info.value)


def test_flipped_kernel_questions_say_so_and_use_the_flipped_kernel():
    from cnnviz.quiz import conv_cell_question, feature_map_question

    x, w = np.arange(9.0).reshape(3, 3), np.array([[1.0, 0.0], [0.0, 0.0]])
    assert conv_cell_question(x, w, cell=(0, 0), flip=True).answer.value == 4  # the 1 lands bottom-right
    assert conv_cell_question(x, w, cell=(0, 0)).answer.value == 0
    flipped = feature_map_question(x, w, flip=True)
    assert flipped.answer.value.tolist() == [[4, 5], [7, 8]] and "flipped" in say(flipped.prompt)


def test_every_kind_reads_in_korean_with_the_course_terms():
    from tests.test_pages_korean import english_words

    for kind in KINDS:
        for level in (1, 2, 3):
            for seed in range(10):
                q = make_question(kind, seed, level)
                for phrase in (q.prompt, q.worked.explain, q.hint):
                    assert english_words(say(phrase, "ko")) == [], (kind, level, seed, say(phrase, "ko"))
