# Nâng Tầm: `make run` to try it, `make test` to test it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/nangtam
REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?= -n $(PYTEST_WORKERS)
CHROMIUM := /usr/bin/chromium
E2E := $(VENV)/bin/pytest -p no:cacheprovider tests/e2e

.PHONY: run test bench e2e sysdeps install messages demo lint clean help

help:
	@echo "make run    – install, migrate, load the demo and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   – install what is missing and run the whole test suite"
	@echo "make bench  – run the benchmarks (prints 'bench: NAME VALUE UNIT' lines)"
	@echo "make e2e    – the browser tests (Chromium) on a fresh demo database, screenshots in build/e2e/"

sysdeps:
	@PYTHON=$(PYTHON) bash scripts/sysdeps.sh

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

install: sysdeps $(VENV)/.installed messages

messages: $(VENV)/.installed
	@$(PY) manage.py compilemessages --verbosity 0 --ignore=.venv --ignore=node_modules

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run --verbosity 1

test: install lint
	@echo "== Test suite on SQLite"
	$(VENV)/bin/pytest -p no:cacheprovider $(PYTEST_ARGS)
	@if [ -x $(CHROMIUM) ]; then echo "== Browser tests (Chromium, SQLite)" && $(E2E); else echo "SKIPPED: Chromium is not installed ($(CHROMIUM)); the browser tests (tests/e2e) are skipped."; fi
	@bash scripts/test-services.sh "$(PG_URL)" "$(REDIS_URL)" $(PYTEST_ARGS)

e2e: install
	@echo "== Browser tests (Chromium, SQLite)"
	$(E2E)

bench: install
	@bash scripts/bench.sh "$(PG_URL)" "$(REDIS_URL)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
