"""The Redis room store: rooms shared by every app process that points at the same Redis.

Keys (all under ``prefix``): ``room:<code>`` a hash (kind, seed, level, round, revealed, host) that expires
``ttl`` after the instructor's last action; ``answers:<code>:<round>`` a hash session → answer with the same
expiry; ``rooms`` a sorted set code → expiry time, to count open rooms for the cap. Every read-check-write
runs as one Lua script, so concurrent answers from many app processes cannot break the limits.
"""
from __future__ import annotations

import contextlib
import time

from .store import Limits, Room, RoomError, new_code, new_token

_OPEN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 'rooms_full' end
if redis.call('EXISTS', KEYS[2]) == 1 then return 'taken' end
redis.call('HSET', KEYS[2], 'kind', ARGV[5], 'seed', ARGV[6], 'level', ARGV[7], 'round', 1, 'revealed', 0,
           'host', ARGV[8])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[9])
return 'ok'
"""
_ANSWER = """
local round = redis.call('HGET', KEYS[1], 'round')
if not round then return 'no_room' end
if round ~= ARGV[1] then return 'round_over' end
if redis.call('HGET', KEYS[1], 'revealed') == '1' then return 'revealed' end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 'already' end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then return 'answers_full' end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], math.max(redis.call('PTTL', KEYS[1]), 1))
return 'ok'
"""
_HOSTED = """
local host = redis.call('HGET', KEYS[1], 'host')
if not host then return 'no_room' end
if host ~= ARGV[1] then return 'not_host' end
"""
_NEXT = _HOSTED + """
local old = redis.call('HGET', KEYS[1], 'round')
redis.call('DEL', KEYS[3] .. old)
redis.call('HSET', KEYS[1], 'kind', ARGV[4], 'seed', ARGV[5], 'level', ARGV[6], 'round', tonumber(old) + 1,
           'revealed', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[7])
return 'ok'
"""
_REVEAL = _HOSTED + """
redis.call('HSET', KEYS[1], 'revealed', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[3] .. redis.call('HGET', KEYS[1], 'round'), ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 'ok'
"""
_CLOSE = _HOSTED + """
redis.call('DEL', KEYS[3] .. redis.call('HGET', KEYS[1], 'round'))
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 'ok'
"""


class RedisStore:
    """Rooms in Redis (``url`` like ``redis://127.0.0.1:6379/0``); needs the PyPI ``redis`` client."""

    def __init__(self, url: str, limits: Limits = Limits(), prefix: str = "cnnviz:"):
        import redis  # only needed when CNNVIZ_REDIS_URL is set

        self.limits, self._prefix, self._errors = limits, prefix, redis.RedisError
        self._r = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=2)
        self._scripts = {name: self._r.register_script(src) for name, src in
                         (("open", _OPEN), ("answer", _ANSWER), ("next", _NEXT), ("reveal", _REVEAL),
                          ("close", _CLOSE))}

    def _keys(self, code: str) -> list[str]:
        return [f"{self._prefix}room:{code}", f"{self._prefix}rooms", f"{self._prefix}answers:{code}:"]

    def _ttl_ms(self) -> int:
        return max(int(self.limits.ttl * 1000), 1)

    @contextlib.contextmanager
    def _reachable(self):
        """A Redis that cannot be reached is a RoomError('unavailable'), never a library message."""
        try:
            yield
        except self._errors as err:
            raise RoomError("unavailable") from err

    def _run(self, name: str, keys, args) -> str:
        with self._reachable():
            result = self._scripts[name](keys=keys, args=args)
        if result not in ("ok", "already", "taken"):
            raise RoomError(result)
        return result

    def open(self, kind: str, seed: int, level: int) -> tuple[Room, str]:
        host = new_token()
        while True:
            code = new_code(self.limits.code_length)
            now = time.time()
            room_key, rooms_key, _ = self._keys(code)
            if self._run("open", [rooms_key, room_key], [now, now + self.limits.ttl, self.limits.max_rooms,
                                                         self._ttl_ms(), kind, int(seed), int(level), host,
                                                         code]) == "ok":
                return Room(code, kind, int(seed), int(level), 1, False), host

    def get(self, code: str) -> Room | None:
        with self._reachable():
            fields = self._r.hgetall(self._keys(code)[0])
        if not fields:
            return None
        return Room(code, fields["kind"], int(fields["seed"]), int(fields["level"]), int(fields["round"]),
                    fields["revealed"] == "1")

    def answer(self, code: str, round: int, session: str, answer: str) -> bool:
        if len(answer) > self.limits.max_answer_length:
            raise RoomError("too_long")
        room_key, _, answers = self._keys(code)
        return self._run("answer", [room_key, f"{answers}{int(round)}"],
                         [int(round), session, answer, self.limits.max_answers]) == "ok"

    def tally(self, code: str, round: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self._reachable():
            answers = self._r.hvals(f"{self._keys(code)[2]}{int(round)}")
        for answer in answers:
            counts[answer] = counts.get(answer, 0) + 1
        return counts

    def next_question(self, code: str, host: str, kind: str, seed: int, level: int) -> Room:
        self._run("next", self._keys(code), [host, self._ttl_ms(), time.time() + self.limits.ttl, kind, int(seed),
                                             int(level), code])
        return self.get(code)

    def reveal(self, code: str, host: str) -> Room:
        self._run("reveal", self._keys(code), [host, self._ttl_ms(), time.time() + self.limits.ttl, code])
        return self.get(code)

    def close(self, code: str, host: str) -> None:
        self._run("close", self._keys(code), [host, code])
