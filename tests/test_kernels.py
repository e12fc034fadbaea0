"""Named kernels against their published values, and parsing of typed kernels."""
import math

import numpy as np
import pytest
from scipy import ndimage

from cnnviz.kernels import KERNELS, custom_kernel, parse_kernel
from cnnviz.matrix_text import format_matrix


def test_sobel_is_smoothing_1_2_1_times_difference_1_0_minus_1():
    x, y = KERNELS["sobel"].weights
    np.testing.assert_array_equal(x, np.outer([1, 2, 1], [1, 0, -1]))
    np.testing.assert_array_equal(y, np.outer([1, 0, -1], [1, 2, 1]))


def test_scharr_matches_the_issue_and_the_course():
    x, y = KERNELS["scharr"].weights
    np.testing.assert_array_equal(x, [[3, 0, -3], [10, 0, -10], [3, 0, -3]])
    np.testing.assert_array_equal(y, np.transpose(x))


def test_prewitt_is_the_courses_vertical_and_horizontal_masks():
    x, y = KERNELS["prewitt"].weights
    np.testing.assert_array_equal(x, [[1, 0, -1]] * 3)
    np.testing.assert_array_equal(y, [[1, 1, 1], [0, 0, 0], [-1, -1, -1]])
    np.testing.assert_array_equal(KERNELS["vertical"].weights[0], x)
    np.testing.assert_array_equal(KERNELS["horizontal"].weights[0], y)


def test_roberts_cross_differences_along_the_diagonals():
    x, y = KERNELS["roberts"].weights
    np.testing.assert_array_equal(x, [[1, 0], [0, -1]])
    np.testing.assert_array_equal(y, [[0, 1], [-1, 0]])


def test_simple_difference_masks_as_in_the_issue():
    x, y = KERNELS["difference"].weights
    np.testing.assert_array_equal(x, [[0, 0, 0], [-1, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(y, [[0, -1, 0], [0, 1, 0], [0, 0, 0]])


@pytest.mark.parametrize("name, scipy_filter", [("sobel", ndimage.sobel), ("prewitt", ndimage.prewitt)])
def test_gradient_pairs_agree_with_scipy_up_to_the_documented_sign(name, scipy_filter):
    """scipy's x derivative is right − left; ours (the course's) is left − right."""
    img = np.random.default_rng(0).standard_normal((9, 11))
    x, y = KERNELS[name].weights
    np.testing.assert_allclose(ndimage.correlate(img, x, mode="nearest"), -scipy_filter(img, axis=1, mode="nearest"),
                               atol=1e-12)
    np.testing.assert_allclose(ndimage.correlate(img, y, mode="nearest"), -scipy_filter(img, axis=0, mode="nearest"),
                               atol=1e-12)


def test_laplacian_4_is_scipys_laplace():
    img = np.random.default_rng(1).standard_normal((8, 7))
    np.testing.assert_allclose(ndimage.correlate(img, KERNELS["laplacian4"].weights[0], mode="reflect"),
                               ndimage.laplace(img, mode="reflect"), atol=1e-12)


def test_laplacian_8_and_sharpen_published_forms():
    np.testing.assert_array_equal(KERNELS["laplacian8"].weights[0], [[1, 1, 1], [1, -8, 1], [1, 1, 1]])
    identity = np.zeros((3, 3))
    identity[1, 1] = 1
    np.testing.assert_array_equal(KERNELS["sharpen"].weights[0], identity - KERNELS["laplacian4"].weights[0])


@pytest.mark.parametrize("name, n", [("gaussian3", 3), ("gaussian5", 5)])
def test_gaussian_blurs_are_binomial_coefficients(name, n):
    row = np.array([math.comb(n - 1, k) for k in range(n)], dtype=float) / 2 ** (n - 1)
    np.testing.assert_allclose(KERNELS[name].weights[0], np.outer(row, row), rtol=0, atol=1e-15)


@pytest.mark.parametrize("name", ["box", "gaussian3", "gaussian5"])
def test_blurs_keep_the_average_brightness(name):
    assert KERNELS[name].weights[0].sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("name", ["sobel", "scharr", "prewitt", "roberts", "difference", "laplacian4", "laplacian8"])
def test_edge_kernels_give_zero_on_a_flat_image(name):
    for w in KERNELS[name].weights:
        assert w.sum() == 0


def test_every_kernel_cites_a_source_and_cannot_be_changed():
    for named in KERNELS.values():
        assert named.source.strip()
        for w in named.weights:
            with pytest.raises(ValueError):
                w[0, 0] = 99


@pytest.mark.parametrize("text", [
    "1 0 -1\n2 0 -2\n1 0 -1",
    "1, 0, -1\n2, 0, -2\n1, 0, -1",
    "1 0 -1; 2 0 -2; 1 0 -1",
    "[[1, 0, -1], [2, 0, -2], [1, 0, -1]]",
    "[[ 1.  0. -1.]\n [ 2.  0. -2.]\n [ 1.  0. -1.]]",
    "\n  1 0 −1\n\n 2 0 −2 \n1 0 −1\n",  # typographic minus, as the page prints it; blank lines
])
def test_parse_kernel_accepts_the_ways_people_type_a_matrix(text):
    np.testing.assert_array_equal(parse_kernel(text), [[1, 0, -1], [2, 0, -2], [1, 0, -1]])


def test_parse_kernel_reads_fractions_decimals_and_exponents():
    got = parse_kernel("1/16 .5 -2.5e-1\n+1 0 1e1\n-0 3/4 2")
    np.testing.assert_array_equal(got, [[1 / 16, 0.5, -0.25], [1, 0, 10], [0, 0.75, 2]])


def test_parse_kernel_reads_5x5():
    text = "\n".join(" ".join(str(5 * r + c) for c in range(5)) for r in range(5))
    np.testing.assert_array_equal(parse_kernel(text), np.arange(25).reshape(5, 5))


@pytest.mark.parametrize("text, message", [
    ("1 2 3\n4 5 6\n7 8 x", "row 3, entry 3: 'x' is not a number"),
    ("1 2 3\n4 ,, 6\n7 8 9\n", "row 2 has 2 entries but row 1 has 3"),  # a number left out
    ("1 2 3\n4 5 six\n7 8 9", "row 2, entry 3: 'six' is not a number"),
    ("1 2 3\n4 5 nan\n7 8 9", "row 2, entry 3: 'nan' is not a number"),
    ("1 2 inf\n4 5 6\n7 8 9", "row 1, entry 3: 'inf' is not a number"),
    ("1 2 3\n4 5 1/0\n7 8 9", "row 2, entry 3: '1/0' divides by zero"),
    ("1 2 3\n4 5 1/2/3\n7 8 9", "row 2, entry 3: '1/2/3' is not a number"),
    ("1 2 3\n4 5\n7 8 9", "row 2 has 2 entries but row 1 has 3"),
    ("1 2\n3 4", "the kernel is 2×2; it must be 3×3 or 5×5"),
    ("1 2 3 4\n1 2 3 4\n1 2 3 4", "the kernel is 3×4"),
    ("1 2 3 4\n1 2 3 4\n1 2 3 4\n1 2 3 4", "it must be 3×3 or 5×5"),
    ("", "type the kernel's numbers"),
    ("  \n \n", "type the kernel's numbers"),
])
def test_parse_kernel_errors_point_at_the_bad_entry(text, message):
    with pytest.raises(ValueError) as err:
        parse_kernel(text)
    assert message in str(err.value)


def test_custom_kernel_pair_uses_the_transpose_as_y():
    named = custom_kernel("1 0 -1\n2 0 -2\n1 0 -1", pair=True)
    assert named.is_pair
    np.testing.assert_array_equal(named.weights[1], KERNELS["sobel"].weights[1])
    assert not custom_kernel("0 1 0\n1 -4 1\n0 1 0", pair=False).is_pair


@pytest.mark.parametrize("name", list(KERNELS))
def test_kernel_text_reads_back_exactly(name):
    for w in KERNELS[name].weights:
        if w.shape[0] in (3, 5):
            np.testing.assert_array_equal(parse_kernel(format_matrix(w)), w)


def test_kernel_text_writes_fractions_over_one_denominator():
    assert format_matrix(KERNELS["gaussian3"].weights[0]).split("\n")[0].split() == ["1/16", "2/16", "1/16"]
    assert format_matrix(KERNELS["box"].weights[0]).split() == ["1/9"] * 9
