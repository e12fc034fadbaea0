"""The frame model as the compact JSON the browser player (ui/common/player.js) draws.

Numbers arrive as the texts people read and cells as their fill colours, both computed here, so the
player, the GIF and the tests agree on every number and colour. Cells are flat indices ``r·W + c``.
"""
from __future__ import annotations

import numpy as np

from ..locales import t
from ..trace import format_number
from . import palette
from .frames import SPEEDS, TITLE, Animation, step_ms


def _texts(values: np.ndarray) -> list[str]:
    return [format_number(v) if np.isfinite(v) else "" for v in np.ravel(values)]


def _fills(values: np.ndarray, bounds) -> list[str]:
    return [c for row in palette.hex_colours(palette.fills(values, *bounds)) for c in row]


def _dark(values: np.ndarray, bounds) -> list[int]:
    return [int(d) for d in np.ravel(palette.text_colours(palette.fills(values, *bounds)))]


def payload(animation: Animation) -> dict:
    """Everything the player draws: grids, frames, colours and its words in the animation's language."""
    lang = animation.lang
    bounds = [palette.bounds(animation, g) for g in range(len(animation.grids))]
    grids = []
    for n, g in enumerate(animation.grids):
        grids.append({"title": g.title, "x": g.x, "y": g.y, "h": g.shape[0], "w": g.shape[1],
                      "text": _texts(g.values), "fill": _fills(g.values, bounds[n]), "dark": _dark(g.values, bounds[n]),
                      "padding": np.flatnonzero(g.padding).tolist(), "unreached": np.flatnonzero(g.unreached).tolist(),
                      "reveal": None if g.reveal is None else g.reveal.ravel().tolist()})
    frames = []
    for f in animation.frames:
        width = {g: animation.grids[g].shape[1] for g in range(len(animation.grids))}
        frames.append({
            "index": list(f.index), "equation": f.equation,
            "window": [[g, [r * width[g] + c for r, c in cells]] for g, cells in f.window],
            "output": [f.output[0], f.output[1] * width[f.output[0]] + f.output[2]],
            "winner": None if f.winner is None else [f.winner[0], f.winner[1] * width[f.winner[0]] + f.winner[2]],
            "products": [[g, r * width[g] + c, p] for g, r, c, p in f.products],
            "updates": [[g, _texts(v), _fills(v, bounds[g]), _dark(v, bounds[g])] for g, v in f.updates]})
    names = ("first", "previous", "next", "last", "play", "pause", "speed", "jump", "keys")
    words = {k: t(f"player.{k}", lang) for k in names}
    words["step"] = t("player.step", lang, n="{n}", total="{total}")
    words["cell"] = t("player.cell_hover", lang, row="{row}", col="{col}", i="{i}", j="{j}")
    return {"board": {"width": animation.size[0], "height": animation.size[1], "title": TITLE},
            "grids": grids, "frames": frames, "caption": animation.caption, "words": words,
            "speeds": [[s, step_ms(s)] for s in SPEEDS],
            "colours": {"window": palette.HIGHLIGHTS["window"][0], "output": palette.HIGHLIGHTS["output"][0],
                        "winner": palette.HIGHLIGHTS["winner"][0], "padding": palette.PADDING,
                        "padding_text": palette.PADDING_TEXT, "unreached": palette.UNREACHED,
                        "text": palette.TEXT, "text_on_dark": palette.TEXT_ON_DARK}}
