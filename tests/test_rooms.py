"""Live-poll rooms: one behaviour suite, run against the in-process store and a real redis-server."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from ui.common.rooms import ALPHABET, Limits, MemoryStore, RoomError, normal_code, room_store
from tests.redis_server import redis_server

TTL = 0.5  # seconds: short, so that the Redis store's real expiry can be waited for


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture(params=["memory", "redis"])
def make_store(request):
    """``make_store(**limits) -> (store, wait)``; ``wait(seconds)`` lets time pass for that store."""
    if request.param == "memory":
        clock = FakeClock()

        def make(**limits):
            return MemoryStore(Limits(ttl=TTL, **limits), clock)

        def wait(seconds):
            clock.now += seconds
        yield make, wait
        return
    url = request.getfixturevalue("redis_url")
    import redis

    redis.Redis.from_url(url).flushdb()
    from ui.common.rooms.redis_store import RedisStore

    yield (lambda **limits: RedisStore(url, Limits(ttl=TTL, **limits))), time.sleep


def test_open_room_has_a_short_unambiguous_code_and_starts_hidden_on_round_one(make_store):
    make, _ = make_store
    store = make()
    room, host = store.open("output_size", 42, 2)
    assert len(room.code) == 6 and set(room.code) <= set(ALPHABET)
    assert store.get(room.code) == room
    assert (room.kind, room.seed, room.level, room.round, room.revealed) == ("output_size", 42, 2, 1, False)
    assert host and host != room.code
    assert store.get(normal_code(f" {room.code.lower()} ")) == room


def test_codes_are_not_predictable(make_store):
    make, _ = make_store
    store = make()
    codes = {store.open("output_size", 1, 1)[0].code for _ in range(40)}
    assert len(codes) == 40


def test_one_answer_per_session_per_question(make_store):
    make, _ = make_store
    store = make()
    room, host = store.open("output_size", 1, 1)
    assert store.answer(room.code, 1, "session-a", "4") is True
    assert store.answer(room.code, 1, "session-a", "5") is False  # a second try does not count
    assert store.answer(room.code, 1, "session-b", "5") is True
    assert store.tally(room.code, 1) == {"4": 1, "5": 1}
    store.next_question(room.code, host, "conv_params", 2, 1)
    assert store.answer(room.code, 2, "session-a", "7") is True  # a new question, a new answer
    assert store.tally(room.code, 2) == {"7": 1}


def test_answer_to_a_question_the_instructor_has_left_is_refused(make_store):
    make, _ = make_store
    store = make()
    room, host = store.open("output_size", 1, 1)
    store.next_question(room.code, host, "output_size", 2, 1)
    with pytest.raises(RoomError) as info:
        store.answer(room.code, 1, "late", "4")
    assert info.value.code == "round_over"


def test_no_answers_once_the_answer_is_revealed(make_store):
    make, _ = make_store
    store = make()
    room, host = store.open("output_size", 1, 1)
    store.answer(room.code, 1, "early", "4")
    store.reveal(room.code, host)
    with pytest.raises(RoomError) as info:
        store.answer(room.code, 1, "late", "5")
    assert info.value.code == "revealed"
    assert store.tally(room.code, 1) == {"4": 1}


def test_only_the_host_key_moves_reveals_or_closes_the_room(make_store):
    make, _ = make_store
    store = make()
    room, host = store.open("output_size", 1, 1)
    for action in (lambda k: store.reveal(room.code, k), lambda k: store.next_question(room.code, k, "x", 1, 1),
                   lambda k: store.close(room.code, k)):
        with pytest.raises(RoomError) as info:
            action("not-the-key")
        assert info.value.code == "not_host"
    assert store.reveal(room.code, host).revealed is True
    moved = store.next_question(room.code, host, "pool_value", 9, 3)
    assert (moved.kind, moved.seed, moved.level, moved.round, moved.revealed) == ("pool_value", 9, 3, 2, False)
    store.close(room.code, host)
    assert store.get(room.code) is None


def test_rooms_expire_unless_the_instructor_acts(make_store):
    make, wait = make_store
    store = make()
    idle, _ = store.open("output_size", 1, 1)
    busy, host = store.open("output_size", 1, 1)
    store.answer(idle.code, 1, "s", "4")
    wait(TTL * 0.6)
    store.reveal(busy.code, host)  # the instructor's action keeps the room
    wait(TTL * 0.6)
    assert store.get(idle.code) is None
    assert store.tally(idle.code, 1) == {}
    assert store.get(busy.code) is not None
    with pytest.raises(RoomError) as info:
        store.answer(idle.code, 1, "t", "4")
    assert info.value.code == "no_room"


def test_cap_on_open_rooms_frees_up_when_rooms_expire(make_store):
    make, wait = make_store
    store = make(max_rooms=3)
    for _ in range(3):
        store.open("output_size", 1, 1)
    with pytest.raises(RoomError) as info:
        store.open("output_size", 1, 1)
    assert info.value.code == "rooms_full"
    wait(TTL * 1.2)
    store.open("output_size", 1, 1)


def test_cap_on_answers_and_on_answer_length(make_store):
    make, _ = make_store
    store = make(max_answers=2, max_answer_length=10)
    room, _ = store.open("output_size", 1, 1)
    store.answer(room.code, 1, "a", "1")
    store.answer(room.code, 1, "b", "1")
    with pytest.raises(RoomError) as info:
        store.answer(room.code, 1, "c", "1")
    assert info.value.code == "answers_full"
    with pytest.raises(RoomError) as info:
        store.answer(room.code, 1, "a", "x" * 11)
    assert info.value.code == "too_long"


def test_concurrent_answers_from_many_threads_count_once_each_and_respect_the_cap(make_store):
    make, _ = make_store
    store = make(max_answers=60)
    room, _ = store.open("output_size", 1, 1)
    results, start = [], threading.Barrier(40)

    def student(i):
        start.wait()
        for attempt in range(3):  # each session tries three times: one counts
            try:
                results.append((i, store.answer(room.code, 1, f"session-{i}", str(i % 4))))
            except RoomError as err:
                results.append((i, err.code))

    threads = [threading.Thread(target=student, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for _, r in results if r is True) == 40
    assert store.tally(room.code, 1) == {str(k): 10 for k in range(4)}
    crowd = make(max_answers=25)
    room, _ = crowd.open("output_size", 1, 1)
    outcomes = []
    threads = [threading.Thread(target=lambda i=i: outcomes.append(_try(crowd, room.code, i))) for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(True) == 25 and outcomes.count("answers_full") == 35
    assert sum(crowd.tally(room.code, 1).values()) == 25


def _try(store, code, i):
    try:
        return store.answer(code, 1, f"s{i}", "4")
    except RoomError as err:
        return err.code


def test_room_record_holds_only_its_code_question_and_state(make_store):
    make, _ = make_store
    store = make()
    room, _ = store.open("output_size", 1, 1)
    store.answer(room.code, 1, "token", "4")
    assert set(vars(room)) == {"code", "kind", "seed", "level", "round", "revealed"}


def test_environment_picks_the_store(monkeypatch, redis_url):
    monkeypatch.delenv("CNNVIZ_REDIS_URL", raising=False)
    assert isinstance(room_store(), MemoryStore)
    monkeypatch.setenv("CNNVIZ_REDIS_URL", redis_url)
    from ui.common.rooms.redis_store import RedisStore

    store = room_store()
    assert isinstance(store, RedisStore)
    room, _ = store.open("output_size", 1, 1)
    assert room_store().get(room.code) == room  # a second client (another app process) sees the same room


def test_unreachable_redis_is_a_room_error_not_a_library_message():
    pytest.importorskip("redis")
    from ui.common.rooms.redis_store import RedisStore

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = RedisStore(f"redis://127.0.0.1:{port}/0")
    for action in (lambda: store.open("output_size", 1, 1), lambda: store.get("ABCDEF"),
                   lambda: store.tally("ABCDEF", 1), lambda: store.answer("ABCDEF", 1, "s", "4")):
        with pytest.raises(RoomError) as info:
            action()
        assert info.value.code == "unavailable"
