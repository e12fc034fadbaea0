"""Stepped settings (ui/common/controls.py, lesson_page): a step reruns only the stepped widgets and the figures,
drawn in the places the other controls keep for them; a change of another control reruns the whole lesson.
Protocol-level clients (bench/st_client.py) send exactly what the browser sends for each change."""
from __future__ import annotations

import pytest

from bench.st_client import Student, key_of
from tests.conftest import plain, run_in_own_loop

STEPPED = {"convolution": ("conv.bias", "conv.kernel_text"), "pooling": ("pool.stride", "pool.mode"),
           "padding_stride": ("padstride.stride_h", "padstride.padding_mode"),
           "architectures": ("arch.height", "arch.preset"), "volumes": ("volumes.stride", "volumes.source")}


def _id(s: Student, key: str) -> str:
    return next(w for w in s.kinds if key_of(w) == key)


@pytest.mark.parametrize("page", sorted(STEPPED))
def test_a_step_reruns_the_stepped_widgets_and_figures_only(streamlit_url, page):
    stepped, other = STEPPED[page]

    async def visit():
        s = Student(streamlit_url, page)
        first = await s.open()
        inner, outer = s.fragment_of[_id(s, stepped)], s.fragment_of[_id(s, other)]
        assert inner and outer and inner != outer  # the stepped widget is drawn by a fragment of its own
        kinds_before = dict(s.kinds)
        lo, hi, step = s.ranges[_id(s, stepped)]
        now = s.value(stepped)
        now = now[0] if isinstance(now, list) else now
        new = now + step if now + step <= hi else now - step
        run = await s.change(stepped, [float(new)] if s.kinds[_id(s, stepped)] == "slider" else type(now)(new))
        assert s.request_fragment == inner
        assert 0 < run.elements < first.elements  # the other controls and the app around were not redrawn
        assert {key_of(w) for w in s.kinds} == {key_of(w) for w in kinds_before}  # every control still there
        value = s.value(stepped)
        assert (value[0] if isinstance(value, list) else value) == new
        await s.close()

    run_in_own_loop(visit())


def test_a_step_redraws_the_figures_with_the_new_value_and_an_outer_change_reaches_them(streamlit_url):
    async def visit():
        s = Student(streamlit_url, "convolution")
        await s.open()
        run = await s.change("conv.stride_w", 2)  # stepped: the formula follows
        assert any("⌊(6 − 3)/2⌋ + 1 = 2" in plain(t) for t in run.texts), run.texts
        run = await s.change("conv.padding_mode", "full")  # another control: the stepped boxes see it too
        assert any("⌊(6 + 2·2 − 3)/2⌋ + 1 = 4" in plain(t) for t in run.texts), run.texts  # pad 2 a side, stride 2
        await s.close()

    run_in_own_loop(visit())
