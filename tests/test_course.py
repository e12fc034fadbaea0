"""The course content: pooling examples give the course's answers (worked by hand in the comments); the one
random generator is seeded, ranged and independent per stream; the demo volumes and the transposed grids."""
import numpy as np
import pytest

from cnnviz import pool2d
from cnnviz.course import (FILTER_STREAM, GRID_VALUES, POOL_EXAMPLES, POOL_STREAM, VOLUME_STREAM, random_filters,
                           random_integers, random_volume, rgb_picture, value_grid, with_more_channels)
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


def test_random_integers_are_seeded_whole_numbers_in_their_range():
    a = random_integers((2, 5, 6), seed=3)
    assert a.shape == (2, 5, 6) and a.dtype.kind == "i" and a.min() >= 0 and a.max() <= 9
    assert set(np.unique(random_integers((40, 40), -2, 3, seed=1))) == {-2, -1, 0, 1, 2, 3}  # both ends reached
    np.testing.assert_array_equal(a, random_integers((2, 5, 6), seed=3))
    assert not np.array_equal(a, random_integers((2, 5, 6), seed=4))


def test_streams_of_one_seed_are_independent_draws():
    draws = [random_integers((6, 6), seed=5, stream=s) for s in (POOL_STREAM, VOLUME_STREAM, FILTER_STREAM)]
    assert not np.array_equal(draws[0], draws[1]) and not np.array_equal(draws[1], draws[2])


def test_a_negative_seed_is_refused_in_words():
    with pytest.raises(ValueError, match="seed"):
        random_integers((2, 2), seed=-1)


def test_with_more_channels_keeps_the_image_as_channel_one():
    x = POOL_EXAMPLES["dlai_4x4"].x
    vol = with_more_channels(x, 3, seed=5)
    assert vol.shape == (3, 4, 4)
    np.testing.assert_array_equal(vol[0], x)
    np.testing.assert_array_equal(vol[1:], random_integers((2, 4, 4), seed=5, stream=POOL_STREAM))
    assert with_more_channels(x, 1, 0).shape == (1, 4, 4)


def test_random_volume_and_filters_use_the_demo_ranges_and_are_seedable():
    x, bank = random_volume(7, 3, 5), random_filters(7, 2, 3, 3)
    assert x.shape == (3, 5, 5) and set(np.unique(x)) <= {0, 1, 2}
    assert bank.w.shape == (2, 3, 3, 3) and set(np.unique(bank.w)) <= {-1, 0, 1}
    assert bank.b.tolist() == [1, 0]
    np.testing.assert_array_equal(x, random_volume(7, 3, 5))
    assert not np.array_equal(x, random_volume(8, 3, 5))


def test_rgb_picture_is_a_small_colour_image_with_a_yellow_sun_top_right():
    img = rgb_picture(8)
    assert img.shape == (3, 8, 8) and img.min() >= 0 and img.max() <= 255
    r, g, b = img[:, 1, 6]
    assert r > 200 and g > 180 and b < 120  # sun
    r, g, b = img[:, 7, 7]
    assert g > r and g > b  # grass


def test_value_grids_count_from_one_from_zero_or_are_ones_or_seeded_random():
    assert value_grid("from_one", 2).tolist() == [[1, 2], [3, 4]]
    assert value_grid("from_zero", 2).tolist() == [[0, 1], [2, 3]]  # d2l.ai's worked example
    assert value_grid("ones", 3).tolist() == [[1] * 3] * 3
    r = value_grid("random", 8, seed=2)
    assert r.shape == (8, 8) and r.min() >= -2 and r.max() <= 3
    np.testing.assert_array_equal(r, value_grid("random", 8, seed=2))
    assert not np.array_equal(r, value_grid("random", 8, seed=2, stream=FILTER_STREAM))
    assert set(GRID_VALUES) == {"from_one", "from_zero", "ones", "random"}
    with pytest.raises(ValueError, match="from_one"):
        value_grid("banana", 2)
