# fieldapp: `make demo` to try it, `make test` to check it. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app fieldapp
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test lint venv test-venv chromium bench serve clean help translations

help:
	@echo "make demo   - install, migrate a SQLite database, load the 2017 demo, serve on http://$(HOST):$(PORT) with a job worker"
	@echo "make test   - install with test extras and run the whole suite (PostgreSQL too if FIELDAPP_TEST_DATABASE_URL is set)"
	@echo "make lint   - ruff and the import contracts (Python), ESLint (static/js, pinned, installed outside the repository)"
	@echo "make bench  - run every benchmark in benchmarks/ (prints JSON)"
	@echo "make translations - extract strings into the Spanish catalogue and compile it (README: Languages)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
test-venv: $(VENV)/.installed-test

# The web server and, beside it, a background job worker (imports, cuts, geocoding); Ctrl-C
# stops both, and the worker is stopped too if the server exits on its own.
demo: venv
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "Serving fieldapp on http://$(HOST):$(PORT) with a job worker beside it (Ctrl-C to stop)"
	@$(FLASK) jobs worker & worker=$$!; \
	  trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# The browser tests drive Debian's chromium; CI installs it, a developer is told how.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: sudo apt-get install chromium (browser tests will be skipped)"; \
	  fi; \
	fi

test: test-venv chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ESLint is pinned and installed once into a cache outside the repository (no node_modules
# here); without npm the JS half is skipped with a message, the Python half still runs.
ESLINT_VERSION := 9.39.5
ESLINT_DIR ?= $(HOME)/.cache/fieldapp/eslint-$(ESLINT_VERSION)
ESLINT := $(ESLINT_DIR)/node_modules/.bin/eslint

lint: test-venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports  # the layer contracts of .importlinter
	@if ! command -v npm >/dev/null; then \
	  echo "npm is missing: ESLint of static/js skipped (install Node.js 20 and npm to run it)"; \
	else \
	  [ -x "$(ESLINT)" ] || { mkdir -p "$(ESLINT_DIR)" && npm install --silent --no-save --no-audit \
	    --no-fund --prefix "$(ESLINT_DIR)" eslint@$(ESLINT_VERSION); } && \
	  "$(ESLINT)" --max-warnings 0 static/js tests/js && echo "ESLint: static/js and tests/js passed"; \
	fi

# Extract every marked string (babel.cfg), merge into each language's .po, compile the .mo.
translations: venv
	$(FLASK) i18n update

bench: test-venv
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script --quick || exit 1; done

clean:
	rm -rf $(VENV) instance/fieldapp.sqlite3* instance/job-queue.sqlite3* instance/uploads .pytest_cache
