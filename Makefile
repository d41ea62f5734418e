# Every target bootstraps .venv from a bare python3 and installs what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.sso-kit-installed
PYTEST_ARGS ?=

.PHONY: lab test batch bench sandbox lint venv system-deps clean help

help:
	@echo "make lab      start the offline sandbox and JupyterLab on notebooks/ (Ctrl-C stops both)"
	@echo "make test     install everything needed and run the whole test suite"
	@echo "make batch    run the whole tutorial headless with papermill (see sso-kit tutorial run)"
	@echo "make bench    run the benchmarks and print a table"
	@echo "make sandbox  run only the offline IAM Identity Center sandbox in the foreground"

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian's chromium for the browser tests (Playwright never downloads a browser here).
system-deps:
	bash scripts/ensure-system-deps.sh

lab: $(STAMP)
	$(PY) -m sso_kit lab

sandbox: $(STAMP)
	$(PY) -m sso_kit sandbox

batch: $(STAMP)
	$(PY) -m sso_kit tutorial run --output-dir out/batch

bench: $(STAMP)
	$(PY) benchmarks/run.py

lint: $(STAMP)
	$(PY) -m ruff check .

test: $(STAMP) system-deps
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) out artifacts .pytest_cache .ruff_cache
