"""The presenter's player: a small Components v2 element of our own (player.js) that draws the frame
model as SVG and steps through it in the browser, with keys a projector clicker sends.

``player`` returns the current 1-based step, which the browser reports when it changes by hand or on
pause, so a page can put it in the lesson URL; passing a different ``step`` moves the player there.
AppTest cannot run the JavaScript: there the player returns the ``step`` it was given.
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Callable

import streamlit as st

from cnnviz.locales import t
from cnnviz.viz.frames import SPEEDS, Animation, step_ms
from cnnviz.viz.player_payload import payload
from cnnviz.viz.raster import SIZES, gif_bytes

_CSS = """
.player { font-family: inherit; color: var(--st-text-color, #111); outline: none; }
.player:focus-visible { box-shadow: 0 0 0 3px #0072B2; border-radius: 8px; }
.bar { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; font-size: 1.1rem; }
.bar button { font: inherit; font-size: 1.15rem; min-width: 2.6rem; padding: 0.25rem 0.8rem; border-radius: 8px;
              cursor: pointer; border: 1px solid var(--st-border-color, #bbb);
              background: var(--st-secondary-background-color, #f0f2f6); color: inherit; }
.bar button:focus-visible, .bar select:focus-visible, .bar input:focus-visible { outline: 3px solid #0072B2; }
.bar select, .bar input { font: inherit; font-size: 1.1rem; padding: 0.15rem 0.3rem; border-radius: 6px; }
.bar input.jump { width: 4.5rem; }
.status { font-size: 1.35rem; font-weight: 700; margin-left: auto; padding-right: 0.5rem; }
svg.board { display: block; width: 100%; height: auto; max-height: 62vh; }
.presenter .keys { display: none; }
svg.board text { font-family: "Noto Sans KR", "Noto Sans CJK KR", "NanumGothic", sans-serif; }
svg.board text.title { font-size: 0.45px; font-weight: 700; fill: currentColor; }
svg.board text.product { font-weight: 700; fill: #111; paint-order: stroke; stroke: #fff; stroke-width: 0.08px; }
svg.board g.cell { cursor: pointer; }
.equation { font-size: 1.6rem; line-height: 1.35; margin: 0.3rem 0; text-align: center; overflow-wrap: anywhere; }
.caption, .keys { font-size: 1.05rem; color: #555; text-align: center; }
"""
_PLAYER = st.components.v2.component("cnnviz.player", html='<div class="player" tabindex="0"></div>', css=_CSS,
                                     js=Path(__file__).with_name("player.js").read_text(encoding="utf-8"))


def _state(key: str, name: str):
    state = st.session_state.get(key)
    return state.get(name) if hasattr(state, "get") else getattr(state, name, None)


@functools.lru_cache(maxsize=32)
def _prepared(animation: Animation) -> tuple[bytes, str]:
    """The payload as UTF-8 JSON and a short signature of it, once per animation object (a page that caches its
    animation pays for neither on a rerun)."""
    encoded = json.dumps(payload(animation), ensure_ascii=False, separators=(",", ":")).encode()
    return encoded, hashlib.sha1(encoded).hexdigest()[:16]


def _data(encoded: bytes, **rest) -> bytes:
    """What the browser gets, as bytes: Streamlit forwards bytes as they are and keys the element on their hash,
    where a dict would be JSON-encoded twice on every rerun (once sorted, for the element's identity)."""
    return b'{"payload":' + encoded + b"," + json.dumps(rest, separators=(",", ":")).encode()[1:]


def player(animation: Animation, key: str, step: int = 1, speed: float = 1.0, presenter: bool = False,
           on_step: Callable[[int], None] | None = None) -> int:
    """Draw ``animation`` in the player; return the current 1-based step.

    ``step`` (1-based, clamped to the frames) is where the player goes when it differs from what the
    page last asked; ``speed`` is one of ``frames.SPEEDS``. ``presenter`` lets the figure take more
    of the screen height (with the app's presenter layout). ``on_step(n)`` runs before the rerun that
    a step change in the browser causes (e.g. to put the step into the lesson's settings).
    """
    total = len(animation.frames)
    step = min(max(int(step), 1), total)
    encoded, signature = _prepared(animation)
    result = _PLAYER(key=key, data=_data(encoded, signature=signature, step=step,
                                         speed=speed if speed in SPEEDS else 1.0, key=key.replace(".", "-"),
                                         presenter=presenter),
                     default={"step": step, "speed": speed},
                     on_step_change=(lambda: on_step(int(_state(key, "step")))) if on_step else (lambda: None),
                     on_speed_change=lambda: None)
    reported = getattr(result, "step", None)
    return min(max(int(reported), 1), total) if isinstance(reported, (int, float)) else step


def speed_of(key: str, default: float = 1.0) -> float:
    """The speed the player ``key`` plays at now (chosen in the browser), so its GIF can match it."""
    speed = _state(key, "speed")
    return float(speed) if speed in SPEEDS else default


def gif_download(animation: Animation, key: str, speed: float = 1.0, name: str = "animation") -> None:
    """A "GIF for slides" button that opens a size choice and a download button; the GIF is drawn only when
    the download is clicked, at the player's speed. The choice is drawn only while open: folded, it costs each
    rerun one element instead of two widgets (bench/rerun_cost.py)."""
    lang = animation.lang
    popover = st.popover(t("player.gif_open", lang), icon=":material/gif_box:", key=f"{key}.open", on_change="rerun")
    if not popover.open:
        return
    with popover:
        size = st.radio(t("player.gif_size", lang), list(SIZES), horizontal=True, key=f"{key}.size",
                        format_func=lambda s: f"{SIZES[s][0]}×{SIZES[s][1]}")
        st.download_button(t("player.gif", lang), data=lambda: gif_bytes(animation, step_ms(speed), size),
                           file_name=f"{name}-{SIZES[size][0]}x{SIZES[size][1]}.gif", mime="image/gif",
                           key=f"{key}.download", help=t("player.gif_help", lang), icon=":material/download:",
                           on_click="ignore")
