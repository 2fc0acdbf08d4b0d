VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test clean bench bench-setup

# `make run` reads a local .env (see .env.example) when there is one.
ifneq (,$(wildcard .env))
include .env
export
endif

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot $(ARGS)

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n 4

# The benchmarks' own environment: aiogram (the bare floor) and py-spy, never the project's.
BENCH_VENV ?= bench/.venv
$(BENCH_VENV)/.installed:
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet aiogram py-spy
	touch $(BENCH_VENV)/.installed

bench-setup: $(STAMP) $(BENCH_VENV)/.installed

# Scripts that print figures (see the README's Benchmarks section); no pass or fail.
bench: bench-setup
	$(PY) bench/coach.py
	$(PY) bench/storage.py
	$(PY) bench/broadcast.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) .pytest_cache .ruff_cache
