# The two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint types unit bench system-deps venv clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

system-deps:
	bash scripts/ensure-system-deps.sh

lint: venv
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples

types: venv
	$(BIN)/mypy
	cd examples/shop && ../../$(BIN)/mypy

unit: venv system-deps
	$(BIN)/python -m pytest -n 2 -q

test: lint types unit

# The comparison tools of the checker benchmark (pyflakes, import-linter, semgrep) are only
# needed here, so they live in their own extra.
bench: venv
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	$(BIN)/python bench/run.py --output docs/benchmarks.md

demo: venv
	bash examples/demo.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .confwarden-cache
