# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test serve-prod worker lint lock audit sbom check-system backup restore clean messages

# Installs exactly the versions in requirements.lock (regenerate it with `make lock`).
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

lock: $(STAMP)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml

# Every app of the project (the layer order, tests/ita_portal/test_layers.py).
APPS := common assessments people signin measures notifications imports reports library oit publicsite ops

# Security checks: bandit fails on any medium or high finding; pip-audit fails on any known
# vulnerability, and says "NOT AUDITED" when no advisory source is reachable (see README).
audit: $(STAMP)
	$(VENV)/bin/bandit -q -r ita_portal $(APPS) -x '*/migrations/*' --severity-level medium
	scripts/pip_audit.sh $(VENV)/bin

# A software bill of materials (CycloneDX JSON) of exactly what requirements.lock installs.
sbom: $(STAMP)
	@mkdir -p var
	$(VENV)/bin/cyclonedx-py requirements requirements.lock --pyproject pyproject.toml --of JSON \
		--output-reproducible -o var/sbom.cdx.json
	@echo "SBOM: var/sbom.cdx.json"

check-system:
	@$(PYTHON) scripts/check_system.py

# The background worker runs beside the server (long PDF previews, e-mail files, sweeps) and
# stops with it (Ctrl+C).
run: check-system $(STAMP)
	DEBUG=1 $(PY) manage.py setup_demo
	@echo "make run: e-mail is not sent; each message is written to var/mail/ (README.md)"
	@echo "make run: the background worker (manage.py db_worker) runs beside the server"
	@DEBUG=1 $(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Two worker processes (pytest-xdist), each with its own test database and demo data.
TEST_WORKERS ?= 2
test: check-system $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS)

# A production-shaped server: gunicorn + WhiteNoise, DEBUG off. Needs SECRET_KEY and, for
# PostgreSQL, DATABASE_URL; see README "Running in production".
serve-prod: $(STAMP)
	@test -n "$$SECRET_KEY" || { echo "serve-prod: set SECRET_KEY (and DATABASE_URL, ALLOWED_HOSTS)"; exit 2; }
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput -v0
	$(VENV)/bin/gunicorn ita_portal.wsgi -c gunicorn.conf.py

# A background worker for queued tasks (province-wide re-rendering).
worker: $(STAMP)
	$(PY) manage.py db_worker

lint: $(STAMP)
	$(PY) -m ruff check .

# Thai for Django's own messages: run after editing locale/th/LC_MESSAGES/django.po (needs
# msgfmt, Debian package gettext) and commit the .mo with it; tests/ita_portal/test_locale.py checks the pair.
messages:
	msgfmt --check -o locale/th/LC_MESSAGES/django.mo locale/th/LC_MESSAGES/django.po
	msgfmt --check -o locale/th/LC_MESSAGES/djangojs.mo locale/th/LC_MESSAGES/djangojs.po

# Database (as fixtures; SQLite or PostgreSQL) + media in one file under var/backups/.
backup: $(STAMP)
	$(PY) manage.py backup

# make restore FILE=var/backups/ita-portal-....tar.gz   (into an empty database)
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/<backup>.tar.gz"; exit 2; }
	$(PY) manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) var/ita_portal.sqlite3 .pytest_cache
