# Two commands for a newcomer (see README): `make build` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
SEEDS ?= ../shared/seeds
OUT ?= out

.PHONY: install build test unit lint bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The main job on the server-free default: plans in, graph files out.
build: install
	$(VENV)/bin/policykg build $(SEEDS) --out $(OUT)

# Everything the tests need is set up here: Python deps, the Neo4j jars (cached in .neo4j/),
# Chromium and a CJK font; the suite starts its own Neo4j server on a free loopback port.
test: install
	bash scripts/test-setup.sh
	$(PY) -m pytest -q  # both tiers: tests/unit and tests/integration

# The quick tier: no server, browser or kernel.
unit: install
	$(PY) -m pytest -q tests/unit

lint: install
	$(PY) -m ruff check .
	bash scripts/mypy.sh

bench: install
	$(PY) -m policykg.devserver fetch
	$(PY) benchmarks/eval_seeds.py
	$(PY) benchmarks/bench_load.py
	$(PY) benchmarks/bench_scale.py
	$(PY) benchmarks/bench_incremental.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
