# Rapportsök: the targets people guess. `make run` and `make test` work from a clean clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODEL  := var/models/multilingual-e5-small/onnx/model_int8.onnx

.PHONY: setup ocr-tools language-tools model index run test test-fast test-slow eval bench bench-ocr lint fuzz torture load screenshots clean producers producer-tools eval-producers

setup: $(STAMP) $(MODEL) ocr-tools language-tools

# Tesseract with Swedish reads scanned pages (indexer/reading/ocr.py). Installed from Debian
# when run as root with apt-get; otherwise a message, and scanned PDFs are refused by name.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-swe

ocr-tools:
	@if tesseract --list-langs 2>/dev/null | grep -qx swe; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing $(OCR_PACKAGES) (OCR of scanned pages)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(OCR_PACKAGES) >/dev/null \
	    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(OCR_PACKAGES) >/dev/null; } \
	    || echo "make: could not install $(OCR_PACKAGES); scanned PDFs will be refused and the OCR tests skipped" >&2; \
	else \
	  echo "make: Tesseract with Swedish is not installed; scanned PDFs will be refused and the OCR tests skipped (install the Debian packages $(OCR_PACKAGES) as root)" >&2; \
	fi

# The LibreOffice Swedish thesaurus maps everyday words to the reports' words (dagis -> förskola)
# in search and answers (service/language). Without it that expansion is off and /health says so.
LANGUAGE_PACKAGES := mythes-sv

language-tools:
	@if [ -f /usr/share/mythes/th_sv_SE_v2.dat ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing $(LANGUAGE_PACKAGES) (Swedish thesaurus for everyday words)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(LANGUAGE_PACKAGES) >/dev/null \
	    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(LANGUAGE_PACKAGES) >/dev/null; } \
	    || echo "make: could not install $(LANGUAGE_PACKAGES); everyday-word expansion will be off and its tests skipped" >&2; \
	else \
	  echo "make: the Swedish thesaurus is not installed; everyday-word expansion will be off and its tests skipped (install the Debian package $(LANGUAGE_PACKAGES) as root)" >&2; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
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
	for set in everyday_tune nearmiss_tune everyday nearmiss everyday2 nearmiss2; do \
	  $(BIN)/python -m eval.run --ask --questions eval/$$set.jsonl --out eval/results/everyday/new-$$set.json || exit 1; \
	done
	$(BIN)/python -m eval.commitments_eval
	$(BIN)/python -m eval.linking

bench: index
	$(BIN)/python scripts/bench_index.py
	$(BIN)/python scripts/bench_api.py

bench-ocr: setup
	$(BIN)/python scripts/bench_ocr.py

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

# The producer matrix: the bundled reports re-produced by LibreOffice, Chromium and a scanner.
# System tools come from Debian (installed here when run as root), Python packages from the
# `producers` extra. PRODUCERS_TXT is the folder of the reports' text versions.
PRODUCERS_TXT ?= ../shared/corpus/txt
PRODUCERS_OUT ?= var/producers
PRODUCER_PACKAGES := libreoffice-writer-nogui chromium poppler-utils img2pdf fonts-liberation2 fonts-dejavu-core fonts-dejavu-extra

producer-tools:
	@missing=""; \
	for tool in soffice chromium pdftoppm img2pdf; do \
	  command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing$$missing: $(PRODUCER_PACKAGES)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(PRODUCER_PACKAGES) \
	      || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(PRODUCER_PACKAGES); } \
	      || { echo "make producers: could not install$$missing (Debian packages: $(PRODUCER_PACKAGES))" >&2; exit 1; }; \
	  else \
	    echo "make producers: missing$$missing; install the Debian packages $(PRODUCER_PACKAGES) (as root: make producers)" >&2; \
	    exit 1; \
	  fi; \
	fi
	@$(BIN)/python -c "import docx, playwright, typst" 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[producers]'

producers: producer-tools
	$(BIN)/python -m scripts.producers --txt $(PRODUCERS_TXT) --out $(PRODUCERS_OUT)

eval-producers: producers index
	$(BIN)/python scripts/eval_producers.py --matrix $(PRODUCERS_OUT) --out eval/results/producers.md

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
