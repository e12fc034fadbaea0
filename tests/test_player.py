"""The player's Python side (ui/common/player.py), through the test-only page under AppTest: what it
sends the browser, the step it returns, and the GIF button."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import assert_no_exception, player_data

PAGE = str(Path(__file__).resolve().parent / "pages" / "player_page.py")


def _run(gif_open: bool = False, **query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    if gif_open:
        at.session_state["demo.gif.open"] = True  # the reader opened "GIF for slides"
    return at.run()


@pytest.mark.parametrize("asked, shown", [("5", 5), ("0", 1), ("999", 16)])
def test_the_step_asked_for_is_sent_clamped_and_returned(asked, shown):
    at = _run(step=asked)
    assert_no_exception(at)
    data = player_data(at, "demo.player")
    assert data["step"] == shown and len(data["payload"]["frames"]) == 16
    assert at.caption[0].value == f"python step: {shown}"


def test_the_gif_choice_is_folded_until_opened_and_offered_in_the_pages_language():
    folded = _run(lang="ko")
    assert_no_exception(folded)
    assert [p.proto.popover.label for p in folded.get("popover")] == ["슬라이드용 GIF"]
    assert not folded.get("download_button") and not folded.radio  # folded: neither widget is drawn
    at = _run(gif_open=True, lang="ko")
    assert_no_exception(at)
    (button,) = at.get("download_button")
    assert button.label == "GIF로 내려받기"
    assert at.radio(key="demo.gif.size").label == "GIF 크기"
    assert player_data(at, "demo.player")["payload"]["words"]["play"] == "재생"


@pytest.mark.parametrize("demo, frames", [("pooling", 9), ("volumes", 32), ("transposed", 4)])
def test_every_kind_of_animation_reaches_the_player(demo, frames):
    at = _run(demo=demo)
    assert_no_exception(at)
    assert len(player_data(at, "demo.player")["payload"]["frames"]) == frames


def test_the_gif_is_not_built_until_the_button_is_clicked(monkeypatch):
    import ui.common.player as player_module

    built = []
    monkeypatch.setattr(player_module, "gif_bytes", lambda *args: built.append(args) or b"GIF89a")
    at = _run(gif_open=True)
    assert_no_exception(at)
    assert at.get("download_button") and built == []  # drawing the page drew no GIF
