# zhunong: `make run` and `make test` are all a new user needs (see README.md).
PYTHON_FOUND := $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ASSETS := src/zhunong/web/static/vendor/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install assets lint format bench clean messages

install: $(INSTALLED) $(ASSETS)

$(INSTALLED): pyproject.toml
	@test -n "$(PYTHON_FOUND)" || { echo "Python 3.12+ not found"; exit 1; }
	test -x $(BIN)/python || $(PYTHON_FOUND) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,production]'
	touch $@

assets: $(ASSETS)

$(ASSETS): package.json package-lock.json scripts/vendor-assets
	scripts/vendor-assets

# The demo runs as a local trial: DEBUG off (no technical error pages), a secret key made on first
# run and kept in data/, plain HTTP, mail to the console. Production: docs/admin/production.md.
run: export ZHUNONG_LOCAL ?= 1
run: install
	$(BIN)/zhunong migrate --no-input
	$(BIN)/zhunong seed_demo --if-empty --url http://$(HOST):$(PORT)/
	@echo "starting the task worker (imports run in the background) and the web server"
	$(BIN)/zhunong db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/zhunong runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: export ZHUNONG_LOCAL ?= 1
messages: install
	cd src/zhunong && ../../$(BIN)/zhunong makemessages -l en --no-obsolete && ../../$(BIN)/zhunong compilemessages -l en

clean:
	rm -rf $(VENV) node_modules src/zhunong/web/static/vendor

bench: install
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/browse.py
	$(BIN)/python bench/progress_bench.py
	$(BIN)/python bench/pages_bench.py
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/checkout_bench.py
