# coursekit: two commands for a fresh machine (Python 3.11 + pip):
#   make course   set up .venv and run the course's main job on the bundled data
#   make test     set up .venv and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= auto

# An editable install is not byte-compiled, and where PYTHONDONTWRITEBYTECODE is set
# every process (each render kernel) compiles coursekit from source again (~0.2 s).
BYTECODE = $(BIN)/python -m compileall -q src/coursekit

NBVAL  := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help venv browser course test lint lab bench data notebooks reference clean

help:
	@echo "make course  - set up .venv and run the course on the bundled data"
	@echo "make test    - set up .venv and run every test (library, CLI, notebooks)"
	@echo "make browser - install Debian's chromium for the browser tests (as root; make test does)"
	@echo "make lab     - open JupyterLab on the learner copies (learner/, no solutions)"
	@echo "make bench   - run the benchmarks in benchmarks/"
	@echo "make data    - regenerate the bundled synthetic cohort data/survey.csv"
	@echo "make reference - recompute R's reference values (needs R with psych and lavaan)"
	@echo "make notebooks - re-execute the notebooks so their stored outputs are current"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dask]"
	$(BYTECODE)
	@touch $(STAMP)

venv: $(STAMP)

course: $(STAMP)
	$(BIN)/coursekit render

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts

# The browser tests drive Debian's chromium: installed with apt when missing and we are
# root, else the tests fail naming the command (scripts/install_browser.sh).
browser:
	@sh scripts/install_browser.sh

# Library tests, every module's docstring examples and nbval over every notebook in one
# run; --dist loadfile keeps a notebook's cells on one worker.
test: $(STAMP) browser lint
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile $(NBVAL) --doctest-modules \
		--ignore=tests/fixtures tests notebooks src/coursekit

# R's reference values for the psychometrics tests (needs r-base-core, r-cran-psych,
# r-cran-gparotation, r-cran-lavaan, r-cran-jsonlite); the JSON it writes is committed.
reference: $(STAMP)
	$(BIN)/python scripts/r_reference/export_cohorts.py
	Rscript scripts/r_reference/cfa.R
	Rscript scripts/r_reference/ordinal.R
	Rscript scripts/r_reference/efa.R
	Rscript scripts/r_reference/omega.R

# Learners work in learner/: student copies of notebooks/ (no solutions, no stored outputs),
# written when missing and never overwritten, so a learner's answers survive the next make lab.
lab: $(STAMP)
	$(BIN)/python -m coursekit.render.learner learner
	$(BIN)/jupyter lab learner/00_welcome.ipynb

bench: $(STAMP)
	$(BYTECODE)
	$(BIN)/python -m benchmarks

data: $(STAMP)
	$(BIN)/coursekit simulate --n 800 --seed 2026 --out data/survey.csv

notebooks: $(STAMP)
	$(BIN)/python scripts/refresh_notebooks.py

clean:
	rm -rf build .pytest_cache .ruff_cache
