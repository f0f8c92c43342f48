"""gunicorn settings for `make serve-prod` (override with GUNICORN_CMD_ARGS or env)."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
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
