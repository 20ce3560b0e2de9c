# Rapportsök: the targets people guess. `make run` and `make test` work from a clean clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODEL  := var/models/multilingual-e5-small/rapportsok_model.json

.PHONY: setup model index run test test-fast test-slow eval bench lint fuzz torture load screenshots clean

setup: $(STAMP) $(MODEL)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(MODEL): $(STAMP)
	$(BIN)/rapportsok model install

model: $(STAMP)
	$(BIN)/rapportsok model install

index: setup
	$(BIN)/rapportsok index

run: index
	$(BIN)/rapportsok search "Hur har placeringskostnaderna utvecklats?" --k 3
	$(BIN)/rapportsok serve

test: setup
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not browser"

test-slow: setup
	$(BIN)/python -m pytest -q -m slow

eval: index
	$(BIN)/python -m eval.run --ask --out eval/results/dev.json
	$(BIN)/python -m eval.run --ask --questions eval/heldout.jsonl --out eval/results/heldout.json
	$(BIN)/python -m eval.commitments_eval
	$(BIN)/python -m eval.linking

bench: index
	$(BIN)/python scripts/bench_index.py
	$(BIN)/python scripts/bench_api.py

lint: setup
	$(BIN)/ruff check indexer service eval tests scripts
	$(BIN)/mypy

fuzz: index
	$(BIN)/python scripts/fuzz.py

torture: setup
	$(BIN)/python scripts/torture.py --runs 20

load: index
	$(BIN)/python scripts/load.py --clients 16 --seconds 120

screenshots: index
	$(BIN)/python scripts/screenshots.py --out docs/screenshots

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
