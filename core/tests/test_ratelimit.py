"""core.ratelimit on the deployment's cache (Redis): the counts and the one-round-trip paths."""

import pytest
import redis

from core import ratelimit
from core.ratelimit import rate_exceeded, rate_hit, rate_hit_unless_exceeded


@pytest.fixture
def round_trips(monkeypatch):
    """Counts Redis round trips: single commands and MULTI/EXEC pipelines."""
    counted = {"commands": 0, "pipelines": 0}
    command, execute = redis.Redis.execute_command, redis.client.Pipeline.execute

    def one_command(self, *args, **kwargs):
        counted["commands"] += 1
        return command(self, *args, **kwargs)

    def one_pipeline(self, *args, **kwargs):
        counted["pipelines"] += 1
        return execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", one_command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", one_pipeline)
    return counted


def test_the_deployments_cache_is_recognised_as_redis():
    # `django.core.cache.cache` is a proxy: the fast paths must see the backend behind it.
    assert ratelimit._redis() is not None


def test_a_hit_with_its_guard_is_one_round_trip(round_trips):
    guard = ("t-miss", "1.2.3.4", (2, 60))
    rate_hit_unless_exceeded(("t-warm", "1.2.3.4", (3, 60)), guard)  # its script loaded once
    round_trips.update(commands=0, pipelines=0)
    assert rate_hit_unless_exceeded(("t-hit", "1.2.3.4", (3, 60)), guard)
    assert round_trips == {"commands": 1, "pipelines": 0}  # one script: one reply
    assert rate_hit("t-other", "1.2.3.4", (3, 60))
    assert round_trips == {"commands": 1, "pipelines": 1}


def test_the_guard_and_the_stored_value_come_in_the_same_round_trip(round_trips):
    from django.core.cache import cache

    cache.set("t-page", "<p>kept</p>", 60)
    hit, guard = ("t-hit2", "1.2.3.5", (3, 60)), ("t-miss2", "1.2.3.5", (2, 60))
    ratelimit.rate_hit_unless_exceeded_and_get(hit, guard, get="t-none")  # script loaded
    round_trips.update(commands=0, pipelines=0)
    assert ratelimit.rate_hit_unless_exceeded_and_get(hit, guard, get="t-page") == (
        True,
        "<p>kept</p>",
    )
    assert ratelimit.rate_hit_unless_exceeded_and_get(hit, guard, get="t-none") == (True, None)
    assert ratelimit.rate_hit_unless_exceeded_and_get(hit, guard) == (False, None)  # 4th of 3
    assert round_trips == {"commands": 3, "pipelines": 0}


def test_the_limit_and_the_guard_both_refuse():
    now = 1_000_000.0
    hit, miss = ("t-hit", "5.6.7.8", (3, 60)), ("t-miss", "5.6.7.8", (2, 60))
    assert all(rate_hit_unless_exceeded(hit, miss, now=now) for _ in range(3))
    assert not rate_hit_unless_exceeded(hit, miss, now=now)  # the fourth in the window
    other = ("t-hit", "9.9.9.9", (3, 60))
    for _ in range(2):
        rate_hit(*miss, now=now)
        rate_hit("t-miss", "9.9.9.9", (2, 60), now=now)
    assert rate_exceeded("t-miss", "9.9.9.9", (2, 60), now=now)
    assert not rate_hit_unless_exceeded(other, ("t-miss", "9.9.9.9", (2, 60)), now=now)
    # The next window starts again.
    assert rate_hit_unless_exceeded(hit, ("t-miss", "1.1.1.1", (2, 60)), now=now + 60)
