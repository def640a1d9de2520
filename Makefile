# Two commands on a fresh machine:  make run  (service + demo bundles on SQLite)  and  make test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test lint bench worker

$(BIN)/yijian: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(BIN)/yijian

run: install
	$(BIN)/yijian serve --demo

worker: install
	$(BIN)/yijian worker

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/engine_bench.py
