"""The architectures page's tables and design comparisons (layout only: numbers from cnnviz, records from
cnnviz.viz.network_tables)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from cnnviz.layer import bottleneck, conv_vs_dense
from cnnviz.networks.comparisons import alexnet_grouping, single_vs_stacked
from cnnviz.viz.network_tables import WARNING, comparison_records, exact_counts, grouping_records, titles
from cnnviz.viz.style import shape_text
from pages.common.text import lang, tr
from pages.schemas.architectures import COMPARISONS


def show_table(records: list[dict], key: str, layer_width: int | None = None) -> None:
    """Counts with thousands separators; the row that cannot fit shaded red, the rows after it grey."""
    frame = pd.DataFrame(exact_counts(records))
    note = titles(lang())["note"]
    if note in frame and not frame[note].astype(bool).any():
        frame = frame.drop(columns=note)
    def shade(row):
        text = row.get(note) or ""
        return ["background-color: #fde2e1" if text.startswith(WARNING) else "color: #999" if text else ""] * len(row)
    count = st.column_config.NumberColumn(format="localized")
    config = {titles(lang())[c]: count for c in ("params", "macs", "activations", "old_params", "new_params")}
    config[titles(lang())["layer"]] = st.column_config.TextColumn(width=layer_width)
    st.dataframe(frame.style.apply(shade, axis=1) if note in frame else frame, hide_index=True, key=key,
                 height=min(35 * (len(frame) + 1) + 3, 640), column_config=config, placeholder="—")


def _tab_labels() -> dict[str, str]:
    return {k: tr(f"arch.compare.{k}.tab") for k in COMPARISONS}


def _tab_picked() -> None:
    """The tab a lecturer opened becomes the ``compare`` setting (an id, not the tab's text)."""
    picked = st.session_state.get(f"arch._tabs.{lang()}")
    st.session_state["arch.compare"] = next((k for k, v in _tab_labels().items() if v == picked), COMPARISONS[0])


def show_comparisons(summary, broken: bool, chosen: str) -> None:
    """The course's design comparisons, ``chosen`` open; conv vs dense uses this network's first conv, or says
    why it cannot (``broken``: a layer of the network cannot be computed)."""
    st.subheader(tr("arch.compare.title"))
    labels = _tab_labels()  # the key names the language: a switch must not look for the other language's text
    tabs = st.tabs(list(labels.values()), default=labels[chosen], key=f"arch._tabs.{lang()}", on_change=_tab_picked)
    first = next((r for r in summary.rows if r.kind == "Conv2d"), None)
    with tabs[0]:
        if first is None:
            st.info(tr("arch.compare.dense.needs_valid" if broken else "arch.compare.dense.needs_conv"),
                    icon=":material/info:")
        else:
            conv = first.layer
            c = conv_vs_dense(first.input_shape, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                              conv.bias, conv.dilation, conv.groups)
            show_table(comparison_records([(tr("arch.compare.dense.dense"), c.dense.total, c.dense_macs,
                                            c.output_shape), (tr("arch.compare.dense.conv"), c.conv.total,
                                                              c.conv_macs, c.output_shape)], lang()), "arch.cmp.dense")
            st.markdown(tr("arch.compare.dense.text", layer=first.name, input=shape_text(first.input_shape),
                           output=shape_text(c.output_shape), conv=f"{c.conv.total:,}", dense=f"{c.dense.total:,}",
                           ratio=f"{c.ratio:,.0f}"))
    c = single_vs_stacked(channels=64, size=28)
    with tabs[1]:
        show_table(comparison_records([(tr(f"arch.compare.stacked.{k}"), s.total_params, s.total_macs, s.output_shape)
                                       for k, s in (("one", c.baseline), ("two", c.alternative))], lang()),
                   "arch.cmp.stacked")
        st.markdown(tr("arch.compare.stacked.text", saved=f"{c.params_saved:.0%}"))
    bn = bottleneck(128, 32, 128, 3)
    with tabs[2]:
        out = (bn.out_channels, *bn.spatial)
        show_table(comparison_records([(tr("arch.compare.bottleneck.direct"), bn.direct.total, bn.direct_mults, out),
                                       (tr("arch.compare.bottleneck.reduced"), bn.bottleneck_params,
                                        bn.bottleneck_mults, out)], lang()), "arch.cmp.bottleneck")
        st.markdown(tr("arch.compare.bottleneck.text", direct=f"{bn.direct.total:,}",
                       reduced=f"{bn.bottleneck_params:,}", saved=f"{bn.saving:.0%}"))
    c = alexnet_grouping()
    with tabs[3]:
        show_table(grouping_records(c.alternative, c.baseline, lang()), "arch.cmp.grouping")
        st.markdown(tr("arch.compare.grouping.text", old=f"{c.alternative.total_params:,}",
                       new=f"{c.baseline.total_params:,}"))
