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
max_requests = 5000
max_requests_jitter = 500
