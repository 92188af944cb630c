"""Pytest fixtures for a real Neo4j (never a mock).

Used by tests/integration/conftest.py with `from tests.integration.neo4j_fixtures import *` (or
`pytest_plugins = ["tests.integration.neo4j_fixtures"]`) and mark tests with `@pytest.mark.neo4j`.

With `NEO4J_URI` set (plus NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE) the tests use
that server; otherwise one DevServer per test session is started from the jar cache
(`python -m policykg.devserver fetch`; fetched automatically on first use) in
`<cache>/test-run-*`, which is deleted afterwards unless POLICYKG_NEO4J_KEEP=1.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from policykg.devserver import DevServer, default_cache_dir, fetch_jars

__all__ = ["Neo4jServerInfo", "neo4j_server", "neo4j_driver", "empty_db"]


@dataclass(frozen=True)
class Neo4jServerInfo:
    uri: str
    user: str
    password: str
    database: str = "neo4j"
    server: DevServer | None = None  # None for an external server (NEO4J_URI)

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)


@pytest.fixture(scope="session")
def neo4j_server():
    if os.environ.get("NEO4J_URI"):
        yield Neo4jServerInfo(
            uri=os.environ["NEO4J_URI"],
            user=os.environ.get("NEO4J_USERNAME", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD", ""),
            database=os.environ.get("NEO4J_DATABASE", "neo4j"),
        )
        return
    cache = default_cache_dir()
    lib = fetch_jars(cache)
    home = Path(tempfile.mkdtemp(prefix="test-run-", dir=cache))
    server = DevServer(home, lib_dir=lib)
    try:
        server.start()
        yield Neo4jServerInfo(server.uri, server.user, server.password, "neo4j", server)
    finally:
        server.stop()
        if os.environ.get("POLICYKG_NEO4J_KEEP") != "1":
            shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_server):
    with GraphDatabase.driver(neo4j_server.uri, auth=neo4j_server.auth) as driver:
        driver.verify_connectivity()
        yield driver


@pytest.fixture
def empty_db(neo4j_server, neo4j_driver):
    """The driver, with the test database emptied of data, constraints and indexes."""
    db = neo4j_server.database
    with neo4j_driver.session(database=db) as session:
        # CALL (n) { … } IN TRANSACTIONS deletes in batches (needs an auto-commit transaction).
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        # Constraints first: dropping one also drops its backing index.
        for rec in session.run("SHOW CONSTRAINTS YIELD name").data():
            session.run(f"DROP CONSTRAINT {_quote(rec['name'])} IF EXISTS").consume()
        # Keep the built-in token LOOKUP indexes that every new database has.
        for rec in session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").data():
            session.run(f"DROP INDEX {_quote(rec['name'])} IF EXISTS").consume()
    yield neo4j_driver


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"
