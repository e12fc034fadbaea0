"""The course's pooling examples give the course's answers (worked by hand in the comments)."""
import numpy as np

from cnnviz import pool2d
from cnnviz.pool_examples import POOL_EXAMPLES, random_image, with_more_channels
from tests import reference


def run(name, mode="max"):
    ex = POOL_EXAMPLES[name]
    return pool2d(ex.x, ex.size, ex.stride, mode=mode)


def test_dlai_4x4_max_pooling_gives_9_2_6_3():
    assert run("dlai_4x4").tolist() == [[9, 2], [6, 3]]


def test_dlai_4x4_average_pooling_by_hand():
    # (1+3+2+9)/4, (2+1+1+1)/4, (1+3+5+6)/4, (2+3+1+2)/4
    assert run("dlai_4x4", "avg").tolist() == [[3.75, 1.25], [3.75, 2.0]]


def test_dlai_5x5_overlapping_3x3_windows_give_the_course_answer():
    assert run("dlai_5x5").tolist() == [[9, 9, 5], [9, 9, 5], [8, 6, 9]]


def test_cs231n_4x4_max_pooling_gives_6_8_3_4():
    assert run("cs231n_4x4").tolist() == [[6, 8], [3, 4]]


def test_every_example_agrees_with_the_naive_reference_in_every_mode():
    for ex in POOL_EXAMPLES.values():
        for mode in ("max", "avg", "min"):
            expected = reference.pool2d(ex.x, (ex.size, ex.size), (ex.stride, ex.stride), ((0, 0), (0, 0)), mode)
            np.testing.assert_allclose(pool2d(ex.x, ex.size, ex.stride, mode=mode), expected)


def test_the_ties_example_really_has_ties_in_its_windows():
    x = POOL_EXAMPLES["ties_4x4"].x
    windows = [x[r:r + 2, c:c + 2].ravel() for r in (0, 2) for c in (0, 2)]
    assert sum(int((w == w.max()).sum() > 1) for w in windows) >= 2


def test_random_image_is_seeded_whole_numbers_0_to_9():
    a = random_image(3, 5, 6, channels=2)
    assert a.shape == (2, 5, 6) and a.min() >= 0 and a.max() <= 9
    np.testing.assert_array_equal(a, random_image(3, 5, 6, channels=2))
    assert not np.array_equal(a, random_image(4, 5, 6, channels=2))


def test_with_more_channels_keeps_the_image_as_channel_one():
    x = POOL_EXAMPLES["dlai_4x4"].x
    vol = with_more_channels(x, 3, seed=5)
    assert vol.shape == (3, 4, 4)
    np.testing.assert_array_equal(vol[0], x)
    np.testing.assert_array_equal(vol[1:], random_image(5, 4, 4, channels=2))
    assert with_more_channels(x, 1, 0).shape == (1, 4, 4)
