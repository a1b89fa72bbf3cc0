# Carepurse developer commands. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make
PYTEST_TIMEOUT ?= 1200

.PHONY: run test lint format bench install assets migrations clean help

help:
	@echo "make run    - set up and serve the demo on http://localhost:8000/"
	@echo "make test   - run the whole test suite"
	@echo "make lint   - ruff check and format check"
	@echo "make bench  - benchmarks against a raw Starlette baseline"

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/python-deps: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/node-deps: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

ASSET_SOURCES := themes/build.mjs $(shell find themes/base/assets -type f 2>/dev/null)
themes/build/manifest.json: $(STAMPS)/node-deps $(ASSET_SOURCES)
	npm run --silent build

assets: themes/build/manifest.json

install: $(STAMPS)/python-deps assets

run: install
	$(BIN)/carepurse migrate
	$(BIN)/carepurse demo seed
	@echo "Serving: http://localhost:8000/  http://riverbend.localhost:8000/  http://moorfield.localhost:8000/"
	$(BIN)/carepurse serve --host 127.0.0.1 --port 8000

test: install
	timeout $(PYTEST_TIMEOUT) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.orders

# Write a new migration after changing models: make migrations NAME=add_something
migrations: install
	$(BIN)/tortoise -c core.db.TORTOISE_ORM makemigrations -n $(NAME)

clean:
	rm -rf $(VENV) $(STAMPS) node_modules themes/build var .pytest_cache
