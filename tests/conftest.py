"""Fixtures of both tiers: the seed plans and one build of them (tests/integration/conftest.py adds
a real Neo4j server)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import GOLD, SEEDS


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
