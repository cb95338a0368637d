# One Makefile for people and CI: `.ci/run` calls `make test` too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Tests run against the real PostgreSQL and Redis on this machine (see README).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=1
# DEBUG is off unless asked for (factcheck/settings.py): the laptop targets ask for it.
LOCAL_ENV := DEBUG=1

.PHONY: install run test test-fast test-browser bench lint typecheck check-services migrate demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(LOCAL_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(LOCAL_ENV) $(BIN)/python manage.py seed_demo

run: demo
	@echo "Factcheck is at http://$(HOST):$(PORT)/ (logins above)"
	$(LOCAL_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

check-services: install
	$(TEST_ENV) $(BIN)/python -m tests.services

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy factcheck claims

test: install check-services lint typecheck
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python manage.py check
	$(TEST_ENV) $(BIN)/python -m pytest

test-fast: install
	$(TEST_ENV) $(BIN)/python -m pytest -m "not browser and not worker and not faults" -x

bench: install check-services
	$(BIN)/python -m bench.run

test-browser: install check-services
	$(TEST_ENV) $(BIN)/python -m pytest -m browser

clean:
	rm -rf $(VENV) factcheck.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
