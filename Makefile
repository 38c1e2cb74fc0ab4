# eventsapp: `make run` serves the app with demo data; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app eventsapp
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 4
# pytest runs on two processes (each with its own PostgreSQL database); PYTEST_ARGS="-n 0" runs serially.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: run serve test lint bench clean help

help:
	@echo "make run    - set up and serve the app with demo data at http://$(HOST):$(PORT)"
	@echo "make test   - set up and run every check (ruff, pytest on SQLite, PostgreSQL when TEST_DATABASE_URL is set, browser tests)"
	@echo "make serve  - serve with gunicorn ($(WORKERS) workers)"
	@echo "make bench  - run the benchmarks in bench/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# A development secret, generated once; production sets SECRET_KEY instead.
instance/secret_key: | $(BIN)/python
	@mkdir -p instance
	@umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@
	@echo "Generated a development SECRET_KEY in $@"

run: export EVENTSAPP_ENV ?= development
run: $(VENV)/.runtime instance/secret_key
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	@echo "Serving eventsapp at http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: $(VENV)/.runtime instance/secret_key
	$(FLASK) init-db
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: $(VENV)/.dev
	$(BIN)/ruff check .

test: $(VENV)/.dev node_modules/axe-core/axe.min.js lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
