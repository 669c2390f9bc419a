# The two set-up commands: `make run` and `make test`. Everything else is a detail of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py

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

# Starts the site on http://127.0.0.1:5000 and the worker beside it; Ctrl-C stops both.
run: demo
	@$(BIN)/flask demo-logins
	@echo "Site : http://127.0.0.1:5000  (Ctrl-C pour arrêter le site et le worker)"
	@trap 'kill 0' INT TERM EXIT; \
	 $(BIN)/flask worker & \
	 $(BIN)/flask run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance
