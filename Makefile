# One task runner. `make demo` and `make test` are the README's two commands.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FULL := $(VENV)/.installed-all

.PHONY: demo test lint typecheck eval eval-cv fit fit-scope bench bench-all schemas docs clean

# An editable install leaves the sources uncompiled, and where PYTHONDONTWRITEBYTECODE is set
# every run compiled them again (a sixth of `rolelens read`'s start-up): compile them once here.
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

# The tests exercise every optional feature (PDF/DOCX, market engines, service, MCP, embeddings,
# the browser test), so they install the `all` extra on top and Debian's chromium when it is missing.
$(FULL): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,all]'
	bash scripts/install-chromium.sh
	touch $(FULL)

demo: $(STAMP)
	$(BIN)/rolelens read examples/posting.md

test: $(FULL)
	$(BIN)/python -m pytest -q

lint: $(FULL)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

eval: $(STAMP)
	$(BIN)/rolelens eval postings ../shared/data/gold/postings_dev.jsonl
	$(BIN)/rolelens eval scope ../shared/data/gold/briefs_dev.jsonl
	$(BIN)/rolelens eval match eval/fit_pairs.jsonl --today 2026-06-01

# Cross-validated numbers of the fitted reader beside the hand-set one (the `train` extra).
GOLD := ../shared/data/gold
WRITTEN := $(foreach f,$(sort $(wildcard data/train/*.jsonl)),--extra $(f))
eval-cv: $(FULL)
	$(BIN)/rolelens eval postings --cv 5 $(GOLD)/postings_train.jsonl $(GOLD)/postings_dev.jsonl
	OPENBLAS_NUM_THREADS=1 $(BIN)/rolelens eval scope $(GOLD)/briefs_dev.jsonl --cv 5 $(WRITTEN)

# Refit the bundled numbers on train + dev (deterministic; the provenance records rows, hash,
# date, seed and cross-validated scores). Review the diff, regenerate the golden files.
fit: $(FULL)
	$(BIN)/rolelens train postings $(GOLD)/postings_train.jsonl $(GOLD)/postings_dev.jsonl \
		--out src/rolelens/taxonomy/fitted/postings.yaml --replace-bundled

# Refit the scoper's bundled layers on the dev briefs plus the written ones (about 40 minutes).
fit-scope: $(FULL)
	OPENBLAS_NUM_THREADS=1 $(BIN)/rolelens train scope $(GOLD)/briefs_dev.jsonl $(WRITTEN) \
		--splice src/rolelens/taxonomy/data/scoping.yaml

bench: $(STAMP)
	$(BIN)/python bench/read.py

# Every bench: reading, market engines (incl. Spark), the HTTP service, the semantic path.
bench-all: $(FULL)
	$(BIN)/python bench/read.py
	$(BIN)/python bench/market.py
	$(BIN)/python bench/serve.py
	$(BIN)/python bench/semantic.py

schemas: $(STAMP)
	$(BIN)/python -m rolelens.schemas

docs: $(STAMP)
	$(BIN)/python -m rolelens.cli.docs > docs/cli.md
	$(BIN)/python -m rolelens.cli.docs --errors docs/errors.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
