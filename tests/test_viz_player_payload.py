"""The player's payload and palette: what the browser draws equals the frame model, in colour-blind-safe colours."""
from __future__ import annotations

import json

import numpy as np

import cnnviz
from cnnviz.viz import palette
from cnnviz.viz.frames import SPEEDS, convolution_animation, pooling_animation, step_ms
from cnnviz.viz.player_payload import payload


def _animation(lang: str = "en"):
    x = np.array([[1.0, -2.0, 3.0], [0.0, 4.0, -1.0], [2.0, 2.0, 0.0]])
    return convolution_animation(cnnviz.conv2d_trace(x, np.array([[1.0, 0.0], [0.0, -1.0]]), None, 1, 1), lang=lang)


def test_payload_frames_carry_the_frame_models_cells_as_flat_indices():
    animation = _animation()
    data = json.loads(json.dumps(payload(animation), ensure_ascii=False))  # survives JSON as sent
    assert len(data["frames"]) == len(animation.frames) == 16
    width = data["grids"][0]["w"]
    for sent, frame in zip(data["frames"], animation.frames):
        (grid, cells), = sent["window"]
        assert [divmod(k, width) for k in cells] == list(frame.window[0][1])
        out_grid, k = sent["output"]
        assert (out_grid, *divmod(k, data["grids"][out_grid]["w"])) == frame.output
        assert sent["equation"] == frame.equation
    padded = np.zeros((5, 5), dtype=bool)
    padded[[0, -1], :] = padded[:, [0, -1]] = True
    assert data["grids"][0]["padding"] == np.flatnonzero(padded).tolist()


def test_payload_words_follow_the_language():
    korean = payload(_animation("ko"))
    assert korean["grids"][0]["title"] == "입력"
    assert korean["words"]["step"] == "{total}단계 중 {n}단계"


def test_signed_values_use_a_diverging_scale_centred_on_zero():
    lo, hi = -4.0, 4.0
    colours = palette.hex_colours(palette.fills(np.array([[-4.0, 0.0, 4.0, np.nan]]), lo, hi))[0]
    assert colours == ["#2166ac", "#f7f7f7", "#b2182b", palette.BLANK.lower()]
    assert palette.bounds(_animation(), 0) == (-4.0, 4.0)  # symmetric: 0 sits in the middle


def test_every_highlight_has_a_cue_besides_colour_and_okabe_ito_colours():
    styles = [style for _, style in palette.HIGHLIGHTS.values()]
    assert len(set(styles)) == len(styles)
    assert {c for c, _ in palette.HIGHLIGHTS.values()} <= set(palette.OKABE_ITO.values())


def test_gif_palette_holds_every_colour_a_frame_uses():
    assert len(palette.all_colours()) <= 256
    animation = pooling_animation(cnnviz.pool2d_trace(np.arange(16.0).reshape(4, 4), 2))
    used = {tuple(int(v) for v in rgb) for g in range(2)
            for rgb in palette.fills(animation.grids[g].values, *palette.bounds(animation, g)).reshape(-1, 3)}
    assert used <= set(palette.all_colours())


def test_speeds_are_whole_gif_delays():
    assert [step_ms(s) for s in SPEEDS] == [2000, 1000, 500, 250]
    assert all(step_ms(s) % 10 == 0 for s in (0.3, 0.7, 3.0))
