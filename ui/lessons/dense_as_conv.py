"""Dense as convolution (FCN, "convolutionalization"): a dense head on a C×H×W map is an H×W convolution and
a 1×1 convolution; on a larger input the same weights give a map of class scores."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from cnnviz import format_number
from cnnviz.fcn import (convolutionalize, dense_scores, example_input, map_shape, map_size_question, random_head,
                        score_map, window_of)
from cnnviz.lesson_snippets import fcn_snippets
from cnnviz.viz.quiz import grids_figure
from ui.common.charts import show_figure
from ui.common.code_panel import code_panel
from ui.common.controls import Lesson, lesson_page
from ui.common.predict import predict_first, question_key
from ui.common.text import error_text, tr
from ui.schemas.dense_as_conv import FcnSettings


def read_settings(lesson: Lesson) -> FcnSettings:
    for names in (("channels", "height", "width", "units", "classes"), ("big_height", "big_width", "stride", "seed")):
        for column, name in zip(st.columns(5), names):
            lesson.widget(name, column)
    lesson.widget("predict")
    return lesson.settings()


def channels_figure(x: np.ndarray, title_id: str) -> dict:
    return grids_figure([(tr(title_id, c=c + 1), x[c]) for c in range(x.shape[0])])


def score_table(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = [tr("fcn.class", k=k + 1) for k in range(len(next(iter(columns.values()))))]
    return pd.DataFrame({name: [format_number(v) for v in values] for name, values in columns.items()}, index=rows)


def show_same(s: FcnSettings, head, conv) -> None:
    """Part 1: on a C×H×W input the dense head and the convolutions give the same scores."""
    st.subheader(tr("fcn.same.heading"))
    n = s.channels * s.height * s.width
    dense_side, conv_side = st.columns(2)
    dense_side.markdown(tr("fcn.same.dense", c=s.channels, h=s.height, w=s.width, n=n, u=s.units, k=s.classes,
                           params=f"{head.params:,}"))
    conv_side.markdown(tr("fcn.same.conv", c=s.channels, h=s.height, w=s.width, u=s.units, k=s.classes,
                          params=f"{conv.params:,}"))
    x = example_input(head.shape, s.seed)
    show_figure(channels_figure(x, "fcn.fig.channel"), key="fcn.small")
    st.dataframe(score_table({tr("fcn.dense"): dense_scores(head, x), tr("fcn.conv"): score_map(conv, x)[:, 0, 0]}))
    st.caption(tr("fcn.same.why"))


def show_map(s: FcnSettings, lesson: Lesson, head, conv) -> None:
    """Part 2: a larger input gives a map of scores; each cell is the dense head on one crop."""
    st.subheader(tr("fcn.map.heading"))
    try:
        oh, ow = map_shape(head, s.big_height, s.big_width, s.stride)
    except ValueError as err:
        st.error(tr("fcn.error.geometry", message=error_text(err)), icon=":material/error:")
        return
    if s.predict and predict_first(map_size_question(head, s.big_height, s.stride),
                                   question_key(FcnSettings.PAGE, s)) is None:
        return
    st.markdown(tr("fcn.map.shape", bh=s.big_height, bw=s.big_width, oh=oh, ow=ow, k=s.classes, stride=s.stride))
    x = example_input((s.channels, s.big_height, s.big_width), s.seed + 1)
    scores = score_map(conv, x, s.stride)  # (K, OH, OW)
    show_figure(grids_figure([(tr("fcn.fig.scores", k=k + 1), scores[k]) for k in range(s.classes)],
                             max_width_px=900), key="fcn.scores")
    step = lesson.widget("step", bounds=(1, oh * ow)) if oh * ow > 1 else 1
    i, j = divmod(step - 1, ow)
    crop = window_of(head, x, (i, j), s.stride)
    st.markdown(tr("fcn.map.cell", row=i + 1, col=j + 1, r0=i * s.stride + 1, r1=i * s.stride + s.height,
                   c0=j * s.stride + 1, c1=j * s.stride + s.width))
    show_figure(channels_figure(crop, "fcn.fig.crop"), key="fcn.crop")
    st.dataframe(score_table({tr("fcn.dense_on_crop"): dense_scores(head, crop), tr("fcn.map_cell"): scores[:, i, j]}))
    code_panel(lambda: fcn_snippets(s.channels, s.height, s.width, s.units, s.classes, s.big_height, s.big_width,
                                    s.stride))


def show(settings: FcnSettings, lesson: Lesson) -> None:
    dense_head = random_head(settings.channels, settings.height, settings.width, settings.units, settings.classes,
                             settings.seed)
    conv_head = convolutionalize(dense_head)
    show_same(settings, dense_head, conv_head)
    show_map(settings, lesson, dense_head, conv_head)


st.title(tr("nav.dense_as_conv.title"))
lesson_page(FcnSettings, "fcn.intro", read_settings, show)
