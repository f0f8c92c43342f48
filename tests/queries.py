"""The queries a page runs when it is built from nothing kept: the shared cache and this
process's memos emptied first, so that a page compared at two data sizes is compared cold both
times (what the first request after a write costs), not once cold and once warm."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import memo


def cold_page_queries(client, url) -> int:
    cache.clear()
    memo.clear_all()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)
