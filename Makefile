# The two set-up commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := demo-out

.PHONY: demo test check lint typecheck docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime install (what `make demo` needs).
$(VENV)/.installed: pyproject.toml $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

# Everything the tests need as well.
$(VENV)/.installed-dev: pyproject.toml $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/imx check stdlib_metrics
	$(BIN)/imx demo-data --studies 12 --seed 7 --out $(DEMO)/data
	$(BIN)/imx run stdlib_metrics --data $(DEMO)/data --level study --level portfolio --out $(DEMO)/results.csv
	@echo ""
	@echo "Demo outputs are in $(DEMO)/: results.csv (metric values), results.quality.csv (data-quality report),"
	@echo "results.stamp.json (reproducibility stamp), and the synthetic event log in $(DEMO)/data/."

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 -q
	$(BIN)/mkdocs build --strict --quiet --site-dir build/site

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

check: lint typecheck test

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist $(DEMO) site .pytest_cache .mypy_cache .ruff_cache .hypothesis
