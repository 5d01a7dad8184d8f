# Helhedsplan. Two commands matter:
#
#   make run    install what is missing, migrate, load the Amager plan and demo logins, serve on 127.0.0.1:$(PORT)
#   make test   install what is missing, lint, check migrations, run the whole test suite
#
# Installing happens only when something is missing or out of date: the virtual environment is rebuilt when
# pyproject.toml changes, node_modules when package-lock.json changes (stamp files record the last install),
# and Debian packages are installed (as root, with apt-get) only when they are not there.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
HOST ?= 127.0.0.1
# Unit tests run in parallel on every core; browser tests on two workers, each with its own Chromium.
PYTEST_WORKERS ?= auto
BROWSER_WORKERS ?= 2
GUNICORN_WORKERS ?= 3
PYTEST_ARGS ?=

# Debian packages. Running needs gettext (compilemessages) and Pango for WeasyPrint's PDFs (with a font to draw
# text with); testing also needs Chromium for the browser tests (Debian's, never a Playwright download),
# poppler-utils (pdftotext) to read the reports' PDFs back, PostgreSQL's client programs (pg_dump,
# pg_restore: the backup test of the PostgreSQL run follows the README's commands) and Redis (the two-server
# test's shared cache; `make redis` starts it).
DEBIAN_RUN := gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
DEBIAN_TEST := $(DEBIAN_RUN) chromium poppler-utils postgresql-client redis-server
# The Redis that `make test` starts (when nothing answers there) for the two-server test, which uses database 15.
REDIS_PORT ?= 6379
TEST_REDIS_URL ?= redis://127.0.0.1:$(REDIS_PORT)/15

VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: help run test check-migrations install install-test debian-run debian-test debian-venv redis compilemessages messages lint format \
	check-deploy serve-production benchmark clean

help:
	@echo "make run               install what is missing, migrate, load the demo plan, serve on http://$(HOST):$(PORT) (with the mail worker)"
	@echo "make test              install what is missing, ruff, migration check, unit and browser tests"
	@echo "make lint / format     ruff, import layers, mypy / fix and format"
	@echo "make messages          update locale/da/LC_MESSAGES/django.po from the source"
	@echo "make serve-production  collectstatic, migrate and gunicorn with DJANGO_ENV=production (see README)"
	@echo "make benchmark         the main pages at national scale on PostgreSQL through gunicorn (see README)"

# --- installing ------------------------------------------------------------------------------------------

# Debian's own python3 can only make a virtual environment with python3-venv installed.
$(VENV_STAMP): pyproject.toml
	@if [ ! -x $(PY) ]; then \
	  $(PYTHON) -c 'import ensurepip' 2>/dev/null || $(MAKE) --no-print-directory debian-venv; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# npm ci empties node_modules first, so the stamp inside it is written afterwards.
$(NODE_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Each package counts as present if its command is on the PATH (chromium, msgfmt, pg_dump) or dpkg has it
# installed.
# Off Debian only the commands are checked, and missing ones are reported for you to install.
define ensure_debian_packages
	@missing=""; \
	for package in $(1); do \
	  case "$$package" in \
	    chromium) command -v chromium >/dev/null && continue ;; \
	    gettext) command -v msgfmt >/dev/null && continue ;; \
	    postgresql-client) command -v pg_dump >/dev/null && command -v pg_restore >/dev/null && continue ;; \
	    redis-server) command -v redis-server >/dev/null && command -v redis-cli >/dev/null && continue ;; \
	  esac; \
	  if command -v dpkg-query >/dev/null; then \
	    dpkg-query -W -f='$${db:Status-Status}' "$$package" 2>/dev/null | grep -qx installed && continue; \
	  else \
	    case "$$package" in chromium|gettext|postgresql-client|redis-server) ;; *) continue ;; esac; \
	  fi; \
	  missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null || [ "$$(id -u)" != 0 ]; then \
	    echo "Missing system packages:$$missing. Install them (as root: apt-get install$$missing) and try again." >&2; \
	    exit 1; \
	  fi; \
	  echo "Installing Debian packages:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq; \
	  apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

debian-run:
	$(call ensure_debian_packages,$(DEBIAN_RUN))

debian-test:
	$(call ensure_debian_packages,$(DEBIAN_TEST))

debian-venv:
	$(call ensure_debian_packages,python3-venv)

# Debian's redis-server, started when nothing answers on $(REDIS_PORT), as CI starts PostgreSQL: on the loopback
# only, keeping nothing on disk, and left running for the next run.
redis: debian-test
	@if ! redis-cli -p $(REDIS_PORT) ping >/dev/null 2>&1; then \
	  echo "Starting redis-server on 127.0.0.1:$(REDIS_PORT)"; \
	  redis-server --bind 127.0.0.1 --port $(REDIS_PORT) --daemonize yes --save '' --appendonly no \
	    --logfile "$${TMPDIR:-/tmp}/helhedsplan-redis-$(REDIS_PORT).log"; \
	  for _ in $$(seq 50); do redis-cli -p $(REDIS_PORT) ping >/dev/null 2>&1 && break; sleep 0.2; done; \
	fi
	@redis-cli -p $(REDIS_PORT) ping >/dev/null || { echo "Redis did not answer on port $(REDIS_PORT)." >&2; exit 1; }

install: debian-run $(VENV_STAMP) $(NODE_STAMP)

install-test: debian-test $(VENV_STAMP) $(NODE_STAMP)

# --- translations ----------------------------------------------------------------------------------------

# Compiled only when there is something to compile: locale/ may still be empty.
compilemessages: $(VENV_STAMP)
	@if compgen -G 'locale/*/LC_MESSAGES/*.po' >/dev/null; then \
	  $(PY) manage.py compilemessages -l da --ignore=.venv --ignore=node_modules; \
	else \
	  echo "No .po files in locale/ yet; nothing to compile."; \
	fi

messages: $(VENV_STAMP)
	$(PY) manage.py makemessages -l da --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests \
	  --ignore=staticfiles --ignore=media

# --- running ---------------------------------------------------------------------------------------------

# The background worker (django-tasks-db's db_worker) runs beside the web server, so the demo sends its mail (to
# the console) as production does; both stop together (Ctrl-C stops the server, and the trap the worker).
run: install compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	DJANGO_TASKS_BACKEND=database $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	DJANGO_TASKS_BACKEND=database $(PY) manage.py runserver $(HOST):$(PORT)

# --- checking --------------------------------------------------------------------------------------------

# ruff, the layers contract (import-linter, see docs/architecture.md) and the types (mypy with django-stubs).
lint: $(VENV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Unit tests and browser tests run in separate pytest invocations: Playwright keeps an asyncio loop running
# in the process that drives the browser, which unit tests should never share. pytest exits with 5 when it
# collects no tests; that fails the target like any other non-zero exit.
# The unit tests build their database from the models (--no-migrations: fast), so the migrations are checked
# here: none missing, and all of them apply to an empty database — a temporary SQLite file, or the database
# MIGRATION_CHECK_DATABASE_URL names (CI gives a fresh PostgreSQL one).
check-migrations: $(VENV_STAMP)
	$(PY) manage.py makemigrations --check --dry-run
	@tmp=$$(mktemp -d); \
	url="$${MIGRATION_CHECK_DATABASE_URL:-sqlite:///$$tmp/migrations.sqlite3}"; \
	echo "Applying every migration to an empty database ($${url%%://*})"; \
	DATABASE_URL="$$url" $(PY) manage.py migrate --noinput --verbosity 0; status=$$?; \
	rm -rf "$$tmp"; exit $$status

# The two-server test (tests/test_two_servers.py) starts its own app servers and S3 stand-in (moto, from PyPI)
# over Redis and the test database: one process, after the unit tests; on SQLite it is skipped and says why.
test: install-test compilemessages lint check-migrations redis
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser and not two_servers" $(PYTEST_ARGS)
	TWO_SERVERS_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest -n 0 -m two_servers $(PYTEST_ARGS)
	$(BIN)/pytest -n $(BROWSER_WORKERS) -m browser $(PYTEST_ARGS)

# --- production ------------------------------------------------------------------------------------------

# Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS in the environment; see README.md, "Production".
check-deploy: install compilemessages
	DJANGO_ENV=production $(PY) manage.py check --deploy --fail-level WARNING

serve-production: check-deploy
	DJANGO_ENV=production $(PY) manage.py collectstatic --noinput
	DJANGO_ENV=production $(PY) manage.py migrate --noinput
	DJANGO_ENV=production $(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(GUNICORN_WORKERS) \
	  --max-requests 500 --max-requests-jitter 50 --access-logfile -

# --- benchmark -------------------------------------------------------------------------------------------

# Drops and makes the PostgreSQL database helhedsplan_bench (server: BENCHMARK_POSTGRES, default
# postgres://postgres@127.0.0.1:5432), fills it with Amager and $(BENCHMARK_PLANS) example plans, serves it with
# gunicorn in production settings on 127.0.0.1:$(BENCHMARK_PORT) and prints the figures (README, "Benchmark").
BENCHMARK_PLANS ?= 80
BENCHMARK_PORT ?= 8771

benchmark: install compilemessages
	$(PY) scripts/benchmark.py --plans $(BENCHMARK_PLANS) --port $(BENCHMARK_PORT)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
