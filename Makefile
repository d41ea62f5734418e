# Every target bootstraps from a bare python3: uv (pinned, from PyPI) installs the locked set
# (uv.lock) into .venv. `make lab` installs only what the lab needs; `make test` adds the test
# extra. After changing dependencies in pyproject.toml, run `make lock` and commit what changed.
PYTHON     ?= python3
VENV       := .venv
PY         := $(VENV)/bin/python
PYTEST_ARGS ?=
# pytest-xdist workers for `make test` (`make test TEST_WORKERS=0` runs in one process): twice
# the cores, since most tests spend their time waiting on a browser, a kernel or a server
# (on 2 cores: 4 workers took 204 s where 2 took 285 s, each run's CPU about the same)
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))
LAB_ARGS   ?=
UV_VERSION := 0.13.9
# uv itself is cached per user (outside the clone), so a second clone finds it at once.
UV_HOME    ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/sso-kit/uv-$(UV_VERSION)
UV_BIN     := $(UV_HOME)/bin/uv
UV         ?= $(UV_BIN)
# `make UV=uv ...` uses a uv of your own instead (it must understand this lock's format).
UV_DEP     := $(if $(filter $(UV_BIN),$(UV)),$(UV_BIN))
# the kit's own CLI v2 installer (`sso-kit awscli install`, the tests' CLI v2) uses this uv too
export SSO_KIT_UV ?= $(UV)
LAB_STAMP  := $(VENV)/.sso-kit-lab
TEST_STAMP := $(VENV)/.sso-kit-test

# uv reads no pip.conf. The lock names PyPI, so nothing else is needed on a machine that reaches
# PyPI; a pip CA bundle and timeout carry over (a pip index/find-links mirror does not, on
# purpose: a lock that pointed at a local folder would install nowhere else; set UV_INDEX_URL /
# UV_FIND_LINKS yourself if you need a mirror). Never download a Python: use $(PYTHON).
export UV_PYTHON_DOWNLOADS := never
# Python caches compiled modules (.pyc) as it imports them: a machine-wide
# PYTHONDONTWRITEBYTECODE=1 would make every start of the lab, the sandbox and each test process
# compile moto, botocore and JupyterLab again (seconds each), so it is lifted here.
unexport PYTHONDONTWRITEBYTECODE
export UV_PYTHON := $(PYTHON)
ifneq ($(PIP_CERT),)
export SSL_CERT_FILE ?= $(PIP_CERT)
endif
ifneq ($(PIP_DEFAULT_TIMEOUT),)
export UV_HTTP_TIMEOUT ?= $(PIP_DEFAULT_TIMEOUT)
endif

.PHONY: lab test batch bench sandbox lint venv test-deps lock audit system-deps hub-deps notebooks clean help

help:
	@echo "make lab      start the offline sandbox and JupyterLab on notebooks/ (Ctrl-C stops both)"
	@echo "make test     install everything needed and run the whole test suite"
	@echo "make batch    run the whole tutorial headless with papermill (see sso-kit tutorial run)"
	@echo "make bench    run the benchmarks and print a table"
	@echo "make sandbox  run only the offline IAM Identity Center sandbox in the foreground"
	@echo "make notebooks  write build/notebooks/*.ipynb from the text notebooks (notebooks/*.md)"
	@echo "make lock     re-resolve uv.lock (and binder/requirements.txt) after editing pyproject.toml"
	@echo "make audit    check the locked packages against known vulnerabilities (needs PyPI)"

$(UV_BIN):
	@echo "sso-kit: fetching uv $(UV_VERSION) (the installer, once per user) ..."
	@rm -rf "$(UV_HOME).tmp"
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
	  --target "$(UV_HOME).tmp" "uv==$(UV_VERSION)" \
	  || { $(PYTHON) -m venv "$(UV_HOME).venv" \
	       && "$(UV_HOME).venv/bin/pip" install --quiet "uv==$(UV_VERSION)" \
	       && mkdir -p "$(UV_HOME).tmp/bin" \
	       && ln -sf "$(UV_HOME).venv/bin/uv" "$(UV_HOME).tmp/bin/uv"; }
	@rm -rf "$(UV_HOME)" && mv "$(UV_HOME).tmp" "$(UV_HOME)"

# The lab's set. --inexact keeps the test tools when `make test` installed them before.
$(LAB_STAMP): uv.lock pyproject.toml | $(UV_DEP)
	@echo "sso-kit: installing the lab's packages from uv.lock into $(VENV) ..."
	$(UV) sync --locked --inexact
	@touch $@

# Everything `make test` needs: exactly the locked set with the test extra.
$(TEST_STAMP): uv.lock pyproject.toml | $(UV_DEP)
	@echo "sso-kit: installing the lab's and the test suite's packages from uv.lock ..."
	$(UV) sync --locked --extra test
	@touch $@ $(LAB_STAMP)

venv: $(LAB_STAMP)
test-deps: $(TEST_STAMP)

# Re-resolve after editing dependencies (the one command to run after a merge), then refresh
# Binder's pinned copy of the same set.
lock: | $(UV_DEP)
	$(UV) lock
	$(UV) export --quiet --frozen --no-emit-project --no-dev --no-hashes --no-header \
	  --format requirements-txt --output-file binder/requirements.txt

# pip-audit asks PyPI's JSON API about each locked version, so it cannot run offline: not part
# of `make test`. --strict: a package it could not check fails the audit instead of passing it.
audit: | $(UV_DEP)
	$(UV) export --quiet --frozen --no-emit-project --all-extras --no-hashes --no-header \
	  --format requirements-txt --output-file $(VENV)/audit-requirements.txt
	$(UV) tool run --from 'pip-audit>=2.7' pip-audit --strict --no-deps --disable-pip \
	  --progress-spinner off -r $(VENV)/audit-requirements.txt

# Debian's chromium for the browser tests (Playwright never downloads a browser here).
system-deps:
	bash scripts/ensure-system-deps.sh

lab: $(LAB_STAMP)
	$(PY) -m sso_kit lab $(LAB_ARGS)

sandbox: $(LAB_STAMP)
	$(PY) -m sso_kit sandbox

notebooks: $(LAB_STAMP)
	$(PY) -m sso_kit tutorial build --output-dir build/notebooks

batch: $(LAB_STAMP)
	$(PY) -m sso_kit tutorial run --output-dir out/batch

bench: $(TEST_STAMP)
	$(PY) benchmarks/run.py

lint: $(TEST_STAMP)
	$(PY) -m ruff check .

# npm's configurable-http-proxy, for the real JupyterHub the workshop tests start.
HUB_PROXY := $(VENV)/node/node_modules/.bin/configurable-http-proxy
hub-deps: $(HUB_PROXY)
$(HUB_PROXY):
	@echo "sso-kit: installing configurable-http-proxy (npm) into $(VENV)/node" >&2
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node configurable-http-proxy@5.3.0

test: $(TEST_STAMP) system-deps hub-deps
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -p tests.lean_imports_plugin -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder \
	  tests build/notebooks $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) out artifacts .pytest_cache .ruff_cache
