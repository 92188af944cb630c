#!/usr/bin/env bash
# Installs what the test suite needs beyond Python packages; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

# Neo4j 5.26 Community jars from Maven Central, cached in .neo4j/ (gitignored).
"$PY" -m policykg.devserver fetch
