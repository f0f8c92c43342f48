"""gunicorn settings for `make serve-prod` (override with GUNICORN_CMD_ARGS or env)."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8001")
# One sync worker per core: the pages are CPU-bound (the database and Redis answer in well under a
# millisecond here), and more workers than cores only share the same cores and thrash their caches:
# on 2 cores bench/load.py's editor plan page served 95-101 pages/s with 2 workers, 82 with 5 and
# 94 with 3; the library's rows were faster with 2 as well (docs/DEPLOYMENT.md).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG", None)
# Workers are recycled now and then (a guard against slow leaks), not every few seconds at
# peak: at 2,000 req/s a limit of 5,000 restarted every worker during a 10 s benchmark run.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Import the app once in the master, so a recycled worker is ready at once (Django opens
# database connections per request, never at import).
preload_app = True
# The longest request line gunicorn reads (8190 bytes, its largest finite limit; its default
# 4094 answered a longer query string with its own English "414 URI Too Long"). Lines up to
# here reach Django, which answers anything over 4,096 bytes of address with the Thai 414
# page (ita_portal/middleware.py). Header fields get the same room: the browser repeats a long
# address in the Referer of the next request.
limit_request_line = int(os.environ.get("WEB_LIMIT_REQUEST_LINE", "8190"))
limit_request_field_size = int(os.environ.get("WEB_LIMIT_REQUEST_FIELD_SIZE", "16384"))


def when_ready(server):
    """In the master, after the application is loaded and before the first worker is forked:
    build what every worker would otherwise build on its first request (common/warm.py)."""
    import gc

    from common.warm import warm

    server.log.info("warm: %s", warm())
    # What the master built (the Thai dictionaries alone are a million objects) is never garbage:
    # out of the collector's sight, a worker's collections do not walk it, nor copy its pages.
    gc.freeze()
