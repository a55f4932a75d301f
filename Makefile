# Goodwill developer tasks. `make demo` and `make test` work on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Tune these from the command line, e.g. make test PYTEST_ARGS="-x -k surveys".
PYTEST_ARGS ?=
PYTEST ?= $(BIN)/pytest -p no:cacheprovider
PYTEST_SQLITE ?= $(PYTEST) --db=sqlite $(PYTEST_ARGS)
PYTEST_POSTGRES ?= $(PYTEST) --db=postgres -m "not browser" $(PYTEST_ARGS)

# apt-get needs root: use sudo only when we are not root and sudo exists.
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && echo sudo)

.PHONY: venv env demo system-deps lint test bench clean

venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[dev]'
	touch $@

env: .env

# Written once: never overwrite an existing secret.
.env:
	umask 077 && $(PYTHON) -c 'import secrets; \
	print(f"GOODWILL_SECRET_KEY={secrets.token_hex(32)}"); \
	print("GOODWILL_DATABASE_URL=sqlite:///./goodwill.db")' > $@.tmp && mv $@.tmp $@

demo: venv env
	$(BIN)/goodwill demo

system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -x /usr/sbin/dovecot ] || missing="$$missing dovecot-imapd"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

lint: venv
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# Browser tests run once, in the SQLite pass.
test: venv system-deps lint
	$(PYTEST_SQLITE)
	$(PYTEST_POSTGRES)

bench: venv
	@if [ -f benchmarks/run_all.sh ]; then \
		PATH="$(CURDIR)/$(BIN):$$PATH" bash benchmarks/run_all.sh; \
	else \
		echo "benchmarks/run_all.sh not found: nothing to run"; \
	fi

# Keeps .env (the secret) and goodwill.db (your data).
clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache \
		.coverage htmlcov benchmarks/out
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} +
