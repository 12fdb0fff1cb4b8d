# Comptoir — `make run` to try it, `make test` to check it. Both start with `make install`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-test install-browser run test messages openapi bench bench-imports bench-exports bench-smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-installs when pyproject.toml or the constraints change.
$(VENV)/.installed: $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	touch $@

install: $(VENV)/.installed
	cd comptoir && ../$(BIN)/comptoir compilemessages --ignore '.venv' -v 0

install-test: install $(VENV)/.installed-test

run: install
	$(BIN)/comptoir migrate --noinput -v 0
	$(BIN)/comptoir demo --if-empty
	$(BIN)/comptoir serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/pytest

# The browser tests (comptoir/config/tests/browser) drive Debian's Chromium through Playwright; they skip
# without it. Installed with apt-get, never `playwright install` (no browser downloads here).
CHROMIUM := /usr/bin/chromium
install-browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo apt-get update -qq && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi

# Developers: refresh the .po catalogues after changing strings (needs GNU gettext).
messages: install
	cd comptoir && ../$(BIN)/comptoir makemessages -l fr_CA -l en -l pl --no-obsolete --ignore 'imports/data/*'

# Developers: accept an intended change of the API contract.
openapi: install
	$(BIN)/comptoir export_openapi_schema --api comptoir.config.api.api --indent 2 --sorted > comptoir/config/tests/openapi.json

# Speed goals (make bench, under 30 minutes here): PostgreSQL at a million customers and a million
# opportunities, a smaller SQLite run beside, then the imports; one table at the end (var/bench/*.json).
# The generated data stays in var/bench/ and the comptoir_bench database, so later runs only measure.
BENCH_CUSTOMERS ?= 1000000
BENCH_SQLITE_CUSTOMERS ?= 100000
BENCH_QUERIES ?= 200
BENCH_SECONDS ?= 8
# Where the runs keep their files (COMPTOIR_VAR_DIR; figures in its bench/) and the PostgreSQL databases' names.
BENCH_VAR ?= $(CURDIR)/var
BENCH_DB ?= comptoir_bench
PGUSER ?= postgres
BENCH_DIR = $(BENCH_VAR)/bench
BENCH_SQLITE = sqlite:///$(BENCH_DIR)/bench.sqlite3
BENCH_PG = postgres://$(PGUSER)@127.0.0.1:5432/$(BENCH_DB)
BENCH_RUN = $(BIN)/comptoir bench --queries $(BENCH_QUERIES) --seconds $(BENCH_SECONDS)
# One line per request of the bench's own client would bury its figures.
bench bench-imports bench-exports bench-smoke: export LOG_LEVEL ?= WARNING
bench bench-imports bench-exports bench-smoke: export COMPTOIR_VAR_DIR = $(BENCH_VAR)
bench: install
	mkdir -p $(BENCH_DIR)
	rm -f $(BENCH_DIR)/*.json
	DATABASE_URL=$(BENCH_SQLITE) $(BIN)/comptoir migrate --noinput -v 0
	DATABASE_URL=$(BENCH_SQLITE) $(BENCH_RUN) --customers $(BENCH_SQLITE_CUSTOMERS) --opportunities $(BENCH_SQLITE_CUSTOMERS)
	DATABASE_URL=$(BENCH_SQLITE) $(BIN)/comptoir bench-desk --runs $(BENCH_QUERIES)
	@if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then \
		createdb -h 127.0.0.1 -U $(PGUSER) $(BENCH_DB) 2>/dev/null || true; \
		DATABASE_URL=$(BENCH_PG) $(BIN)/comptoir migrate --noinput -v 0 && \
		DATABASE_URL=$(BENCH_PG) $(BENCH_RUN) --customers $(BENCH_CUSTOMERS) --opportunities $(BENCH_CUSTOMERS); \
	else echo "PostgreSQL not reachable on 127.0.0.1:5432: SQLite only"; fi
	$(MAKE) bench-imports
	$(MAKE) bench-exports
	@echo
	$(BIN)/comptoir bench-report

# Imports start from an empty database each run: var/bench/import.sqlite3 and comptoir_bench_import.
BENCH_IMPORT_ROWS ?= 1000000
BENCH_IMPORT_SQLITE_ROWS ?= 200000
BENCH_IMPORT_SQLITE = $(BENCH_DIR)/import.sqlite3
BENCH_IMPORT_PG = postgres://$(PGUSER)@127.0.0.1:5432/$(BENCH_DB)_import
bench-imports: install
	mkdir -p $(BENCH_DIR)
	rm -f $(BENCH_IMPORT_SQLITE) $(BENCH_IMPORT_SQLITE)-wal $(BENCH_IMPORT_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_IMPORT_SQLITE) $(BIN)/comptoir migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_IMPORT_SQLITE) $(BIN)/comptoir bench-imports --rows $(BENCH_IMPORT_SQLITE_ROWS)
	@if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then \
		dropdb -h 127.0.0.1 -U $(PGUSER) --if-exists $(BENCH_DB)_import && \
		createdb -h 127.0.0.1 -U $(PGUSER) $(BENCH_DB)_import && \
		DATABASE_URL=$(BENCH_IMPORT_PG) $(BIN)/comptoir migrate --noinput -v 0 && \
		DATABASE_URL=$(BENCH_IMPORT_PG) $(BIN)/comptoir bench-imports --rows $(BENCH_IMPORT_ROWS); \
	else echo "PostgreSQL not reachable on 127.0.0.1:5432: SQLite only"; fi

# CI's bench (.ci/run, after the tests): `make bench` itself on BENCH_SMOKE_ROWS (2,000) customers, opportunities
# and imported rows, from fresh SQLite files in var/bench-smoke/ (its own var: figures, secret key, uploads) and,
# when PostgreSQL answers, fresh databases dropped at the end. It fails on any error, never on a figure
# (a busy machine measures nothing); a few minutes.
BENCH_SMOKE_ROWS ?= 2000
bench-smoke: BENCH_VAR = $(CURDIR)/var/bench-smoke
bench-smoke: install
	rm -rf $(BENCH_VAR)
	db=comptoir_bench_smoke_$$$$; \
	trap 'for name in $$db $${db}_import; do dropdb -h 127.0.0.1 -U $(PGUSER) --if-exists $$name 2>/dev/null; done' EXIT; \
	$(MAKE) bench BENCH_VAR=$(BENCH_VAR) BENCH_DB=$$db BENCH_QUERIES=20 BENCH_SECONDS=1 \
		BENCH_CUSTOMERS=$(BENCH_SMOKE_ROWS) BENCH_SQLITE_CUSTOMERS=$(BENCH_SMOKE_ROWS) \
		BENCH_IMPORT_ROWS=$(BENCH_SMOKE_ROWS) BENCH_IMPORT_SQLITE_ROWS=$(BENCH_SMOKE_ROWS) \
		BENCH_EXPORT_ROWS=$(BENCH_SMOKE_ROWS)

# The deals export (issue 23): BENCH_EXPORT_ROWS won deals downloaded as CSV and XLSX through the page, on
# SQLite (its own file, kept: a later run only measures). Under a minute; `make bench-exports` alone too.
BENCH_EXPORT_ROWS ?= 10000
BENCH_EXPORTS = sqlite:///$(BENCH_DIR)/exports.sqlite3
bench-exports: install
	mkdir -p $(BENCH_DIR)
	DATABASE_URL=$(BENCH_EXPORTS) $(BIN)/comptoir migrate --noinput -v 0
	DATABASE_URL=$(BENCH_EXPORTS) $(BIN)/comptoir bench-exports --rows $(BENCH_EXPORT_ROWS)

clean:
	rm -rf $(VENV) build *.egg-info
