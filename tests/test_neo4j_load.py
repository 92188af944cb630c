"""Loading into a real Neo4j 5.26 server (tests/neo4j_fixtures.py starts it)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from policykg.cli import cli
from policykg.graph import neo4j_load, writers
from policykg.graph.neo4j_load import Connection

pytestmark = pytest.mark.neo4j

CROSS_LEVEL = ("MATCH (a:Plan)-[:MENTIONS]->(x)<-[:MENTIONS]-(b:Plan) WHERE a.level <> b.level "
               "RETURN a.title AS a, x.name AS x, b.title AS b")


def _connection(server) -> Connection:
    return Connection(server.uri, server.user, server.password, server.database)


def test_load_seeds_and_query_cross_level(seeds_build, neo4j_server, empty_db):
    stats = neo4j_load.load_graph(seeds_build.graph, _connection(neo4j_server))
    assert stats.plans == 5 and stats.nodes_created > 100
    records, _, _ = empty_db.execute_query(CROSS_LEVEL, database_=neo4j_server.database)
    triples = {(r["a"], r["x"], r["b"]) for r in records}
    assert ("2022年上海市卫生健康工作要点", "健康上海行动", "2025年宝山区卫生健康工作要点") in triples
    count, _, _ = empty_db.execute_query("MATCH (n) RETURN count(n) AS n", database_=neo4j_server.database)
    assert count[0]["n"] == seeds_build.graph.number_of_nodes()


def test_second_load_creates_nothing(seeds_build, neo4j_server, empty_db):
    connection = _connection(neo4j_server)
    neo4j_load.load_graph(seeds_build.graph, connection)
    again = neo4j_load.load_graph(seeds_build.graph, connection)
    assert (again.nodes_created, again.relationships_created, again.nodes_deleted, again.relationships_deleted) == (0, 0, 0, 0)


def test_constraints_exist(seeds_build, neo4j_server, empty_db):
    neo4j_load.load_graph(seeds_build.graph, _connection(neo4j_server))
    records, _, _ = empty_db.execute_query("SHOW CONSTRAINTS YIELD labelsOrTypes, type RETURN labelsOrTypes, type",
                                           database_=neo4j_server.database)
    constrained = {r["labelsOrTypes"][0] for r in records if r["type"] == "UNIQUENESS"}
    from policykg.graph import schema

    assert set(schema.NODE_LABELS) <= constrained


def test_cli_build_with_neo4j(seeds_dir, neo4j_server, empty_db, tmp_path):
    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USERNAME": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": neo4j_server.database}
    result = CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(tmp_path), "--neo4j"], env=env)
    assert result.exit_code == 0, result.output
    assert "loaded 5 plans" in result.output
    assert neo4j_server.password not in result.output
    result = CliRunner().invoke(cli, ["load", str(tmp_path)], env=env)
    assert result.exit_code == 0, result.output
    assert "0 nodes and 0 relationships created" in result.output
