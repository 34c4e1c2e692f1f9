# Two commands do everything on a fresh machine with Python 3.11+: `make up` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Every library under libs/, and the services services.toml lists (the one list of them; see scx_cli.manifest).
SERVICES := $(shell $(PYTHON) -c 'import tomllib; print(" ".join(s["name"] for s in tomllib.load(open("services.toml", "rb"))["services"]))')
ifeq ($(strip $(SERVICES)),)
$(error could not read the services from services.toml with $(PYTHON): scx needs Python 3.11+ (tomllib))
endif
PACKAGES := $(patsubst %/pyproject.toml,-e %,$(wildcard libs/*/pyproject.toml)) $(addprefix -e services/,$(SERVICES))
PYPROJECTS := $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
# `make token` prints the token and nothing else, so that $$(make token ORG=...) works.
MAKEFLAGS += --no-print-directory
PYTEST_ARGS ?=

.PHONY: install up down test lint bench events token services clean

install: $(STAMP)

$(STAMP): $(PYPROJECTS) requirements-dev.txt services.toml
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

## Print a development token for ORG (a demo organisation) and nothing else.
token: $(STAMP)
	@$(BIN)/scx token $(ORG)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --timeout=300 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check libs services tests
	$(BIN)/mypy libs/*/src services/*/src
	$(BIN)/lint-imports

## Regenerate docs/events from the schemas in libs/contracts.
events: $(STAMP)
	$(BIN)/python -m scx_contracts.catalogue docs/events

## Re-render the files that list every service (compose, deploy/, contracts, README table) from services.toml.
services: $(STAMP)
	$(BIN)/scx manifest sync

## Requests (refer, start, allocate) against a baseline, then events (backlog, catch-up, commit → applied), then the
## audit ledger (ingest, journey query on a built ledger of AUDIT_LEDGER_SIZE events, default 1M; verify of 1M).
AUDIT_LEDGER_SIZE ?= 1000000
## Then the reports of issue 11 timed on a national year of FIGURES_REFERRALS referrals (default 700,000), loaded once
## into data/bench-figures and reused while the generator and the migrations stay the same.
FIGURES_REFERRALS ?= 700000
bench: $(STAMP)
	$(BIN)/scx bench --output docs/benchmarks.md
	$(BIN)/scx bench-events --output docs/benchmarks.md
	$(BIN)/scx bench-audit --ledger-size $(AUDIT_LEDGER_SIZE) --cache data/bench-audit --output docs/benchmarks.md
	$(BIN)/scx bench-claims --output docs/benchmarks.md
	$(BIN)/scx bench-figures --referrals $(FIGURES_REFERRALS) --cache data/bench-figures --output docs/benchmarks.md

clean:
	rm -rf $(VENV) data
