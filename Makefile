# The two set-up commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := demo-out

.PHONY: demo test check lint typecheck docs bench clean chromium shells postgres fuzz vscode

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime install (what `make demo` needs).
$(VENV)/.installed: pyproject.toml $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

# Everything the tests need as well.
$(VENV)/.installed-dev: pyproject.toml $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,spark]"
	$(BIN)/pip install --quiet --no-deps lifelines==0.30.3  # declares pandas<3 (pyproject.toml)
	@touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/imx check stdlib_metrics
	$(BIN)/imx demo-data --studies 12 --seed 7 --out $(DEMO)/data
	$(BIN)/imx run stdlib_metrics --data $(DEMO)/data --level study --level portfolio --out $(DEMO)/results.csv
	$(BIN)/imx docs build stdlib_metrics --out $(DEMO)/handbook --results $(DEMO)/results.csv
	@echo ""
	@echo "Demo outputs are in $(DEMO)/: results.csv (metric values), results.quality.csv (data-quality report),"
	@echo "results.set_aside.csv (every row set aside, with its rule), results.stamp.json (reproducibility"
	@echo "stamp), the synthetic event log in $(DEMO)/data/, and the metric handbook: open"
	@echo "$(DEMO)/handbook/site/index.html in a browser. The units behind a number, and one of them:"
	@echo "  $(BIN)/imx units XFER-OT stdlib_metrics --data $(DEMO)/data --study S001 --outcome missed"
	@echo "  $(BIN)/imx why XFER-OT S001/019/019-0009/BL stdlib_metrics --data $(DEMO)/data"

# The browser test opens the handbook in Debian's headless Chromium.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the handbook browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The VS Code extension's tests use npm packages (vscode-textmate, vscode-oniguruma, vsce), pinned by
# its package-lock.json; they need Node.js 20 or later.
VSCODE := editors/vscode
$(VSCODE)/node_modules/.package-lock.json: $(VSCODE)/package.json $(VSCODE)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm (Node.js 20+) is needed for the VS Code extension's tests"; exit 1; }
	cd $(VSCODE) && npm ci --no-audit --no-fund --loglevel=error

vscode: $(VSCODE)/node_modules/.package-lock.json

# The completion tests run the scripts of `imx completion` in zsh and fish (bash is there).
shells:
	@command -v zsh >/dev/null 2>&1 && command -v fish >/dev/null 2>&1 || { \
	  echo "installing Debian's zsh and fish for the shell completion tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zsh fish >/dev/null; }

# The standalone SQL test (tests/test_standalone.py) starts Debian's PostgreSQL server of its own
# (initdb and postgres from /usr/lib/postgresql/*/bin, on a unix socket) and stops it after.
postgres:
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || { \
	  echo "installing Debian's postgresql for the standalone SQL test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

test: $(VENV)/.installed-dev chromium shells postgres vscode
	$(BIN)/python -m pytest -n 2 --maxschedchunk 2 --durations 20 -q
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir build/site

# The fuzzers at scale, for a scheduled CI (docs/testing.md): 100,000 inputs for each syntax fuzzer,
# 10,000 (metric, log) pairs for the differential property; the counts go to build/fuzz-report.json.
fuzz: $(VENV)/.installed-dev
	HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest -q -p no:cacheprovider $(FUZZ_ARGS) \
	  tests/test_syntax_props.py tests/test_eval_props.py

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
