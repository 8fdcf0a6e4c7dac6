# The two commands: `make up` runs the whole system with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := shared services/identity services/ledger services/declarations services/notifications services/gateway staff
STAMP := $(VENV)/.installed

.PHONY: up test bench chaos lint infra lock clean

up: $(STAMP) infra
	$(BIN)/python scripts/up.py

test: $(STAMP) infra
	@scripts/browser.sh
	$(BIN)/ruff check .
	$(BIN)/bandit --quiet --recursive shared services staff --exclude '*/tests/*' --severity-level high
	$(BIN)/python -m pytest

# The benchmark harness (not part of `make test`): the system as `make up` starts it, a data set of
# 200,000 taxpayers and 1,000,000 payments, scenarios 1-7, report in bench/results/<date>.md.
# BENCH_QUICK=1 for a small smoke run.
bench: $(STAMP) infra
	$(BIN)/python -m bench.harness

# The long soak: SIGKILLs at random moments on private PostgreSQL/RabbitMQ servers, 20 a scenario
# (registration, ledger statement import, declaration submission: CHAOS_KILLS, CHAOS_SEED,
# CHAOS_SCENARIOS to change); prints kills, requests, lost, duplicated and stranded counts.
chaos: $(STAMP)
	$(BIN)/python scripts/chaos.py

lint: $(STAMP)
	$(BIN)/ruff check .

infra:
	@scripts/infra.sh

$(STAMP): requirements.lock $(addsuffix /pyproject.toml,$(PACKAGES))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock $(addprefix -e ,$(PACKAGES))
	touch $(STAMP)

# Re-pin every dependency after changing a pyproject.toml: `make lock`, then commit the lock.
lock:
	rm -rf $(CURDIR)/.lock-venv && $(PYTHON) -m venv $(CURDIR)/.lock-venv
	$(CURDIR)/.lock-venv/bin/pip install --quiet $(addprefix -e ,$(PACKAGES)) -r requirements-dev.txt
	$(CURDIR)/.lock-venv/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV)
