"""ui/theme_message.py: every rerun's theme message comes from a memo, byte for byte what Streamlit builds."""
import pytest
from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import app_session

from ui import theme_message

SECTIONS = ["theme"] + [f"theme.{c.value}" for c in config.CustomThemeCategories]


def new_session_theme(populate) -> bytes:
    """The theme part of a new_session message, filled in the order Streamlit fills it."""
    theme = ForwardMsg().new_session.custom_theme
    populate(theme)
    for part in ("light", "dark", "sidebar"):
        populate(getattr(theme, part), f"theme.{part}")
    for part in ("light", "dark"):
        populate(getattr(theme, part).sidebar, f"theme.{part}.sidebar")
    return theme.SerializeToString()


@pytest.fixture
def installed():
    config.get_config_options(force_reparse=True)
    before = app_session._populate_theme_msg
    assert theme_message.install(), "this Streamlit no longer has _populate_theme_msg(msg, section)"
    yield
    app_session._populate_theme_msg = before


def test_install_puts_the_memo_in_streamlits_place_once(installed):
    assert app_session._populate_theme_msg is theme_message.populate_theme_msg
    assert theme_message.install()  # a second run of app.py changes nothing
    assert set(SECTIONS) >= {"theme.light", "theme.dark.sidebar"}


def test_the_theme_is_what_streamlit_builds(installed):
    original = new_session_theme(theme_message._ORIGINAL)  # empty with .streamlit/config.toml: base is sent apart
    assert new_session_theme(theme_message.populate_theme_msg) == original
    assert new_session_theme(theme_message.populate_theme_msg) == original  # from the memo


@pytest.mark.parametrize("option, value", [("theme.primaryColor", "#0072B2"), ("theme.dark.textColor", "#eeeeee"),
                                           ("theme.light.sidebar.backgroundColor", "#fafafa")])
def test_a_changed_theme_option_is_built_again(installed, option, value):
    before = new_session_theme(theme_message.populate_theme_msg)
    old = config.get_option(option)
    config.set_option(option, value)
    try:
        changed = new_session_theme(theme_message.populate_theme_msg)
        assert changed == new_session_theme(theme_message._ORIGINAL) != before
        assert new_session_theme(theme_message.populate_theme_msg) == changed  # from the memo
    finally:
        config.set_option(option, old)
    assert new_session_theme(theme_message.populate_theme_msg) == before


def test_config_files_parsed_again_are_read_again(installed):
    before = new_session_theme(theme_message.populate_theme_msg)
    config.get_config_options(force_reparse=True, options_from_flags={"theme.primaryColor": "#123456"})
    try:
        changed = new_session_theme(theme_message.populate_theme_msg)
        assert changed == new_session_theme(theme_message._ORIGINAL) != before
    finally:
        config.get_config_options(force_reparse=True)
    assert new_session_theme(theme_message.populate_theme_msg) == before
