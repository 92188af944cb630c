"""`load --wipe` on a graph too big for one transaction, against a real Neo4j whose transactions
may use 16 MiB at most (db.memory.transaction.max): this module starts its OWN DevServer with
that limit, so that a small graph already needs several transactions."""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from neo4j import GraphDatabase
from neo4j import exceptions as neo4j_errors

from policykg.cli import cli
from policykg.devserver import DevServer, default_cache_dir, fetch_jars
from policykg.graph import neo4j_load, schema, writers

pytestmark = pytest.mark.neo4j

LIMIT = "db.memory.transaction.max"


@pytest.fixture(scope="module")
def small_server():
    if os.environ.get("NEO4J_URI"):
        pytest.skip("needs a local DevServer with a transaction memory limit, not NEO4J_URI")
    cache = default_cache_dir()
    home = Path(tempfile.mkdtemp(prefix="test-memory-", dir=cache))
    server = DevServer(home, password="memory-" + secrets.token_hex(8), heap="256m",
                       conf={LIMIT: "16m"}, lib_dir=fetch_jars(cache))
    try:
        server.start()
        with GraphDatabase.driver(server.uri, auth=server.auth) as driver:
            yield server, driver
    finally:
        server.kill()
        shutil.rmtree(home, ignore_errors=True)


def _fill(driver, pairs: int = 20000) -> None:
    """``pairs`` node pairs, each with a relationship carrying a sentence."""
    with driver.session() as session:
        session.run("UNWIND range(1, $n) AS i CALL (i) { CREATE (:Filler {id: i})-[:FILLS {s: $text}]->(:Filler) } "
                    "IN TRANSACTIONS OF 1000 ROWS", n=pairs, text="一段作为证据的句子，" * 8).consume()


def _counts(driver) -> tuple[int, int]:
    nodes = driver.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"]
    rels = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c").records[0]["c"]
    return nodes, rels


@pytest.fixture
def small_graph_dir(tmp_path):
    graph = nx.MultiDiGraph()
    graph.add_node("Plan:某县要点", label=schema.PLAN, title="某县要点")
    graph.add_node("Program:某行动", label="Program", name="某行动")
    graph.add_edge("Plan:某县要点", "Program:某行动", key=schema.MENTIONS, count=1)
    writers.write_json(graph, tmp_path / writers.GRAPH_JSON)
    return tmp_path


def test_wipe_deletes_in_batches(small_server, small_graph_dir):
    server, driver = small_server
    _fill(driver)
    # The graph is too big for one transaction on this server: what the wipe must not do.
    with pytest.raises(neo4j_errors.TransientError) as info, driver.session() as session:
        session.run("MATCH (n) DETACH DELETE n").consume()  # auto-commit: not retried
    assert "MemoryPoolOutOfMemory" in info.value.code
    assert _counts(driver) == (40000, 20000)

    env = {"NEO4J_URI": server.uri, "NEO4J_PASSWORD": server.password}
    result = CliRunner().invoke(cli, ["load", str(small_graph_dir), "--wipe", "--yes", "--batch-size", "2000"], env=env)
    assert result.exit_code == 0, result.output
    assert _counts(driver) == (2, 1)  # the filler is gone, the graph is loaded


def test_wipe_out_of_memory_gives_the_whole_message(small_server, small_graph_dir):
    server, driver = small_server
    before = _counts(driver)
    _fill(driver)
    env = {"NEO4J_URI": server.uri, "NEO4J_PASSWORD": server.password}
    result = CliRunner().invoke(cli, ["load", str(small_graph_dir), "--wipe", "--yes", "--batch-size", "1000000"],
                                env=env)
    assert result.exit_code == neo4j_load.EXIT_FAILED, result.output
    line = result.output.strip()
    assert len(line.splitlines()) == 1 and len(line) > 200
    # The end of the server's message names the limit that was reached; and what to do about it.
    assert f"{LIMIT} threshold reached" in line and "--batch-size" in line
    assert "MemoryPoolOutOfMemoryError" in line and server.password not in line
    # The one batch failed as a whole: nothing deleted, nothing loaded.
    assert _counts(driver) == (before[0] + 40000, before[1] + 20000)
