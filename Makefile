# eventsapp: `make run` serves the app with demo data; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app eventsapp
# A worker (mail, background work) with beat (periodic tasks: the outbox sweep).
CELERY_WORKER := $(BIN)/celery -A eventsapp.worker worker --beat --pool=threads --concurrency=2 \
                 --without-gossip --without-mingle
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 4
# pytest runs on two processes (each with its own PostgreSQL database); PYTEST_ARGS="-n 0" runs serially.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: run serve test lint bench clean help

help:
	@echo "make run    - set up and serve the app with demo data at http://$(HOST):$(PORT)"
	@echo "make test   - set up and run every check (ruff, pytest on SQLite, PostgreSQL when TEST_DATABASE_URL is set, browser tests)"
	@echo "make serve  - serve with gunicorn ($(WORKERS) workers) and a Celery worker with beat"
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
	@echo "Serving eventsapp at http://$(HOST):$(PORT) with a Celery worker beside it (Ctrl+C stops both)"
	@$(CELERY_WORKER) --loglevel=WARNING --logfile=instance/worker.log & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# The production shape on one machine: gunicorn, and a Celery worker with beat (the periodic tasks).
# Set DATABASE_URL and CELERY_BROKER_URL (redis://...) for PostgreSQL and Redis; see README.
serve: $(VENV)/.runtime instance/secret_key
	$(FLASK) init-db
	@$(CELERY_WORKER) --loglevel=INFO & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
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
