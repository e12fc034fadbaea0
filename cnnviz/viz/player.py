"""Play / pause buttons and a step slider, so a figure's frames play in the browser, not on the server."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class PlayerLabels:
    """The player's words, supplied by the page."""

    play: str = "▶ Play"
    fast: str = "▶▶ Fast"
    pause: str = "❚❚ Pause"
    step: str = "Step "


def buttons_px(texts: Sequence[str], font_px: int = 15) -> float:
    """Roughly how wide a row of buttons with these texts is drawn (wide Hangul counts as one em)."""
    em = sum(1.1 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for text in texts for ch in text)
    return em * font_px + 22 * len(texts)  # + each button's padding and border


def _play(duration_ms: int) -> dict:
    return {"frame": {"duration": duration_ms, "redraw": True}, "fromcurrent": True,
            "transition": {"duration": 0}, "mode": "immediate"}


def add_player(layout: dict, step_labels: Sequence[str], start: int = 0, labels: PlayerLabels = PlayerLabels(),
               durations: tuple[int, int | None] = (900, 250), buttons_pad: int = 70, slider_pad: int = 60,
               slider_x: float = 0.4) -> None:
    """Add the buttons and a slider with one step per frame (frames are named ``"0"``, ``"1"``, …).

    ``durations``: ms per frame for Play and for Fast (``None``: no Fast button). Heatmap frames need
    ``redraw: True``; Pause is ``[[None], …]`` as Plotly documents. The slider starts at ``slider_x`` of
    the plot's width, or further right where longer (translated) button texts would reach under its label.
    """
    normal, fast = durations
    buttons = [{"label": labels.play, "method": "animate", "args": [None, _play(normal)]}]
    if fast is not None:
        buttons.append({"label": labels.fast, "method": "animate", "args": [None, _play(fast)]})
    buttons.append({"label": labels.pause, "method": "animate",
                    "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}]})
    layout["updatemenus"] = [{"type": "buttons", "direction": "left", "x": 0.0, "y": 0, "xanchor": "left",
                              "yanchor": "top", "pad": {"t": buttons_pad}, "showactive": False, "font": {"size": 15},
                              "buttons": buttons}]
    if "width" in layout:
        plot_px = layout["width"] - layout.get("margin", {}).get("l", 80) - layout.get("margin", {}).get("r", 80)
        slider_x = min(0.6, max(slider_x, (buttons_px([b["label"] for b in buttons]) + 40) / plot_px))
    layout["sliders"] = [{
        "active": start, "x": slider_x, "len": 1 - slider_x, "y": 0, "yanchor": "top", "pad": {"t": slider_pad},
        "currentvalue": {"prefix": labels.step, "font": {"size": 15}, "visible": True},
        "steps": [{"label": text, "method": "animate",
                   "args": [[str(n)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                       "transition": {"duration": 0}}]} for n, text in enumerate(step_labels)],
    }]
