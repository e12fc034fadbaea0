"""A lesson is a link: every page's settings travel through its URL, and bad links never break a page."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st_

from ui.common.schema import from_link, read_link, write_link
from ui.schemas import SCHEMAS
from tests.conftest import assert_no_exception, run_page, sent_to_player

PAGES = sorted(SCHEMAS)
HOSTILE = ["banana", "-99999", "1e309", "9" * 40, "", "\x00", "1\x00", "nan", "inf", "0x10", "½", "1" * 5000,
           "１", "--1", "1e", "true", "[1]"]


def _charts(at) -> list[dict]:
    players = [sent_to_player(c) for c in at.get("bidi_component") if c.proto.component_name == "cnnviz.player"]
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")] + players


@pytest.mark.parametrize("path", PAGES)
def test_the_sample_lesson_changes_every_setting_and_is_itself_valid(path):
    schema = SCHEMAS[path]
    assert set(schema.SAMPLE) == set(schema.specs()), "SAMPLE must set every field"
    sample = schema.build(schema.SAMPLE)
    assert {k: getattr(sample, k) for k in schema.SAMPLE} == schema.SAMPLE  # nothing clamped away
    assert set(sample.changed()) == set(schema.specs())


@pytest.mark.parametrize("path", PAGES)
def test_every_setting_survives_the_trip_through_its_url_text(path):
    schema = SCHEMAS[path]
    sample = schema.build(schema.SAMPLE)
    back, bad = read_link(schema, write_link(sample))
    assert bad == [] and back == sample


@pytest.mark.parametrize("path", PAGES)
def test_defaults_stay_out_of_the_link(path):
    assert write_link(SCHEMAS[path].build({})) == {}


@pytest.mark.parametrize("path", PAGES)
def test_a_link_opened_in_a_fresh_session_shows_what_the_sender_saw(path):
    schema = SCHEMAS[path]
    sender = run_page(path, **{f"{schema.PAGE}.{k}": v for k, v in schema.SAMPLE.items()})
    assert_no_exception(sender)
    link = dict(sender.query_params)
    assert link == write_link(schema.build(schema.SAMPLE))  # the address bar is the lesson link
    receiver = run_page(path, query=link)
    assert_no_exception(receiver)
    for name, value in schema.SAMPLE.items():
        assert receiver.session_state[f"{schema.PAGE}.{name}"] == value, name
    assert _charts(receiver) == _charts(sender)
    assert not receiver.error and not sender.error


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_values_fall_back_to_the_default_with_a_notice(path, raw):
    schema = SCHEMAS[path]
    for name, spec in schema.specs().items():
        try:
            value = from_link(spec, raw)
        except ValueError:
            continue
        assert schema.build({name: value}) is not None  # accepted values are valid values
    at = run_page(path, query={name: raw for name in schema.specs()} | {"unknown_param": "x"})
    assert_no_exception(at)
    defaults = schema.build({})
    for name in schema.specs():
        value = at.session_state[f"{schema.PAGE}.{name}"]
        try:
            from_link(schema.specs()[name], raw)
        except ValueError:
            assert value == getattr(defaults, name), name


@pytest.mark.parametrize("path", PAGES)
@hyp_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st_.data())
def test_any_garbage_in_any_parameter_gives_a_valid_settings_object(path, data):
    schema = SCHEMAS[path]
    params = data.draw(st_.dictionaries(st_.sampled_from(sorted(schema.specs()) + ["zz"]),
                                        st_.text(max_size=60), max_size=6))
    settings, bad = read_link(schema, params)
    assert isinstance(settings, schema)
    assert schema.build(settings.__dict__) == settings  # valid: building it again changes nothing
    for name in bad:
        assert name in params


@pytest.mark.parametrize("path", PAGES)
def test_a_bad_link_shows_one_notice_naming_the_parameter(path):
    schema = SCHEMAS[path]
    name = sorted(schema.specs())[0]
    at = run_page(path, query={name: "\x00banana"})
    assert_no_exception(at)
    assert any(name in c.value for c in at.caption), [c.value for c in at.caption]
