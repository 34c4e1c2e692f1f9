# Two commands do everything on a fresh machine with Python 3.11+: `make up` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PACKAGES := -e libs/contracts -e libs/messaging -e libs/persistence -e libs/servicekit -e libs/registry -e libs/cli -e libs/testing \
            -e services/subcontracts -e services/referral
PYPROJECTS := $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
PYTEST_ARGS ?=

.PHONY: install up down test lint bench events token clean

install: $(STAMP)

$(STAMP): $(PYPROJECTS) requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv || true
	if [ -x $(BIN)/uv ]; then \
	  $(BIN)/uv pip install -q --python $(BIN)/python $(PACKAGES) -r requirements-dev.txt; \
	else \
	  $(BIN)/python -m pip install -q $(PACKAGES) -r requirements-dev.txt; \
	fi
	touch $(STAMP)

## Start NATS and every service with demo data; Ctrl-C stops them all.
up: $(STAMP)
	$(BIN)/scx up

## Remove local data (databases, JetStream store, logs).
down: $(STAMP)
	$(BIN)/scx down

token: $(STAMP)
	$(BIN)/scx token $(ORG)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --timeout=300 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check libs services tests
	$(BIN)/mypy libs/*/src services/*/src
	$(BIN)/lint-imports

## Regenerate docs/events from the schemas in libs/contracts.
events: $(STAMP)
	$(BIN)/python -m scx_contracts.catalogue docs/events

bench: $(STAMP)
	$(BIN)/scx bench --output docs/benchmarks.md

clean:
	rm -rf $(VENV) data
