"""A production-shaped stack for a bench: PgBouncer in transaction mode in front of PostgreSQL,
and N gunicorn servers sharing it and Redis, each on its own port. Started and stopped by the
bench (a context manager), so a run needs nothing running beforehand but PostgreSQL and Redis.

    with Stack(database_url, servers=2) as stack:
        stack.urls  # ["http://127.0.0.1:8011", "http://127.0.0.1:8012"]

PgBouncer is Debian's package (`apt-get install pgbouncer`). It refuses to run as root, so
when the bench runs as root it is started with `-u postgres` and its files are given to that
user. The servers run with DB_CONN_MAX_AGE=0 and DB_PGBOUNCER=1, as docs/DEPLOYMENT.md says a
deployment behind PgBouncer must (no persistent connections, no server-side cursors).
"""

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PGBOUNCER_INI = """[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {dir}/users.txt
pool_mode = transaction
max_client_conn = {max_client}
default_pool_size = {pool}
reserve_pool_size = 5
ignore_startup_parameters = extra_float_digits,options
logfile = {dir}/pgbouncer.log
pidfile = {dir}/pgbouncer.pid
"""


def _wait(check, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise SystemExit(f"{what} did not start in {seconds} s")


def _answers(url) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Stack:
    def __init__(self, database_url, *, servers=2, workers=3, pool=20, pgbouncer=True,
                 first_port=8011, pgbouncer_port=6433, redis_url="redis://127.0.0.1:6379/5"):
        self.database_url = database_url
        self.servers, self.workers, self.pool = servers, workers, pool
        self.use_pgbouncer = pgbouncer
        self.ports = [first_port + n for n in range(servers)]
        self.pgbouncer_port = pgbouncer_port
        self.redis_url = redis_url
        self.processes: list[subprocess.Popen] = []
        self.dir = None

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def app_database_url(self) -> str:
        if not self.use_pgbouncer:
            return self.database_url
        url = urllib.parse.urlsplit(self.database_url)
        netloc = f"{url.username or 'postgres'}@127.0.0.1:{self.pgbouncer_port}"
        return urllib.parse.urlunsplit((url.scheme, netloc, url.path, url.query, url.fragment))

    def __enter__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="ita-stack-"))
        try:
            if self.use_pgbouncer:
                self._start_pgbouncer()
            for port in self.ports:
                self._start_server(port)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _start_pgbouncer(self):
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            raise SystemExit("PgBouncer is not installed: apt-get install pgbouncer")
        url = urllib.parse.urlsplit(self.database_url)
        (self.dir / "users.txt").write_text(f'"{url.username or "postgres"}" ""\n')
        ini = self.dir / "pgbouncer.ini"
        ini.write_text(PGBOUNCER_INI.format(host=url.hostname or "127.0.0.1", port=url.port or 5432,
                                            listen=self.pgbouncer_port, dir=self.dir, pool=self.pool,
                                            max_client=self.servers * self.workers * 4 + 100))
        command = [binary, "-q", str(ini)]
        if os.geteuid() == 0:  # PgBouncer will not run as root
            user = pwd.getpwnam("postgres")
            for path in (self.dir, *self.dir.iterdir()):
                os.chown(path, user.pw_uid, user.pw_gid)
            self.dir.chmod(0o755)
            command[1:1] = ["-u", "postgres"]
        self.processes.append(subprocess.Popen(command))

        def accepts():
            return subprocess.run(["psql", self.app_database_url(), "-Atc", "select 1"],
                                  capture_output=True).returncode == 0
        _wait(accepts, "PgBouncer")

    def _start_server(self, port):
        env = {**os.environ, "DATABASE_URL": self.app_database_url(), "DB_CONN_MAX_AGE": "0",
               "DB_PGBOUNCER": "1" if self.use_pgbouncer else "0", "REDIS_URL": self.redis_url,
               "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(self.workers), "DEBUG": "0",
               "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-not-secret-" + "x" * 40),
               "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
               "SECURE_HSTS_SECONDS": "0", "PORTAL_URL": "https://ita.example.go.th"}
        gunicorn = Path(sys.executable).parent / "gunicorn"  # the virtualenv the bench runs in
        self.processes.append(subprocess.Popen([str(gunicorn), "ita_portal.wsgi", "-c", "gunicorn.conf.py"],
                                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
        _wait(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), f"the server on port {port}")

    def describe(self) -> str:
        via = f"PgBouncer 127.0.0.1:{self.pgbouncer_port} (transaction mode, pool {self.pool})" \
            if self.use_pgbouncer else "PostgreSQL directly"
        return (f"{self.servers} gunicorn servers × {self.workers} workers ({', '.join(self.urls)}) → {via}; "
                f"Redis {self.redis_url}")
