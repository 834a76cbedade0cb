# Markaz — the two commands that matter: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast lint format bench migrate seed schema schema-snapshot clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -U pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Web server (daphne) and task worker (qcluster) together; Ctrl-C stops both.
run: seed
	$(BIN)/python manage.py sync_schedules
	@echo "Markaz on http://$(HOST):$(PORT)/  (API docs: /api/v1/docs, admin: /admin/)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py qcluster & \
	$(BIN)/daphne -b $(HOST) -p $(PORT) core.asgi:application & \
	wait

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

bench: install
	$(BIN)/python -m tests.benchmarks.run $(BENCH_ARGS)

schema: install
	$(BIN)/python manage.py export_openapi_schema --api core.api.api --indent 2

schema-snapshot: install
	$(BIN)/python -m tests.contract.snapshot

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
