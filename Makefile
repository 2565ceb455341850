# coursekit: two commands for a fresh machine (Python 3.11 + pip):
#   make course   set up .venv and run the course's main job on the bundled data
#   make test     set up .venv and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= auto

.PHONY: help venv course test lint lab bench data clean

help:
	@echo "make course  - set up .venv and run the course on the bundled data"
	@echo "make test    - set up .venv and run every test (library, CLI, notebooks)"
	@echo "make lab     - open JupyterLab on the first notebook"
	@echo "make bench   - run the benchmarks in benchmarks/"
	@echo "make data    - regenerate the bundled synthetic cohort data/survey.csv"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dask]"
	@touch $(STAMP)

venv: $(STAMP)

course: $(STAMP)
	@mkdir -p build
	$(BIN)/coursekit validate data/survey.csv
	$(BIN)/coursekit simulate --n 800 --seed 1 --out build/cohort-seed1.csv
	$(BIN)/coursekit validate build/cohort-seed1.csv

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

test: $(STAMP) lint
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile tests

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/00_*.ipynb

bench: $(STAMP)
	$(BIN)/python -m benchmarks

data: $(STAMP)
	$(BIN)/coursekit simulate --n 800 --seed 2026 --out data/survey.csv

clean:
	rm -rf build .pytest_cache .ruff_cache
