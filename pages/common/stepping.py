"""Few steps play as a browser animation; too many are stepped through with a slider on the server."""
from __future__ import annotations

import streamlit as st


def pick_step(n_steps: int, max_frames: int, key: str, hint: str = "") -> tuple[int, bool]:
    """Return ``(step index to show, animate?)`` and draw the caption (and the slider when needed).

    ``key`` is the session-state key of the 1-based step slider; it is clamped when the number of
    steps shrinks, so a change of settings never leaves it out of range.
    """
    if n_steps <= max_frames:
        st.caption("▶ plays in your browser; drag the step slider under the picture to go through it by hand."
                   + hint)
        return 0, True
    if st.session_state.get(key, 1) > n_steps:
        st.session_state[key] = n_steps
    st.caption(f"{n_steps} output cells are too many to animate: step through them with this slider.{hint}")
    return st.slider("Output cell", 1, n_steps, key=key) - 1, False
