"""Django's Redis cache, with one client object per connection pool instead of one per call.

Django's ``RedisCacheClient.get_client`` makes a new ``redis.Redis`` for every cache operation,
and redis-py builds each client's table of response callbacks (some 80 names, upper-cased)
in its constructor: on the editor's plan page, a tenth of the worker's time went there.
A ``redis.Redis`` is safe to share between threads (it takes a connection from its pool for
each command), and its pool starts afresh in a forked process (redis-py checks the process
id), so keeping it is safe under gunicorn's preloaded workers.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # pool -> its redis.Redis

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
