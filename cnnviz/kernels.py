r"""Named image kernels, with where their numbers come from, and parsing of typed kernels.

All kernels are applied by cross-correlation, as a CNN layer applies its weights: the output at a
pixel is the sum of kernel × the pixels under it, kernel not flipped. The gradient pairs are written
as in the course and in Andrew Ng's *Convolutional Neural Networks* lectures (DeepLearning.AI,
"Edge detection example" / "More edge detection"): the x kernel is ``[[1, 0, −1], …]``, so
``Gx = left − right`` and ``Gy = top − bottom``. OpenCV and ``scipy.ndimage.sobel`` use the opposite
sign (right − left); magnitudes agree, directions differ by 180°.

Sources
-------
- Sobel: I. Sobel and G. Feldman, "A 3×3 isotropic gradient operator for image processing", talk at
  the Stanford Artificial Intelligence Project, 1968; smoothing ``[1, 2, 1]`` × difference ``[1, 0, −1]``.
- Scharr: H. Scharr, *Optimale Operatoren in der digitalen Bildverarbeitung*, PhD thesis, Heidelberg,
  2000; B. Jähne, H. Scharr, S. Körkel, "Principles of filter design", *Handbook of Computer Vision and
  Applications* vol. 2, 1999: ``[3, 10, 3]`` × ``[1, 0, −1]``, tuned for rotational accuracy.
- Prewitt: J. M. S. Prewitt, "Object enhancement and extraction", in *Picture Processing and
  Psychopictorics*, Academic Press, 1970: ``[1, 1, 1]`` × ``[1, 0, −1]`` — also the course's vertical
  and horizontal edge masks.
- Roberts cross: L. G. Roberts, *Machine perception of three-dimensional solids*, MIT Lincoln
  Laboratory TR 315, 1963: 2×2 differences along the two diagonals.
- Laplacian (4- and 8-neighbour), box blur, sharpening ``identity − Laplacian``, backward differences:
  R. C. Gonzalez and R. E. Woods, *Digital Image Processing*, 4th ed., sections 3.5–3.6.
- Gaussian blur: binomial approximations ``[1, 2, 1]/4`` and ``[1, 4, 6, 4, 1]/16`` in each direction,
  B. Jähne, *Digital Image Processing*, 6th ed., section 11.4.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import CnnvizError, Either
from .matrix_text import parse_matrix

CUSTOM_SIZES = (3, 5)


def _frozen(rows) -> np.ndarray:
    arr = np.array(rows, dtype=np.float64)
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True)
class NamedKernel:
    """One filter, or a gradient pair ``(x, y)`` whose results combine into magnitude and direction."""

    key: str
    weights: tuple[np.ndarray, ...]  # (fh, fw) each: (x, y) for a gradient pair, (w,) for one filter
    source: str  # where the numbers come from (short citation)

    @property
    def is_pair(self) -> bool:
        return len(self.weights) == 2

    @property
    def size(self) -> tuple[int, int]:
        return self.weights[0].shape


def _pair(key: str, x, source: str) -> NamedKernel:
    x = _frozen(x)
    return NamedKernel(key, (x, _frozen(x.T)), source)


def _single(key: str, w, source: str) -> NamedKernel:
    return NamedKernel(key, (_frozen(w),), source)


_BINOMIAL_5 = np.array([1, 4, 6, 4, 1], dtype=np.float64)
_PREWITT_X = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
_JAEHNE = "binomial filter; Jähne, Digital Image Processing, 11.4"

KERNELS: dict[str, NamedKernel] = {k.key: k for k in (
    _pair("sobel", [[1, 0, -1], [2, 0, -2], [1, 0, -1]], "Sobel & Feldman, Stanford AI Project, 1968"),
    _pair("scharr", [[3, 0, -3], [10, 0, -10], [3, 0, -3]], "Scharr, PhD thesis, Heidelberg, 2000"),
    _pair("prewitt", _PREWITT_X, "Prewitt, Picture Processing and Psychopictorics, 1970"),
    NamedKernel("roberts", (_frozen([[1, 0], [0, -1]]), _frozen([[0, 1], [-1, 0]])),
                "Roberts, MIT Lincoln Laboratory TR 315, 1963"),
    NamedKernel("difference", (_frozen([[0, 0, 0], [-1, 1, 0], [0, 0, 0]]),
                               _frozen([[0, -1, 0], [0, 1, 0], [0, 0, 0]])),
                "backward differences; Gonzalez & Woods, Digital Image Processing, 3.6"),
    _single("vertical", _PREWITT_X, "the course's vertical edge mask (Ng, Convolutional Neural Networks)"),
    _single("horizontal", np.array(_PREWITT_X).T,
            "the course's horizontal edge mask (Ng, Convolutional Neural Networks)"),
    _single("laplacian4", [[0, 1, 0], [1, -4, 1], [0, 1, 0]], "Gonzalez & Woods, Digital Image Processing, 3.6"),
    _single("laplacian8", [[1, 1, 1], [1, -8, 1], [1, 1, 1]], "Gonzalez & Woods, Digital Image Processing, 3.6"),
    _single("box", np.full((3, 3), 1 / 9), "Gonzalez & Woods, Digital Image Processing, 3.5"),
    _single("gaussian3", np.outer([1, 2, 1], [1, 2, 1]) / 16, _JAEHNE),
    _single("gaussian5", np.outer(_BINOMIAL_5, _BINOMIAL_5) / 256, _JAEHNE),
    _single("sharpen", [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], "identity − Laplacian; Gonzalez & Woods, 3.6"),
)}

def parse_kernel(text: str, sizes: tuple[int, ...] = CUSTOM_SIZES) -> np.ndarray:
    """Typed numbers (see ``cnnviz.matrix_text.parse_matrix``) → a square kernel ``(n, n)``, ``n`` in ``sizes``.

    Raises a CnnvizError naming the first bad entry, e.g. ``row 2, entry 3: 'x' is not a number``.
    """
    choices = Either(f"{n}×{n}" for n in sizes)
    if isinstance(text, str) and not text.strip(" \t\n,;[]"):
        raise CnnvizError("kernel_not_typed", sizes=choices)
    w = parse_matrix(text, max_size=max(sizes), what="kernel")
    n_rows, n_cols = w.shape
    if n_rows != n_cols or n_rows not in sizes:
        raise CnnvizError("kernel_wrong_size", rows=n_rows, cols=n_cols, sizes=choices)
    return w


def custom_kernel(text: str, pair: bool) -> NamedKernel:
    """A typed kernel; with ``pair`` its transpose becomes the y kernel (as Sobel's y is its x transposed)."""
    w = parse_kernel(text)
    w.flags.writeable = False
    return NamedKernel("custom", (w, w.T) if pair else (w,), "typed by you")
