r"""Receptive fields: which input pixels one output pixel can see.

Per axis a field is three integers, in the coordinates of the network's input:

- ``size``: how many input pixels output pixel 0 spans (first to last, padding included);
- ``jump``: how far the field moves when the output index grows by 1 (the product of the strides,
  a.k.a. effective stride);
- ``start``: the input index of the first pixel of output pixel 0's field. It is negative when the
  field reaches into the zero padding.

Output pixel ``i`` sees input indices ``start + i·jump … start + i·jump + size − 1``. Through a window
of span ``k = d(f−1)+1``, stride ``s`` and padding ``p`` (before):

.. math:: size' = size + (k−1)·jump,\qquad jump' = jump·s,\qquad start' = start − p·jump
"""
from __future__ import annotations

from dataclasses import dataclass

from ..shapes import AxisGeometry, Geometry2D


@dataclass(frozen=True)
class AxisField:
    """The receptive field along one axis (rows or columns)."""

    size: int = 1
    jump: int = 1
    start: int = 0

    def through(self, geo: AxisGeometry) -> AxisField:
        """The field after one more sliding window along this axis."""
        return AxisField(self.size + (geo.span - 1) * self.jump, self.jump * geo.stride,
                         self.start - geo.before * self.jump)

    def bounds(self, i: int) -> tuple[int, int]:
        """First and last input index seen by output index ``i`` (inclusive)."""
        first = self.start + i * self.jump
        return first, first + self.size - 1


@dataclass(frozen=True)
class ReceptiveField:
    """The receptive field of one output pixel, per axis."""

    rows: AxisField = AxisField()
    cols: AxisField = AxisField()

    @property
    def size(self) -> tuple[int, int]:
        return self.rows.size, self.cols.size

    @property
    def jump(self) -> tuple[int, int]:
        return self.rows.jump, self.cols.jump

    @property
    def start(self) -> tuple[int, int]:
        return self.rows.start, self.cols.start

    def through(self, geo: Geometry2D) -> ReceptiveField:
        return ReceptiveField(self.rows.through(geo.rows), self.cols.through(geo.cols))


def union(fields) -> ReceptiveField | None:
    """The field of a merge (add / concat): the smallest field covering every branch's field.

    Branches whose fields move at different jumps have no single field of this form: ``None``.
    """
    fields = list(fields)
    if any(f is None for f in fields):
        return None
    axes = []
    for pick in (lambda f: f.rows, lambda f: f.cols):
        parts = [pick(f) for f in fields]
        if len({p.jump for p in parts}) > 1:
            return None
        first = min(p.start for p in parts)
        last = max(p.start + p.size - 1 for p in parts)
        axes.append(AxisField(last - first + 1, parts[0].jump, first))
    return ReceptiveField(*axes)
