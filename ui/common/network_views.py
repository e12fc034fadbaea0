"""The architectures page's tables and design comparisons (layout only: numbers from cnnviz, records from
cnnviz.viz.network_tables)."""
from __future__ import annotations

import functools

import pandas as pd
import pyarrow as pa
import streamlit as st

from cnnviz.layer import bottleneck, conv_vs_dense
from cnnviz.locales import t
from cnnviz.networks.comparisons import alexnet_grouping, single_vs_stacked
from cnnviz.viz.network_tables import WARNING, comparison_records, exact_counts, grouping_records, titles
from cnnviz.viz.style import shape_text
from ui.common.text import lang, tr
from ui.schemas.architectures import COMPARISONS

THOUSANDS = ("params", "macs", "activations", "old_params", "new_params")  # counts: thousands separators
SHADES = {"warning": "background-color: #fde2e1", "later": "color: #999"}  # the row that cannot fit, the rows after


def _styled(records: list[dict], note: str):
    def shade(row):
        text = row.get(note) or ""
        return [SHADES["warning"] if text.startswith(WARNING) else SHADES["later"] if text else ""] * len(row)
    return pd.DataFrame(records).style.apply(shade, axis=1)


def show_table(records: list[dict], key: str, layer_width: int | None = None) -> None:
    """Counts with thousands separators; the row that cannot fit shaded red, the rows after it grey.

    Without notes the table goes to Streamlit as an Arrow table built column by column: a pandas DataFrame
    costs ~10× more to build and convert on every rerun, and only the shading needs it (pandas' Styler)."""
    names = titles(lang())
    note, records = names["note"], exact_counts(records)
    shaded = any(r.get(note) for r in records)
    columns = [k for k in (records[0] if records else ()) if shaded or k != note]  # no column of empty notes
    data = _styled(records, note) if shaded else pa.table({k: [r[k] for r in records] for k in columns})
    count = st.column_config.NumberColumn(format="localized")
    config = {names[c]: count for c in THOUSANDS if names[c] in columns}  # (each entry costs a deep copy)
    if names["layer"] in columns:
        config[names["layer"]] = st.column_config.TextColumn(width=layer_width)
    st.dataframe(data, hide_index=True, key=key, height=min(35 * (len(records) + 1) + 3, 640), column_config=config,
                 placeholder="—")


def _tab_labels() -> dict[str, str]:
    return {k: tr(f"arch.compare.{k}.tab") for k in COMPARISONS}


def _tab_picked() -> None:
    """The tab a lecturer opened becomes the ``compare`` setting (an id, not the tab's text)."""
    picked = st.session_state.get(f"arch._tabs.{lang()}")
    st.session_state["arch.compare"] = next((k for k, v in _tab_labels().items() if v == picked), COMPARISONS[0])


def _conv_vs_dense(summary, broken: bool) -> None:
    first = next((r for r in summary.rows if r.kind == "Conv2d"), None)
    if first is None:
        st.info(tr("arch.compare.dense.needs_valid" if broken else "arch.compare.dense.needs_conv"),
                icon=":material/info:")
        return
    conv = first.layer
    c = conv_vs_dense(first.input_shape, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, conv.bias,
                      conv.dilation, conv.groups)
    show_table(comparison_records([(tr("arch.compare.dense.dense"), c.dense.total, c.dense_macs, c.output_shape),
                                   (tr("arch.compare.dense.conv"), c.conv.total, c.conv_macs, c.output_shape)],
                                  lang()), "arch.cmp.dense")
    st.markdown(tr("arch.compare.dense.text", layer=first.name, input=shape_text(first.input_shape),
                   output=shape_text(c.output_shape), conv=f"{c.conv.total:,}", dense=f"{c.dense.total:,}",
                   ratio=f"{c.ratio:,.0f}"))


# The comparisons that depend on nothing but the language: (table records, text), computed once per language
# (AlexNet's two summaries alone cost ~1 ms). The records are shared: read them, never change them.

@functools.cache
def _stacked(language: str) -> tuple[list[dict], str]:
    c = single_vs_stacked(channels=64, size=28)
    return (comparison_records([(t(f"arch.compare.stacked.{k}", language), s.total_params, s.total_macs,
                                 s.output_shape) for k, s in (("one", c.baseline), ("two", c.alternative))], language),
            t("arch.compare.stacked.text", language, saved=f"{c.params_saved:.0%}"))


@functools.cache
def _bottleneck(language: str) -> tuple[list[dict], str]:
    bn = bottleneck(128, 32, 128, 3)
    out = (bn.out_channels, *bn.spatial)
    return (comparison_records([(t("arch.compare.bottleneck.direct", language), bn.direct.total, bn.direct_mults, out),
                                (t("arch.compare.bottleneck.reduced", language), bn.bottleneck_params,
                                 bn.bottleneck_mults, out)], language),
            t("arch.compare.bottleneck.text", language, direct=f"{bn.direct.total:,}",
              reduced=f"{bn.bottleneck_params:,}", saved=f"{bn.saving:.0%}"))


@functools.cache
def _grouping(language: str) -> tuple[list[dict], str]:
    c = alexnet_grouping()
    return (grouping_records(c.alternative, c.baseline, language),
            t("arch.compare.grouping.text", language, old=f"{c.alternative.total_params:,}",
              new=f"{c.baseline.total_params:,}"))


FIXED = {"stacked": _stacked, "bottleneck": _bottleneck, "grouping": _grouping}


def show_comparisons(summary, broken: bool, chosen: str, caption: str = "") -> None:
    """The course's design comparisons, ``chosen`` open; conv vs dense uses this network's first conv, or says
    why it cannot (``broken``: a layer of the network cannot be computed). ``caption``: the caption of what is
    drawn just above, set as a caption in the heading's element (one element, not two).

    Only the open tab is drawn: opening another one reruns the lesson (``on_change``), which draws it then."""
    title = tr("arch.compare.title")
    if caption:
        st.markdown(f":gray[:small[{caption}]]\n\n### {title}")
    else:
        st.subheader(title)
    labels = _tab_labels()  # the key names the language: a switch must not look for the other language's text
    tabs = st.tabs(list(labels.values()), default=labels[chosen], key=f"arch._tabs.{lang()}", on_change=_tab_picked)
    for kind, tab in zip(COMPARISONS, tabs):
        if not tab.open:
            continue
        with tab:
            if kind == "dense":
                _conv_vs_dense(summary, broken)
            else:
                records, text = FIXED[kind](lang())
                show_table(records, f"arch.cmp.{kind}")
                st.markdown(text)
