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

.PHONY: install run test test-fast test-browser bench lint typecheck check-services migrate demo clean smoke

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

# The web server and one Celery worker together, the queue in a folder (no Redis needed);
# Ctrl-C stops both.
run: demo
	@echo "Factcheck is at http://$(HOST):$(PORT)/ (logins above); Ctrl-C stops the server and its worker"
	@trap 'kill 0' INT TERM EXIT; \
	$(LOCAL_ENV) FACTCHECK_EMBEDDED_WORKER=1 $(BIN)/python -m celery -A factcheck worker \
	  --pool=solo --concurrency=1 --loglevel=WARNING --without-gossip --without-mingle & \
	$(LOCAL_ENV) FACTCHECK_EMBEDDED_WORKER=1 $(BIN)/python manage.py runserver $(HOST):$(PORT); \
	wait

check-services: install
	$(TEST_ENV) $(BIN)/python -m tests.services

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the architecture contracts in pyproject.toml

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

# Install as a user would (`pip install .` of the tracked and new files, no -e, no extras)
# into a throwaway venv made with $(SMOKE_PYTHON), then, outside the source tree: pip check,
# manage.py check, migrate on SQLite and extract_claims on a demo article. .ci/run calls it
# for Python 3.12 and 3.13 besides the full suite on the default Python.
SMOKE_PYTHON ?= $(PYTHON)
SMOKE_ARTICLE := $(CURDIR)/claims/demo_articles/harbour-bridge-budget.txt
smoke:
	@set -eu; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	mkdir "$$tmp/src" "$$tmp/run"; \
	git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$$tmp/src"; \
	$(SMOKE_PYTHON) -m venv "$$tmp/venv"; py="$$tmp/venv/bin/python"; \
	echo "smoke: $$($$py --version)"; \
	$$py -m pip install --quiet --disable-pip-version-check "$$tmp/src" > "$$tmp/pip.log" 2>&1 \
	  || { grep -v 'is ignored: it is neither' "$$tmp/pip.log"; exit 1; }; \
	$$py -m pip check; \
	cd "$$tmp/run"; \
	export DEBUG=1 REDIS_URL= DJANGO_SETTINGS_MODULE=factcheck.settings \
	  DATABASE_URL="sqlite:///$$tmp/run/smoke.sqlite3"; \
	$$py -m django check; \
	$$py -m django migrate --noinput -v 0; \
	$$py -m django extract_claims "$(SMOKE_ARTICLE)" --json > claims.json; \
	$$py -c 'import json; c = json.load(open("claims.json")); assert c, "no claims"; print(f"smoke: {len(c)} claims extracted")'

clean:
	rm -rf $(VENV) factcheck.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
