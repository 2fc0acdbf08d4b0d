VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast clean bench bench-setup lock

# `make run` reads a local .env (see .env.example) when there is one.
ifneq (,$(wildcard .env))
include .env
export
endif

# The tested versions from the lock, each file checked against its hash, then the project
# itself without resolving anything.
$(STAMP): pyproject.toml requirements.lock requirements-test.lock
	python3 -m venv $(VENV)
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
	rm -rf $(LOCK_VENV) && python3 -m venv $(LOCK_VENV)
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(LOCK_VENV)/bin/pip install --quiet pip-tools
	$(COMPILE) -o requirements.lock pyproject.toml
	$(COMPILE) --extra test -c requirements.lock -o requirements-test.lock pyproject.toml

run: $(STAMP)
	$(PY) -m bot $(ARGS)

# Both print how long they took; `test-fast` is the unit tests and a few core walks.
TIMED = start=$$(date +%s); $(1); status=$$?; echo "$@ took $$(( $$(date +%s) - start )) s"; exit $$status

test: $(STAMP)
	@$(call TIMED,$(VENV)/bin/ruff check . && $(PY) -m pytest -n 4 --durations=10)

test-fast: $(STAMP)
	@$(call TIMED,$(VENV)/bin/ruff check . && $(PY) -m pytest -n 4 -m "not e2e or core")

# The benchmarks' own environment: aiogram (the bare floor) and py-spy, never the project's.
BENCH_VENV ?= bench/.venv
$(BENCH_VENV)/.installed:
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet aiogram py-spy uvloop
	touch $(BENCH_VENV)/.installed

bench-setup: $(STAMP) $(BENCH_VENV)/.installed

# Scripts that print figures (see the README's Benchmarks section); no pass or fail.
bench: bench-setup
	$(PY) bench/coach.py
	$(PY) bench/storage.py
	$(PY) bench/broadcast.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) build .pytest_cache .ruff_cache
