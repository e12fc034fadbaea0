"""Predict, then reveal: seeded questions drawn from the engine, and checking what a student types.

``make_question(kind, seed, level) -> Question`` — the same (kind, seed, level) gives the same question on
every machine; ``check(question, text) -> Verdict``; ``make_quiz(seed, level, count)`` — a sequence across
kinds that a whole class gets from one link. Words are text ids (``quiz.*``); :func:`say` writes them out.
"""
from __future__ import annotations

import zlib
from dataclasses import replace

import numpy as np

from ..errors import CnnvizError
from . import cells, counts, sizes, which_kernel
from .answers import check, read_ints, read_number, written
from .counts import conv_params_question, network_params_question
from .cells import conv_cell_question, feature_map_question, pool_cell_question
from .sizes import output_shape_question, output_size_question, transposed_size_question
from .which_kernel import edge_pixel_question
from .records import Answer, Phrase, Question, Verdict, Worked, say

GENERATORS = {
    "output_size": sizes.output_size,
    "conv_cell": cells.conv_cell,
    "feature_map": cells.feature_map,
    "pool_value": cells.pool_value,
    "pool_winner": cells.pool_winner,
    "conv_params": counts.conv_params,
    "dense_params": counts.dense_params_question,
    "bottleneck_params": counts.bottleneck_params,
    "layer_shape": sizes.layer_shape,
    "receptive_field": sizes.receptive_field,
    "transposed_size": sizes.transposed_size,
    "which_kernel": which_kernel.which_kernel,
}
KINDS = tuple(GENERATORS)
LEVELS = (1, 2, 3)


def make_question(kind: str, seed: int, level: int = 1) -> Question:
    """One question of ``kind`` at ``level`` (1 easy … 3 hard), fully determined by ``seed`` (an int ≥ 0)."""
    if kind not in GENERATORS:
        raise CnnvizError("unknown_question_kind", kind=kind, kinds=", ".join(KINDS))
    if level not in LEVELS:
        raise CnnvizError("unknown_level", level=level, levels=", ".join(map(str, LEVELS)))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CnnvizError("bad_seed", seed=repr(seed))
    rng = np.random.default_rng([int(seed), level, zlib.crc32(kind.encode())])
    return replace(GENERATORS[kind](rng, level), seed=int(seed), level=level)


def make_quiz(seed: int, level: int = 1, count: int = len(KINDS)) -> tuple[Question, ...]:
    """``count`` questions, every kind before any repeats, in an order and with numbers fixed by ``seed``."""
    rng = np.random.default_rng([int(seed), level])
    kinds = [KINDS[i] for _ in range(-(-count // len(KINDS))) for i in rng.permutation(len(KINDS))][:count]
    return tuple(make_question(kind, int(rng.integers(2 ** 31)), level) for kind in kinds)


__all__ = ["Answer", "KINDS", "LEVELS", "Phrase", "Question", "Verdict", "Worked", "check", "conv_cell_question",
           "conv_params_question", "edge_pixel_question", "feature_map_question", "make_question", "make_quiz",
           "network_params_question", "output_shape_question", "output_size_question", "pool_cell_question",
           "read_ints", "read_number", "say", "transposed_size_question", "written"]
