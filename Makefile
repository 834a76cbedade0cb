# Markaz — the two commands that matter: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast lint format bench migrate seed schema schema-snapshot clean messages compile-messages

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -U pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# Translations (docs/i18n.md): the .po catalogs are committed, the .mo files never are. Each .mo is
# rebuilt from its .po whenever the .po is newer, before anything runs, so a .mo is never stale.
# `--check-format` is what `manage.py compilemessages` passes: a translation that drops a placeholder fails.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po locale/vendor/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

locale/%.mo: locale/%.po
	msgfmt --check-format -o $@ $<

compile-messages: $(MO_FILES)

# After adding or changing a string: extract every message id into the uz and ru catalogs, then
# translate the new entries (tests/i18n fails on an untranslated or fuzzy one).
messages: install
	$(BIN)/python manage.py makemessages -l uz -l ru --no-obsolete --no-location \
		--ignore '.venv/*' --ignore 'tests/*' --ignore 'staticfiles/*' --ignore 'media/*'

install: $(STAMP) compile-messages

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Web server (daphne) and task worker (qcluster) together; Ctrl-C stops both. One daphne serves HTTP and
# /ws/: with the in-memory channel layer (no REDIS_URL) events only reach sockets of the process that
# published them, so the development layout stays one process. `make run LAYOUT=production` (needs
# REDIS_URL, and Postgres for real numbers) starts the production layout instead: gunicorn for HTTP
# on PORT, daphne for /ws/ on WS_PORT, the worker (docs/deployment-processes.md).
LAYOUT ?= single
WS_PORT ?= 8001
run: seed
	$(BIN)/python manage.py sync_schedules
ifeq ($(LAYOUT),production)
	@test -n "$$REDIS_URL" || { echo "LAYOUT=production needs REDIS_URL: events must cross processes"; exit 1; }
	@echo "Markaz HTTP on http://$(HOST):$(PORT)/, WebSocket on ws://$(HOST):$(WS_PORT)/ws/"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py qcluster & \
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c python:core.gunicorn_conf core.wsgi:application & \
	DB_POOL=true DB_POOL_MAX=4 $(BIN)/daphne -b $(HOST) -p $(WS_PORT) core.asgi:application & \
	wait
else
	@echo "Markaz on http://$(HOST):$(PORT)/  (API docs: /api/v1/docs, admin: /admin/)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py qcluster & \
	$(BIN)/daphne -b $(HOST) -p $(PORT) core.asgi:application & \
	wait
endif

# pytest-xdist: one worker per core; e2e tests share one worker (--dist loadgroup, tests/conftest.py).
# Without DATABASE_URL/REDIS_URL it runs on SQLite and says which production-parity tests it skipped.
TEST_WORKERS ?= auto
XDIST = -n $(TEST_WORKERS) --dist loadgroup

# pytest's exit 5 means nothing was collected (a wrong path or -k): said in words, still a failure.
PYTEST = status=0; $(BIN)/python -m pytest $(XDIST)
EXIT5 = || status=$$?; [ $$status -ne 5 ] || echo "make: pytest collected no tests (exit 5)" >&2; exit $$status

test: install
	@$(PYTEST) $(PYTEST_ARGS) $(EXIT5)

test-fast: install
	@$(PYTEST) -x -m "not e2e" $(PYTEST_ARGS) $(EXIT5)

lint: install
	$(BIN)/ruff check core modules realtime tests
	$(BIN)/ruff format --check core modules realtime tests

format: install
	$(BIN)/ruff format core modules realtime tests
	$(BIN)/ruff check --fix core modules realtime tests

# Postgres + Redis recommended (DATABASE_URL, REDIS_URL); `BENCH_ARGS="--only http --only layout"`
# runs the serving benchmarks alone.
bench: install
	$(BIN)/python -m tests.benchmarks.run $(BENCH_ARGS)

schema: install
	$(BIN)/python manage.py export_openapi_schema --api core.api.api --indent 2

schema-snapshot: install
	$(BIN)/python -m tests.contract.snapshot

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
