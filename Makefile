# The two commands of the README:  make run  ·  make test
SHELL := /bin/bash
VENV := .venv/bin
export STOREWATCH_CACHE_DIR ?= $(HOME)/.cache/storewatch

.PHONY: run test setup setup-test lint demo-data docs

## make run: set everything up and run the monitor on the bundled demo storefronts
run: setup
	@scripts/run-demo.sh

## make test: set up what the tests need (PostgreSQL, Elasticsearch, Chromium) and run the whole suite
test: setup-test
	@scripts/elasticsearch.sh fetch
	@echo "==> ruff"; $(VENV)/ruff check .
	@echo "==> mypy"; $(VENV)/mypy
	@echo "==> pytest"; $(VENV)/python -m pytest -q -ra $(PYTEST_ARGS)

setup:
	@scripts/setup.sh run

setup-test:
	@scripts/setup.sh test

lint:
	$(VENV)/ruff check . && $(VENV)/mypy
