"""Shared fixtures: the seed plans, one build of them, and a real Neo4j server (tests/neo4j_fixtures.py)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.neo4j_fixtures import *  # noqa: F401,F403  (neo4j_server, neo4j_driver, empty_db)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POLICYKG_SHARED") or REPO.parent / "shared")  # a worktree elsewhere sets it
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not next to the repository")
    return SEEDS


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    if not GOLD.is_dir():
        pytest.skip("../shared/gold is not next to the repository")
    return GOLD


@pytest.fixture(scope="session")
def seeds_build(seeds_dir):
    """One build of the five seed plans, shared by every test that only reads it."""
    from policykg.build import build

    return build([seeds_dir])
