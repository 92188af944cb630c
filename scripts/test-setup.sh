#!/usr/bin/env bash
# Installs what the test suite needs beyond Python packages; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

# Neo4j 5.26 Community jars from Maven Central, cached in .neo4j/ (gitignored).
"$PY" -m policykg.devserver fetch

# Headless Chromium for tests/integration/test_viz_browser.py and a CJK font for the notebook's plots (Debian packages).
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    command -v apt-get >/dev/null && { $SUDO apt-get update -q && $SUDO env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q chromium fonts-noto-cjk; } \
        || echo "could not install chromium / fonts-noto-cjk; tests/integration/test_viz_browser.py will be skipped" >&2
fi
