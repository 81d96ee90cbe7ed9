# Two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

# The browser tests drive Debian's chromium: Playwright's own browser download is not used.
CHROMIUM := /usr/bin/chromium

.PHONY: demo test install clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/dragoman demo

# Installs Debian's chromium when it is missing (as root, else with sudo); when that fails the
# browser tests are skipped, and with chromium present they must run (DRAGOMAN_REQUIRE_BROWSER=1).
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make: $(CHROMIUM) is missing and there is no apt-get to install it; the browser tests will be skipped"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then as=""; \
	elif command -v sudo >/dev/null 2>&1; then as="sudo -n"; \
	else echo "make: $(CHROMIUM) is missing and neither root nor sudo can install it; the browser tests will be skipped"; exit 0; fi; \
	get() { $$as env DEBIAN_FRONTEND=noninteractive apt-get -qq "$$@"; }; \
	echo "make: installing Debian's chromium for the browser tests"; \
	{ apt-cache show chromium >/dev/null 2>&1 && get install -y chromium >/dev/null; } \
	|| { get update && get install -y chromium >/dev/null; } \
	|| echo "make: could not install chromium (apt-get install -y chromium failed); the browser tests will be skipped"

test: $(TEST_STAMP) chromium
	@if [ -x $(CHROMIUM) ]; then echo "DRAGOMAN_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q"; \
	DRAGOMAN_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q; \
	else echo "$(BIN)/python -m pytest -q  # without $(CHROMIUM): browser tests skipped"; $(BIN)/python -m pytest -q; fi

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache dragoman.duckdb dragoman.duckdb.wal dragoman.duckdb.lock
