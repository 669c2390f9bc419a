# The two set-up commands: `make run` and `make test`. Everything else is a detail of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py
# `PORT=5001 make run` when 5000 is taken (AirPlay on macOS); links in emails follow it.
PORT ?= 5000

.PHONY: run test install db demo worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet --upgrade "pip==24.3.1"
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

db: install
	$(BIN)/flask db upgrade

# seed-demo's own listing of the logins is dropped here: `make run` prints them once, last.
demo: db
	$(BIN)/flask seed-demo --if-empty > /dev/null

# Starts the site on http://127.0.0.1:$(PORT) and the worker beside it; Ctrl-C stops both
# (network_space/core/devserver.py says how), exit status 0.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: demo
	@$(BIN)/flask demo-logins
	@echo "Site : http://127.0.0.1:$(PORT)  (Ctrl-C pour arrêter le site et le worker)"
	@$(BIN)/flask serve --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance
