# overlap: `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED := ../shared/data
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup run test fuzz lint bench eval train-scorer clean browser

setup: $(STAMP)

# torch first, pinned: that exact version is a local CPU wheel; anything else
# would download a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian's Chromium for the browser tests and screenshots (never a downloaded browser).
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
		|| echo "could not install chromium: browser tests will skip"; \
	fi

# exit code 10 means "ran, and found new duplicates since the last run": a success here
run: setup browser
	$(BIN)/overlap run data/samples/ --exclude expected.csv --out reports/sample || [ $$? -eq 10 ]
	@if [ -x /usr/bin/chromium ]; then \
		$(BIN)/python scripts/screenshots.py reports/sample/report.html reports/sample/screenshots; \
	else echo "no chromium: screenshots skipped"; fi

test: setup browser
	$(BIN)/python -m pytest -q

# the readers and normalise fuzzed at length (`make test` runs a short profile of the same)
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py

lint: setup
	$(BIN)/ruff check src tests scripts benchmarks

# the scale curve at 3k and 8k activities (a minute or two); the README's sizes, an hour
# or more on 2 cores: OVERLAP_BENCH_SIZES=14643,50000,200000 make bench
bench: setup
	$(BIN)/python benchmarks/embedding.py
	$(BIN)/python benchmarks/neighbours.py
	$(BIN)/python benchmarks/nightly.py
	$(BIN)/python benchmarks/scale.py

eval: setup
	$(BIN)/python benchmarks/eval.py
	$(BIN)/python benchmarks/review_simulation.py

# The shipped scorer: trained on the IATI pairs read blind and the declared links (needs ../shared).
train-scorer: setup
	$(BIN)/overlap train --labels $(SHARED)/iati/pair-labels-dev.csv \
		--labels tests/data/iati-pair-labels-extra.csv --truth $(SHARED)/iati/links-dev.csv \
		$(SHARED)/iati/activities.csv --state .overlap-eval --out models/pair-scorer.json

clean:
	rm -rf $(VENV) reports .pytest_cache
