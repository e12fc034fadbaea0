"""The architectures page's tables as plain records in the reader's language: layers, edited rows, comparisons.

Every number comes from ``cnnviz.networks`` (``summarize``, ``summarize_table``) or ``cnnviz.layer``; this
module only lays it out. Column titles are ``arch.col.<id>`` and cell words ``arch.cell.*`` in the catalogue.
Counts stay ints (the page formats them); a count beyond 64 bits becomes exact text (:func:`exact_counts`).
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

from ..errors import CnnvizError
from ..locales import t
from .networks import field_text
from .style import shape_text

LAYER_COLUMNS = ("layer", "type", "output", "params", "macs", "activations", "field", "note")
RESULT_COLUMNS = ("row", "layer", "output", "params", "macs", "activations", "field", "note")
COUNTS = ("params", "macs", "activations")
WARNING = "⚠ "  # a note that starts with it marks the row that cannot fit


@functools.cache  # every table of every rerun asks
def titles(lang: str) -> Mapping[str, str]:
    """Column id → its title."""
    return MappingProxyType({c: t(f"arch.col.{c}", lang)
                             for c in (*RESULT_COLUMNS, "type", "groups_2012", "old_params", "new_params")})


def reason_text(reason: str, cause, lang: str) -> str:
    """Why a layer cannot work, in ``lang`` when the engine's error carries its code."""
    return cause.message(lang) if isinstance(cause, CnnvizError) else reason


def _titled(records: list[dict], lang: str) -> list[dict]:
    names = titles(lang)
    return [{names[k]: v for k, v in r.items()} for r in records]


def layer_records(rows, lang: str, error=None, skipped=()) -> list[dict]:
    """One record per summary row (folded or not); then the layer that cannot fit and the ones skipped."""
    jump = t("arch.cell.jump", lang)
    records = [{"layer": r.name,
                "type": (t("arch.cell.block", lang) if r.kind == "Sequential" else r.kind)
                + (" · " + t("arch.cell.layers", lang, count=r.count) if r.count > 1 else ""),
                "output": shape_text(r.output_shape), "params": r.params, "macs": r.macs,
                "activations": r.activations, "field": field_text(r.rf, jump), "note": ""} for r in rows]
    if error is not None:
        name, reason = error
        records.append(dict.fromkeys(LAYER_COLUMNS, None) | {"layer": name, "type": "", "output": "—",
                                                               "field": "—", "note": WARNING + reason})
        records += [dict.fromkeys(LAYER_COLUMNS, None) | {"layer": n, "type": "", "output": "—", "field": "—",
                                                          "note": t("arch.cell.not_computed", lang)}
                    for n in skipped]
    return _titled(records, lang)


def result_records(result, lang: str) -> list[dict]:
    """One record per edited table row (``summarize_table``'s result): its output and counts, or why not."""
    jump = t("arch.cell.jump", lang)
    notes = {"skipped": t("arch.cell.not_computed", lang), "empty": t("arch.cell.empty_row", lang)}
    records = []
    for r in result.rows:
        out = r.result
        note = WARNING + reason_text(r.reason, r.cause, lang) if r.status == "error" else notes.get(r.status, "")
        records.append({"row": r.index + 1, "layer": r.name or "—",
                        "output": shape_text(out.output_shape) if out else "—",
                        "params": out.params if out else None, "macs": out.macs if out else None,
                        "activations": out.activations if out else None,
                        "field": field_text(out.rf, jump) if out else "—", "note": note})
    return _titled(records, lang)


def comparison_records(entries, lang: str) -> list[dict]:
    """``entries``: ``(name, params, macs, output shape)`` per design; a table of two rows."""
    names = titles(lang)
    return [{"": name, names["params"]: params, names["macs"]: macs, names["output"]: shape_text(shape)}
            for name, params, macs, shape in entries]


def grouping_records(old, new, lang: str) -> list[dict]:
    """AlexNet 2012 (grouped) vs torchvision, per layer that holds parameters."""
    names = titles(lang)
    before = {r.name: r for r in old.rows if r.params}
    after = {r.name: r for r in new.rows if r.params}
    return [{names["layer"]: name, names["groups_2012"]: getattr(before[name].layer, "groups", 1),
             names["old_params"]: before[name].params, names["new_params"]: after[name].params} for name in before]


def exact_counts(records: list[dict]) -> list[dict]:
    """Counts beyond 64 bits (a dense layer on a 4096×4096×4096 input) as exact text: a table cannot carry
    such integers as numbers. The whole column turns to text, so it keeps one type."""
    big = {k for r in records for k, v in r.items() if isinstance(v, int) and abs(v) >= 2**63}
    return [{k: (f"{v:,}" if k in big and isinstance(v, int) else v) for k, v in r.items()} for r in records]
