"""The caution beside a prediction: MNIST digits pass, pictures that are clearly no digit are flagged."""
from __future__ import annotations

import numpy as np
import pytest

from cnnviz.digit_check import check_digit
from cnnviz.digits import preprocess_digit
from cnnviz.mnist import load_mnist

SURE = np.eye(10)[3] * 0.9 + 0.01  # a confident answer, 90 % on "3"


def photo_of(digit: np.ndarray, scale: int = 8, margin: int = 60) -> np.ndarray:
    """A digit as a photo would show it: dark ink on light paper, enlarged, with paper around it."""
    big = np.kron(255 - digit.astype(np.int64), np.ones((scale, scale))).astype(np.uint8)
    return np.pad(big, margin, constant_values=255)


def test_photos_of_mnist_digits_get_no_caution():
    images = load_mnist("test", "bundled").images[:60]
    flagged = [i for i, image in enumerate(images) if check_digit(preprocess_digit(photo_of(image)), SURE).reasons]
    assert flagged == []


def blurred_noise(rng, shape=(200, 300)) -> np.ndarray:
    """A stand-in for a photo of a scene: light and dark patches all over (noise summed along both axes)."""
    field = np.cumsum(np.cumsum(rng.standard_normal(shape), axis=0), axis=1)
    return (field - field.min()) / (field.max() - field.min()) * 255


@pytest.mark.parametrize("name", ["scene", "checkerboard", "blocks"])
def test_scenes_and_textures_that_fill_the_picture_are_flagged(name):
    rng = np.random.default_rng(0)
    picture = {
        "scene": blurred_noise(rng),
        "checkerboard": (np.indices((200, 300)).sum(axis=0) // 20) % 2 * 255,
        "blocks": np.kron(rng.integers(0, 2, (10, 15)), np.ones((20, 20))) * 255,
    }[name].astype(np.uint8)
    check = check_digit(preprocess_digit(picture), SURE)
    assert "fills_picture" in check.reasons and not check.looks_like_digit
    assert min(check.box_cover) >= 0.9


def test_a_picture_that_is_mostly_ink_is_flagged_for_too_much_ink():
    blot = np.full((200, 200), 255, np.uint8)
    blot[40:160, 40:160] = 0  # a solid dark square on paper: ink everywhere inside its box
    check = check_digit(preprocess_digit(blot), SURE)
    assert "too_much_ink" in check.reasons and check.ink_share > 0.35


def test_an_unsure_network_is_a_reason_for_a_caution_on_its_own():
    steps = preprocess_digit(photo_of(load_mnist("test", "bundled").images[0]))
    check = check_digit(steps, np.full(10, 0.1))
    assert check.reasons == ("unsure",) and check.confidence == pytest.approx(0.1)
    assert check_digit(steps, SURE).looks_like_digit
