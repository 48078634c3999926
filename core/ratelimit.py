"""Rate limits: fixed windows counted in the shared cache, and the client's address.

One mechanism for every limit of the site (login lock-out, public submissions, the status page,
proofs of being the reporter, "+1"): `rate_hit` counts one event for a key in the current window
and says whether the limit still holds; `rate_exceeded` only looks.

Fixed windows, never extended. The window's start is part of the cache key
(`ratelimit:<scope>:<digest>:<window index>`), so "10 per hour" is 10 between 09:00 and 10:00,
whatever the timing of the events, and no increment moves the window:

* Redis (production, tests): INCR and `EXPIRE … NX` in one MULTI/EXEC round trip, so the counter
  expires at the end of its window and an increment never touches its expiry;
* any other cache (the embedded file cache of `make run`): `add` then `incr`, then `touch` back to
  the end of the window — Django's file cache `incr` rewrites the entry with the *default* timeout
  (5 minutes), which turned "10 per hour" into "10 per 5 minutes". The embedded mode is one
  machine; the add/incr pair may lose a count under a race there, never extend a window.

Limits fail open: when the cache is unreachable the event is allowed and a warning is logged
(losing a resident's report, or locking every staff member out, is worse than a few extra
attempts for the minutes Redis is down).

The client address (`client_address`) is REMOTE_ADDR, or — behind `REDGRID_PROXY_HOPS` trusted
reverse proxies — the address the outermost trusted proxy saw: the entry that many places from
the right of X-Forwarded-For. Each proxy appends the address it received the connection from, so
whatever a client writes into the header itself stays to the left and is never used.
"""

import dataclasses
import hashlib
import ipaddress
import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Rate:
    """At most `limit` events per fixed window of `seconds`."""

    limit: int
    seconds: int

    @classmethod
    def of(cls, value: "RateLike") -> "Rate":
        """A Rate from a (limit, seconds) pair, the shape of the settings."""
        if isinstance(value, Rate):
            return value
        limit, seconds = value
        return cls(int(limit), int(seconds))

    @property
    def minutes(self) -> int:
        return max(1, self.seconds // 60)


# A Rate, or the (limit, seconds) pair the settings hold.
RateLike = Rate | tuple[int, int] | list[int]


def client_address(request: HttpRequest | None) -> str:
    """The client's IP address, as the outermost trusted proxy saw it (see the module doc)."""
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    hops = int(settings.REDGRID_PROXY_HOPS or 0)
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        # Not through the expected chain of proxies (a health check on the container, a
        # misconfiguration): the direct peer is the only address known.
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _window(rate: Rate, now: float) -> tuple[int, int]:
    """The index of the window `now` falls in, and the seconds left until it ends."""
    index = int(now // rate.seconds)
    remaining = (index + 1) * rate.seconds - now
    return index, max(1, int(remaining) + 1)


def _cache_key(scope: str, key: str, index: int) -> str:
    digest = hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{index}"


def _redis() -> RedisCache | None:
    """The default cache when it is Django's RedisCache (`cache` itself is a proxy: its type
    says nothing — before issue 17's fix every limit took the generic path's round trips)."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    return backend if isinstance(backend, RedisCache) else None


def _client(backend: RedisCache, key: str) -> Any:
    """The redis-py client that writes `key` (Django's RedisCache keeps it in `_cache`)."""
    return backend._cache.get_client(key, write=True)  # type: ignore[attr-defined]


def _incr_redis(name: str, ttl: int) -> int | None:
    """INCR + EXPIRE NX in one round trip, when the default cache is Django's RedisCache."""
    backend = _redis()
    if backend is None:
        return None
    full = backend.make_and_validate_key(name)
    pipe = _client(backend, full).pipeline(transaction=True)
    pipe.incr(full)
    pipe.expire(full, ttl, nx=True)
    count, _expiry_set = pipe.execute()
    return int(count)


def _incr_generic(name: str, ttl: int) -> int:
    if cache.add(name, 1, ttl):
        return 1
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, ttl)
        return 1
    # Django's file and database caches rewrite the entry with the default timeout on incr:
    # put the end of the window back.
    cache.touch(name, ttl)
    return int(count)


def rate_hit(scope: str, key: str, rate: RateLike, *, now: float | None = None) -> bool:
    """Count one event of `key` in the current window of `rate`; True while the limit holds
    (this event included). An empty key is never limited."""
    if not key:
        return True
    rate = Rate.of(rate)
    index, ttl = _window(rate, time.time() if now is None else now)
    name = _cache_key(scope, key, index)
    try:
        count = _incr_redis(name, ttl)
        if count is None:
            count = _incr_generic(name, ttl)
    except Exception as exc:  # noqa: BLE001 - any cache outage: allow, and say so in the log
        logger.warning("rate limit %s skipped, cache unavailable: %s", scope, type(exc).__name__)
        return True
    return count <= rate.limit


def rate_exceeded(scope: str, key: str, rate: RateLike, *, now: float | None = None) -> bool:
    """Whether `key` has already used up the current window of `rate` (counts nothing)."""
    if not key:
        return False
    rate = Rate.of(rate)
    index, _ttl = _window(rate, time.time() if now is None else now)
    try:
        count = cache.get(_cache_key(scope, key, index)) or 0
    except Exception as exc:  # noqa: BLE001
        logger.warning("rate limit %s skipped, cache unavailable: %s", scope, type(exc).__name__)
        return False
    return int(count) >= rate.limit


def rate_hit_unless_exceeded(
    hit: tuple[str, str, RateLike],
    unless: tuple[str, str, RateLike],
    *,
    now: float | None = None,
) -> bool:
    """`not rate_exceeded(*unless) and rate_hit(*hit)` in one Redis round trip (GET, INCR and
    EXPIRE NX in one script; issue 17): False when `unless` has used up its window or `hit`
    goes over its limit. On Redis the hit is counted even when `unless` refuses (the address is
    refused anyway); other caches take the two calls. Fails open like both."""
    return rate_hit_unless_exceeded_and_get(hit, unless, now=now)[0]


# rate_hit_unless_exceeded_and_get in Redis: KEYS = unless, hit and (optional) the key to read;
# ARGV = the hit's window end (seconds). One reply (a MULTI/EXEC of the same commands answers
# six: issue 17).
_HIT_UNLESS_GET = """
local seen = redis.call('GET', KEYS[1])
local count = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1], 'NX')
local got = false
if KEYS[3] then got = redis.call('GET', KEYS[3]) end
return {seen, count, got}
"""
_unless_get_script = None


def rate_hit_unless_exceeded_and_get(
    hit: tuple[str, str, RateLike],
    unless: tuple[str, str, RateLike],
    *,
    get: str = "",
    now: float | None = None,
) -> tuple[bool, Any]:
    """rate_hit_unless_exceeded, and the cache's value of the key `get` (None when it has none)
    read in the same round trip on Redis — the status page's limit and its stored page (issue
    17). Other caches take separate calls."""
    backend = _redis()
    if backend is None or not hit[1] or not unless[1]:
        allowed = not rate_exceeded(*unless, now=now) and rate_hit(*hit, now=now)
        return allowed, cache.get(get) if get else None
    moment = time.time() if now is None else now
    hit_rate, unless_rate = Rate.of(hit[2]), Rate.of(unless[2])
    index, ttl = _window(hit_rate, moment)
    hit_name = backend.make_and_validate_key(_cache_key(hit[0], hit[1], index))
    unless_name = backend.make_and_validate_key(
        _cache_key(unless[0], unless[1], _window(unless_rate, moment)[0])
    )
    global _unless_get_script
    value = None
    try:
        client = _client(backend, hit_name)
        if _unless_get_script is None:
            _unless_get_script = client.register_script(_HIT_UNLESS_GET)
        keys = [unless_name, hit_name]
        if get:
            keys.append(backend.make_and_validate_key(get))
        seen, count, got = _unless_get_script(keys=keys, args=[ttl], client=client)
        if got is not None:
            # Django's RedisCache serializer (plain integers, else pickle).
            value = backend._cache._serializer.loads(got)  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - any cache outage: allow, and say so in the log
        logger.warning("rate limit %s skipped, cache unavailable: %s", hit[0], type(exc).__name__)
        return True, None
    # Django's RedisCache stores integers as plain numbers (what INCR reads and writes).
    if seen is not None and int(seen) >= unless_rate.limit:
        return False, value
    return int(count) <= hit_rate.limit, value


# rate_hit_then in Redis: KEYS = first, then; ARGV = their window ends (seconds) and limits.
_HIT_THEN = """
local first = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
local seen = tonumber(redis.call('GET', KEYS[2]) or '0')
if first <= tonumber(ARGV[3]) and seen < tonumber(ARGV[4]) then
  redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], ARGV[2], 'NX')
end
return {first, seen}
"""
_hit_then_script = None


def rate_hit_then(
    first: tuple[str, str, RateLike],
    then: tuple[str, str, RateLike],
    *,
    now: float | None = None,
) -> tuple[bool, bool]:
    """Count one event of `first`, and one of `then` unless `first` went over its limit or
    `then` has already used up its window: (first within its limit, then not used up before).

    The same as `not rate_exceeded(*then)`, `rate_hit(*first)`, then `rate_hit(*then)` when both
    held — in one Redis round trip (a script: atomic, issue 17); other caches take the calls.
    Fails open like them. An empty key is never limited (nor counted)."""
    global _hit_then_script
    backend = _redis()
    if backend is None or not first[1] or not then[1]:
        then_held = not rate_exceeded(*then, now=now)
        first_held = rate_hit(*first, now=now)
        if first_held and then_held:
            rate_hit(*then, now=now)
        return first_held, then_held
    moment = time.time() if now is None else now
    first_rate, then_rate = Rate.of(first[2]), Rate.of(then[2])
    first_index, first_ttl = _window(first_rate, moment)
    then_index, then_ttl = _window(then_rate, moment)
    first_name = backend.make_and_validate_key(_cache_key(first[0], first[1], first_index))
    then_name = backend.make_and_validate_key(_cache_key(then[0], then[1], then_index))
    try:
        client = _client(backend, first_name)
        if _hit_then_script is None:
            _hit_then_script = client.register_script(_HIT_THEN)
        counted, seen = _hit_then_script(
            keys=[first_name, then_name],
            args=[first_ttl, then_ttl, first_rate.limit, then_rate.limit],
            client=client,
        )
    except Exception as exc:  # noqa: BLE001 - any cache outage: allow, and say so in the log
        logger.warning("rate limit %s skipped, cache unavailable: %s", first[0], type(exc).__name__)
        return True, True
    return int(counted) <= first_rate.limit, int(seen) < then_rate.limit


def rate_clear(scope: str, key: str, rate: RateLike, *, now: float | None = None) -> None:
    """Forget the current window's count of `key` (e.g. a user's failures after they log in)."""
    if not key:
        return
    rate = Rate.of(rate)
    index, _ttl = _window(rate, time.time() if now is None else now)
    try:
        cache.delete(_cache_key(scope, key, index))
    except Exception as exc:  # noqa: BLE001
        logger.warning(
            "rate limit %s not cleared, cache unavailable: %s", scope, type(exc).__name__
        )
