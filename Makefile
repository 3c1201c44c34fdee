# Two commands a person needs: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: run test lint typecheck bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# From a checkout the desk's files stay in the repository's data/ (database, key, anchor, backups, report exports),
# not in the user's data directory an installed deskui uses (README: Install). --db / DESKUI_DB still win.
DESKUI := DESKUI_DATA_DIR='$(CURDIR)/data' $(BIN)/deskui

run: $(VENV)/.installed
	$(DESKUI) demo --quiet
	$(DESKUI)

demo: $(VENV)/.installed
	$(DESKUI) demo

# Style, then the architecture and the types: the import contracts and mypy, both configured in pyproject.toml.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check deskui tests bench
	$(BIN)/ruff format --check deskui tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy deskui

# The contracts and the types alone.
typecheck: $(VENV)/.installed-test
	$(BIN)/lint-imports
	$(BIN)/mypy deskui

# The whole suite, slow tests included, in two runs: the tests marked `load` start their own processes (several
# terminals on one database, kills, backups under load) and would slow the UI tests running beside them, so they
# run after the rest. Both runs always run and report; `make test` fails when either failed.
REST := $(BIN)/python -m pytest -n 2 -q -m "not load"
LOAD := $(BIN)/python -m pytest -n 2 -q -m load
test: lint
	@status=0; \
	echo '$(REST)'; $(REST) || { status=1; echo "make test: the tests not marked load FAILED (the load tests run anyway)"; }; \
	echo '$(LOAD)'; $(LOAD) || { status=1; echo "make test: the tests marked load FAILED"; }; \
	exit $$status

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
