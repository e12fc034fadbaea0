"""The documented deployment on loopback: 2 app replicas + nginx + redis-server, students through nginx.

Students are protocol-level websocket clients (bench/st_client.py) that send what Chromium sends. Checks that a
browser stays on one replica, that killing a replica leaves the other's sessions working (and its own students
reconnect to the survivor), and that a live-poll room opened through one replica is answered through the other.
"""
from __future__ import annotations

import asyncio
import re
import shutil
import urllib.request
from collections import Counter

import pytest

from bench.st_client import Student
from deploy.serve import free_port, nginx_binary, nginx_conf, start_nginx, start_redis, start_replica, wait_ok
from tests.conftest import run_in_own_loop

pytestmark = [
    pytest.mark.deployment,
    pytest.mark.skipif(nginx_binary() is None or shutil.which("redis-server") is None,
                       reason="needs Debian's nginx and redis-server (see .ci/run)"),
]


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    """(nginx base URL, {replica address: process}, Redis URL)."""
    pytest.importorskip("redis")
    tmp = tmp_path_factory.mktemp("school")
    redis_port, web_port = free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    procs = [start_redis(tmp, redis_port)]
    replicas = {}
    try:
        for _ in range(2):
            port = free_port()
            replicas[f"127.0.0.1:{port}"] = start_replica(port, "one-secret-for-all", redis_url,
                                                          tmp / f"replica-{port}.log")
        procs += replicas.values()
        for address in replicas:
            wait_ok(f"http://{address}/_stcore/health", timeout=120)
        procs.append(start_nginx(nginx_conf(f"127.0.0.1:{web_port}", list(replicas), tmp / "nginx"), tmp / "nginx"))
        base = f"http://127.0.0.1:{web_port}"
        wait_ok(f"{base}/_stcore/health")
        yield base, replicas, redis_url
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)


def replica_of(student: Student) -> str:
    """Which replica answers this student's plain HTTP requests (nginx names it in a header)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(student.jar))
    with opener.open(f"{student.base}/_stcore/health", timeout=10) as r:
        return r.headers["X-Cnnviz-Replica"].split(",")[-1].strip()


async def _class_of(base: str, n: int) -> list[Student]:
    students = [Student(base, "convolution") for _ in range(n)]
    await asyncio.gather(*(s.open() for s in students))
    return students


def test_a_poll_room_opened_on_one_replica_is_answered_through_the_other(school):
    from ui.common.rooms.redis_store import RedisStore

    base, _, redis_url = school

    async def poll():
        # Open browsers until the instructor and a student sit on different replicas.
        teacher = Student(base, "poll")
        await teacher.open()
        student = None
        for _ in range(20):
            candidate = Student(base, "poll")
            await candidate.open()
            if candidate.replica != teacher.replica:
                student = candidate
                break
            await candidate.close()
        assert student is not None, "twenty browsers all landed on the instructor's replica"
        run = await teacher.rerun(trigger="quiz.poll.open")
        codes = [m.group(1) for text in run.texts for m in [re.search(r">([2-9A-HJ-NP-Z]{6})</div>", text)] if m]
        assert len(codes) == 1, run.texts
        code = codes[0]

        await student.change("quiz.poll.room", code)
        answer = f"quiz.poll.{code}.1.answer"
        assert any(k.endswith(answer) for k in student.states), "the student's replica does not see the room"
        await student.change(answer, "3")
        await student.submit()
        assert sum(RedisStore(redis_url).tally(code, 1).values()) == 1
        await asyncio.gather(teacher.close(), student.close())

    run_in_own_loop(poll())


def test_students_stay_on_one_replica_and_survive_the_other_one_dying(school):
    base, replicas, _ = school

    async def lesson():
        students = await _class_of(base, 8)
        for s in students:  # page, websocket and later requests of one browser: one replica
            assert s.replica in replicas
            assert {replica_of(s) for _ in range(4)} == {s.replica}
        spread = Counter(s.replica for s in students)
        assert len(spread) == 2, spread  # the cookie spreads browsers over both replicas
        for i, s in enumerate(students):
            run = await s.change("conv.stride_h", 2 + i % 2)
            assert run.elements > 10 and s.value("conv.stride_h") == 2 + i % 2

        victim = sorted(replicas)[0]
        replicas[victim].kill()
        replicas[victim].wait(timeout=10)
        survivors = [s for s in students if s.replica != victim]
        for s in survivors:  # sessions on the other replica go on as if nothing happened
            run = await s.change("conv.bias", 2.0)
            assert run.elements > 10 and s.value("conv.bias") == 2.0
        for s in students:
            if s.replica == victim:  # the frontend reconnects: nginx moves the browser to the survivor
                with pytest.raises(Exception):
                    await s.change("conv.bias", 1.0)
                await s.connect()
                assert s.replica != victim and s.replica in replicas
        await asyncio.gather(*(s.close() for s in students))

    run_in_own_loop(lesson())
