"""Live-poll room stores under a class: answers per second and the cost of one projector tick.

A class of S students (threads) answers one question at once, in R rooms; then the instructor's polling
fragment reads the tally T times. Runs the in-process store and, when redis-server is installed, a real
Redis on a free loopback port; prints both and the Redis / in-process ratio (measured in the same run).

    python bench/poll_rooms.py [students] [rooms]
"""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui.common.rooms import Limits, MemoryStore  # noqa: E402

TALLIES = 500


def class_answers(store, students: int, rooms: int) -> tuple[float, float]:
    """(answers per second, ms per tally of a full room)."""
    codes = [store.open("output_size", i, 1)[0].code for i in range(rooms)]
    start = threading.Barrier(students + 1)

    def student(i: int) -> None:
        start.wait()
        for code in codes:
            store.answer(code, 1, f"session-{i}", str(i % 7))

    threads = [threading.Thread(target=student, args=(i,)) for i in range(students)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    answers_per_s = students * rooms / (time.perf_counter() - t0)
    assert sum(store.tally(codes[0], 1).values()) == students
    t0 = time.perf_counter()
    for _ in range(TALLIES):
        store.get(codes[0])
        store.tally(codes[0], 1)
    return answers_per_s, (time.perf_counter() - t0) * 1000 / TALLIES


def main() -> None:
    students = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    rooms = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    limits = Limits(max_rooms=rooms + 1, max_answers=students)
    memory = class_answers(MemoryStore(limits), students, rooms)
    print(f"{students} students × {rooms} rooms")
    print(f"in-process: {memory[0]:9.0f} answers/s, {memory[1]:.3f} ms per projector tick (get + tally)")
    try:
        from tests.redis_server import redis_server
        from ui.common.rooms.redis_store import RedisStore

        with redis_server() as url:
            redis = class_answers(RedisStore(url, limits), students, rooms)
    except BaseException as err:  # pytest.skip raises outside pytest too: no redis-server or client
        print(f"redis: not measured ({type(err).__name__}: {err})")
        return
    print(f"redis:      {redis[0]:9.0f} answers/s, {redis[1]:.3f} ms per projector tick (get + tally)")
    print(f"redis / in-process: answers/s × {redis[0] / memory[0]:.2f}, tick time × {redis[1] / memory[1]:.1f}")


if __name__ == "__main__":
    main()
