"""Does a prepared picture look like a handwritten digit at all? Reasons for a caution beside the prediction.

A network trained on MNIST answers with some digit whatever it is shown. These checks compare the picture
with what MNIST's digits are like, so the page can warn when a photo is clearly something else:

* ``fills_picture`` — the ink's box spans (almost) the whole photo: a scene or a texture, not one digit
  on paper with a margin around it;
* ``too_much_ink`` — more of the 28×28 input is ink than in any digit of MNIST's test set (at most 35 %);
* ``too_little_ink`` — hardly any ink is left (a speck, or an empty page);
* ``unsure`` — the network gives no digit even half of its probability.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .digits import INK_LEVEL, DigitSteps

FILLS = 0.9  # the box covers at least this share of the photo's height and of its width
MAX_INK = 0.35  # share of the 28×28 input at INK_LEVEL or brighter; MNIST's test set: median 0.15, max 0.35
MIN_INK = 0.02
MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class DigitCheck:
    """The measurements and the reasons (codes, see the module docstring) for a caution, if any."""

    box_cover: tuple[float, float]  # share of the photo's height and width inside the ink box
    ink_share: float  # share of the 28×28 input that is ink
    confidence: float  # the network's top probability
    reasons: tuple[str, ...]

    @property
    def looks_like_digit(self) -> bool:
        return not self.reasons


def check_digit(steps: DigitSteps, probabilities: np.ndarray) -> DigitCheck:
    """Check a picture prepared by :func:`cnnviz.digits.preprocess_digit` and the network's answer ``(10,)``."""
    top, bottom, left, right = steps.box
    height, width = steps.ink.shape
    cover = ((bottom - top) / height, (right - left) / width)
    share = float((steps.centred >= INK_LEVEL * 255).mean())
    confidence = float(np.max(probabilities))
    reasons = tuple(code for code, hit in (
        ("fills_picture", min(cover) >= FILLS),
        ("too_much_ink", share > MAX_INK),
        ("too_little_ink", share < MIN_INK),
        ("unsure", confidence < MIN_CONFIDENCE),
    ) if hit)
    return DigitCheck(cover, share, confidence, reasons)
