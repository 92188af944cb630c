#!/usr/bin/env bash
# mypy over the package as Python imports it: policykg/ with the stage folders inside it.
# The editable install maps policykg.extract → extract/ (…) by an import hook, which mypy does not
# run, so a tree of links in .mypy-tree/ (gitignored) shows it the same layout.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
tree=.mypy-tree/policykg
rm -rf .mypy-tree
mkdir -p "$tree"
for f in policykg/*.py; do ln -s "../../$f" "$tree/"; done
for stage in extract resolve graph cypher; do ln -s "../../$stage" "$tree/$stage"; done
"$PY" -m mypy --cache-dir .mypy_cache "$@" .mypy-tree/policykg
