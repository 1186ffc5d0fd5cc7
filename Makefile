# Everything installs into ./.venv from the pinned constraints, so a fresh machine with only
# Python gets exactly what the tests ran with.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The tests' PostgreSQL server (each test makes and drops its own database there).
ARCHIVER_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export ARCHIVER_TEST_POSTGRES_URL

# One test worker per core, each handed one test (or group) at a time, long ones first (see
# tests/conftest.py); the 15 slowest tests listed at the end.
PYTEST := $(BIN)/python -m pytest -n auto --dist loadgroup --no-loadscope-reorder --durations=15

# The browser tests (tests/browser.py) drive Debian's Chromium through Playwright: no browser
# download is reachable, so `make browser` installs the distribution's package when missing.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# pywb replays exported WARC files and answers CDX queries in the import tests (tests/pywb.py);
# its pins would fight the archive's own, so it has a virtual environment of its own.
PYWB_VENV := .pywb
PYWB_STAMP := $(PYWB_VENV)/.installed-stamp

.PHONY: install browser pywb test test-fast lint typecheck pytest pytest-fast demo screenshots bench bench-daemon bench-web audit lock clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip>=24'
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

browser:
	@test -x $(CHROMIUM) || { \
		echo "installing Debian's chromium for the browser tests (apt-get)"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends chromium >/dev/null && \
		test -x $(CHROMIUM); }

pywb: $(PYWB_STAMP)

$(PYWB_STAMP): tests/pywb-requirements.txt
	$(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install --quiet -r tests/pywb-requirements.txt
	touch $(PYWB_STAMP)

test: install lint typecheck pytest

# Everything but the fault and daemon tests: a few minutes, for while you work.
test-fast: install lint typecheck pytest-fast

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install browser pywb
	$(PYTEST)

pytest-fast: install browser pywb
	$(PYTEST) -m "not faults and not daemon"

demo: install
	$(BIN)/python -m tests.site.demo

# The README's screenshot of the diff page (benchmarks/screenshots/diff.png), taken by the
# browser test that checks the page (tests/test_browser.py), in a 1200x800 viewport.
screenshots: install browser
	ARCHIVER_SCREENSHOTS=benchmarks/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/test_browser.py -k "sqlite and diff_show"

# Measurements (not run by `make test`): each prints its baseline, measured in the same run.
bench: install
	$(BIN)/python -m benchmarks.crawl_throughput
	$(BIN)/python -m benchmarks.crawl_throughput --pages real
	$(BIN)/python -m benchmarks.recheck_cost
	$(BIN)/python -m benchmarks.recheck_cost --pages real
	$(BIN)/python -m benchmarks.history_speed --pages real
	$(BIN)/python -m benchmarks.extraction_quality
	$(BIN)/python -m benchmarks.query_speed --postgres $(ARCHIVER_TEST_POSTGRES_URL)

# About five minutes: the daemon's memory over 200 scheduled runs.
bench-daemon: install
	$(BIN)/python -m benchmarks.daemon_memory

# About 25 minutes (10 of them building the archives): every route of the web viewer on
# 1,000,000 versions, SQLite and Postgres (p50/p95 beside the command line's time for the
# same question). Keep the built archives with BENCH_WEB_KEEP=DIR to measure again without
# building them.
bench-web: install
	$(BIN)/python -m benchmarks.web_speed --postgres $(ARCHIVER_TEST_POSTGRES_URL) \
		$(if $(BENCH_WEB_KEEP),--keep $(BENCH_WEB_KEEP))

# Known vulnerabilities in the locked dependencies: fails if any pinned version has one.
# Run it after `make lock` and before a release; it asks PyPI's advisory data, so it needs
# the internet.
audit: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,audit]'
	$(BIN)/pip-audit --requirement constraints.txt --no-deps --disable-pip --strict --progress-spinner off

# Re-pin every dependency after changing pyproject.toml.
lock: install
	$(BIN)/pip-compile --quiet --extra dev --extra audit --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file constraints.txt pyproject.toml

clean:
	rm -rf $(VENV) $(PYWB_VENV) .mypy_cache .ruff_cache .pytest_cache demo
