VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The interpreter that builds the venvs: `make test PYTHON=python3.12` picks another one.
PYTHON ?= python3
NEEDED := 3.11

.PHONY: run test test-fast clean bench bench-setup lock FORCE

# major.minor of an interpreter, empty when it doesn't start
version_of = $(shell $(1) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
PYTHON_VERSION := $(call version_of,$(PYTHON))
VENV_VERSION := $(if $(wildcard $(STAMP)),$(call version_of,$(PY)))
# Expanded only when a venv is to be built: one line instead of pip's wall of errors.
TOO_OLD = $(if $(PYTHON_VERSION),$(filter-out $(NEEDED),$(firstword \
	$(shell printf '%s\n' $(NEEDED) $(PYTHON_VERSION) | sort -V))),missing)
CHECK_PYTHON = $(if $(TOO_OLD),$(error Python $(NEEDED) or newer is needed but $(PYTHON) is \
	$(or $(PYTHON_VERSION),not found): name another interpreter, e.g. \
	make $(or $(MAKECMDGOALS),run) PYTHON=python3.12))

# The tested versions from the lock, each file checked against its hash, then the project
# itself without resolving anything. A venv of another Python than $(PYTHON), or one
# whose interpreter no longer starts, is rebuilt.
$(STAMP): pyproject.toml requirements.lock requirements-test.lock \
		$(if $(wildcard $(STAMP)),$(if $(filter $(PYTHON_VERSION),$(VENV_VERSION)),,FORCE))
	$(CHECK_PYTHON)$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-resolve the ranges in pyproject.toml into new locks (then run `make test` on them):
# every pin with the hashes of all the registry's files of that version, so an install
# from another platform checks too. The machine's own pip settings (extra indexes, local
# wheels) are left out: the hashes are the registry's. Versions already locked are kept;
# `make lock UPGRADE=1` moves them to the newest the ranges allow.
LOCK_VENV := build/lock-venv
COMPILE = env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet \
	--generate-hashes --strip-extras --no-emit-index-url \
	$(if $(UPGRADE),--upgrade)
lock:
	$(CHECK_PYTHON)rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(LOCK_VENV)/bin/pip install --quiet pip-tools
	$(COMPILE) -o requirements.lock pyproject.toml
	$(COMPILE) --extra test -c requirements.lock -o requirements-test.lock pyproject.toml

# A local .env (see .env.example) fills in what the environment and the command line lack.
run: $(STAMP)
	$(PY) -m bot $(if $(wildcard .env),--env-file .env) $(ARGS)

# Both print how long they took; `test-fast` is the unit tests and a few core walks.
TIMED = start=$$(date +%s); $(1); status=$$?; echo "$@ took $$(( $$(date +%s) - start )) s"; exit $$status

test: $(STAMP)
	@$(call TIMED,$(VENV)/bin/ruff check . && $(PY) -m pytest -n 4 --durations=10)

test-fast: $(STAMP)
	@$(call TIMED,$(VENV)/bin/ruff check . && $(PY) -m pytest -n 4 -m "not e2e or core")

# The benchmarks' own environment: aiogram (the bare floor) and py-spy, never the project's.
BENCH_VENV ?= bench/.venv
$(BENCH_VENV)/.installed:
	$(CHECK_PYTHON)$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet aiogram py-spy uvloop
	touch $(BENCH_VENV)/.installed

bench-setup: $(STAMP) $(BENCH_VENV)/.installed

# Scripts that print figures (see bench/README.md); no pass or fail.
bench: bench-setup
	$(PY) bench/coach.py
	$(PY) bench/storage.py
	$(PY) bench/broadcast.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) build .pytest_cache .ruff_cache
