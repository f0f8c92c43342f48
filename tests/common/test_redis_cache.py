"""Django's Redis cache with one client per connection pool (common/redis_cache.py), against a real
Redis (database 13 of the local server, emptied before and after; skipped when no server answers)."""

import pytest

from common.redis_cache import RedisCache

LOCATION = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_cache():
    import redis

    server = redis.Redis.from_url(LOCATION, socket_connect_timeout=1)
    try:
        server.ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
        pytest.skip(f"no Redis answers at {LOCATION} ({error})")
    server.flushdb()
    try:
        yield RedisCache(LOCATION, {"KEY_PREFIX": "test-redis-cache"})
    finally:
        server.flushdb()  # database 13 only
        server.close()


def test_it_sets_gets_and_deletes(redis_cache):
    redis_cache.set("plan", {"measures": ["มาตรการ"]}, 60)
    assert redis_cache.get("plan") == {"measures": ["มาตรการ"]}
    assert redis_cache.delete("plan") and redis_cache.get("plan") is None


def test_it_reads_many_keys_in_one_call(redis_cache):
    redis_cache.set_many({"a": 1, "b": "สอง"}, 60)
    assert redis_cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": "สอง"}


def test_it_counts_up_as_the_admin_generation_does(redis_cache):
    redis_cache.set("generation", 1, None)
    assert redis_cache.incr("generation") == 2 and redis_cache.get("generation") == 2


def test_it_keeps_one_client_per_pool(redis_cache):
    client = redis_cache._cache.get_client()
    redis_cache.get("anything")
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client("key", write=True) is client  # one server: one pool for both
