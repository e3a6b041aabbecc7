# Roundtable — `make run` serves the demo community, `make test` runs every test.
# Both set up a fresh machine themselves: a Python 3.11 virtualenv from uv.lock, npm packages
# from package-lock.json, static vendor files and compiled translations.

SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/roundtable
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
MSG_IGNORE := --ignore '.venv/*' --ignore '.tools/*' --ignore 'node_modules/*'

.PHONY: run test setup check-tools chromium test-sqlite test-postgres test-dates bench lint messages worker clean

run: setup
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddemo
	$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py demo_logins
	@echo "Roundtable: http://127.0.0.1:8000  (Ctrl-C stops it, the task worker and the ticks too)"
	@$(PY) manage.py db_worker --no-reload & worker=$$!; \
	  (while sleep 60; do $(PY) manage.py tick >/dev/null || true; done) & ticker=$$!; \
	  trap 'kill $$worker $$ticker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:8000

# Both cores run tests (pytest-xdist), test by test; the demo's tests share one worker, so the
# demo is built once (xdist_group in conftest.py). WORKERS=1 runs them in one process.
WORKERS ?= 2
PYTEST := bin/pytest-strict -n $(WORKERS) --dist loadgroup
# The date sweep: the date-sensitive tests (conftest.DATED) as if it were each of these moments in
# Beijing: a last day of the month late in the evening (31 December), a first day of the month early
# in the morning (still the previous day in UTC), the Spring Festival week, a leap day, two years on.
SWEEP := 2026-12-31T23:30 2027-03-01T07:00 2026-02-18T10:00 2028-02-29T10:00 2028-12-07T10:00

test: setup chromium
	$(PY) -m ruff check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-dates

# Every test runs on both databases but the browser journeys (e2e/, 5½ minutes on two cores): they
# run once, on SQLite, the database `make run` serves; what differs between the databases is in the
# pages' and actions' tests, which run on both.
test-sqlite:
	@echo "== tests on SQLite =="
	$(PYTEST) -m "not postgres" $(PYTEST_ARGS)

test-dates:
	@for today in $(SWEEP); do \
	  echo "== date-sensitive tests on $$today (Asia/Shanghai) =="; \
	  $(PYTEST) -q -m "dates and not postgres" --today=$$today $(PYTEST_ARGS) || exit 1; \
	done

test-postgres:
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || $(PY) -c "import psycopg; psycopg.connect('$(PG_URL)'.replace('/roundtable','/postgres')).close()" 2>/dev/null; then \
	  echo "== tests on PostgreSQL =="; \
	  DATABASE_URL=$(PG_URL) $(PYTEST) -m "not e2e" $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
	  echo "ERROR: PostgreSQL is not reachable at 127.0.0.1:5432; CI requires it."; exit 1; \
	else \
	  echo "NOTE: PostgreSQL is not reachable at 127.0.0.1:5432; skipping the PostgreSQL run (CI would fail)."; \
	fi

setup: check-tools $(VENV)/.synced node_modules/.installed static/vendor/.copied locale/.compiled

check-tools:
	@command -v $(PYTHON) >/dev/null || { echo "ERROR: $(PYTHON) is missing. Install Python 3.11 (e.g. 'apt-get install python3.11' or pyenv) and retry."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "ERROR: $(PYTHON) is not Python 3.11."; exit 1; }
	@command -v npm >/dev/null || { echo "ERROR: npm is missing. Install Node.js 20+ with npm (e.g. 'apt-get install nodejs npm') and retry."; exit 1; }
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && (apt-get update -qq && apt-get install -y -qq gettext >/dev/null); } || { echo "ERROR: gettext (msgfmt) is missing. Install it with 'apt-get install gettext'."; exit 1; }

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

static/vendor/.copied: node_modules/.installed
	@mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts.min.js
	@touch $@

locale/.compiled: $(VENV)/.synced $(wildcard locale/*/LC_MESSAGES/django.po)
	$(PY) manage.py compilemessages -v0 $(MSG_IGNORE)
	@touch $@

# Debian's Chromium drives the browser tests; CI must have it, elsewhere the journeys are skipped.
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Chromium and CJK fonts for the browser tests…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) || true; \
	fi
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$CI" = "true" ]; then echo "ERROR: /usr/bin/chromium is missing; CI requires it ('apt-get install chromium fonts-noto-cjk')."; exit 1; \
	  else echo "NOTE: /usr/bin/chromium is missing; browser journeys will be skipped ('apt-get install chromium fonts-noto-cjk')."; fi; \
	fi

bench: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || { echo "ERROR: wrk is missing ('apt-get install wrk')."; exit 1; }
	$(PY) bench/run.py

worker: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py db_worker

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

messages: setup
	$(PY) manage.py makemessages -l zh_Hans --no-location $(MSG_IGNORE) --ignore 'e2e/*' --ignore 'bench/*' --ignore 'staticfiles/*'
	$(PY) manage.py compilemessages -v0 $(MSG_IGNORE)

clean:
	rm -rf $(VENV) $(TOOLS) node_modules static/vendor staticfiles var locale/.compiled
