"""The layout a newcomer relies on: stages import forwards only, none from the application,
modules stay small, and the stage folders cannot be imported by their bare names."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO

STAGES = ("extract", "resolve", "graph")  # in the order data flows: each may import the ones before
MAX_LINES = 500


def _imports(path: Path) -> list[str]:
    """The modules a file imports from (absolute names), with the names it takes from them."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.module, alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_itself_and_the_stages_before_it(stage):
    allowed = {f"policykg.{s}" for s in STAGES[:STAGES.index(stage) + 1]} | {"policykg.cypher"}
    for path in sorted((REPO / stage).glob("*.py")):
        for module, name in _imports(path):
            if module == "policykg" or module.startswith("policykg."):
                package = ".".join(module.split(".")[:2])
                assert package in allowed, f"{path.relative_to(REPO)} imports {module}"
                assert not name.startswith("_") or name == "__future__", \
                    f"{path.relative_to(REPO)} imports the private {module}.{name}"


@pytest.mark.parametrize("stage", STAGES)
def test_no_module_of_a_stage_is_over_500_lines(stage):
    for path in sorted((REPO / stage).glob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_LINES, f"{path.relative_to(REPO)}: {lines} lines"


@pytest.mark.parametrize("folder", ["extract", "resolve", "graph", "cypher"])
def test_a_folder_imported_by_its_bare_name_fails_loudly(folder):
    done = subprocess.run([sys.executable, "-c", f"import {folder}"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode != 0
    assert f"ImportError: import this folder as policykg.{folder}, not '{folder}'" in done.stderr


def test_the_installed_package_imports_from_the_repository_root():
    code = "import policykg.extract.pipeline, policykg.resolve.resolver, policykg.graph.links, policykg.cypher"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
