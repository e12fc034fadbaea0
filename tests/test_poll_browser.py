"""The live poll across two app processes that share one Redis: the instructor on one, a student on the other."""
from __future__ import annotations

import re

import pytest

from tests.conftest import screenshot, streamlit_server, wait_idle
from tests.redis_server import redis_server

pytestmark = pytest.mark.browser


def test_poll_works_across_two_app_processes_sharing_redis(browser, monkeypatch):
    expect = pytest.importorskip("playwright.sync_api").expect
    with redis_server() as url:
        monkeypatch.setenv("CNNVIZ_REDIS_URL", url)
        with streamlit_server("poll-a.log") as server_a, streamlit_server("poll-b.log") as server_b:
            host = browser.new_page(viewport={"width": 1400, "height": 1800})
            host.goto(f"{server_a}/poll", timeout=60_000)
            wait_idle(host)
            host.get_by_role("button", name="Open a room").click()
            code_box = host.locator(".st-key-poll-code")
            expect(code_box).to_have_text(re.compile(r"^\s*[2-9A-Z]{6}\s*$"), timeout=30_000)
            code = code_box.inner_text().strip()

            student = browser.new_page(viewport={"width": 900, "height": 1600})
            student.goto(f"{server_b}/poll?room={code}", timeout=60_000)  # another process: only Redis is shared
            wait_idle(student)
            student.get_by_role("textbox", name="Your prediction").fill("9999")
            student.get_by_role("button", name="Send my answer").click()
            student.get_by_text("Answer sent: 9999").wait_for(timeout=30_000)

            host.get_by_text("Answers so far: 1").wait_for(timeout=30_000)  # the polling fragment saw it
            screenshot(host, "poll-instructor")
            host.get_by_role("button", name="Reveal the answer").click()
            student.get_by_text("Not quite").wait_for(timeout=30_000)  # the reveal reached the other process
            screenshot(student, "poll-student")
            host.close()
            student.close()
