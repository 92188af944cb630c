"""Faults against a real Neo4j: kill -9 of the server in the middle of a multi-plan load.

This module starts its OWN DevServer (the session fixture's server must survive), kills it
after the first transactions of plans have committed, restarts it, checks by query that no plan
is half-written, and re-runs the load to the same state as a clean load.
"""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import threading
from pathlib import Path

import networkx as nx
import pytest

from policykg.devserver import DevServer, default_cache_dir, fetch_jars
from policykg.graph import neo4j_load, schema
from policykg.graph.neo4j_load import Connection

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def own_server():
    if os.environ.get("NEO4J_URI"):
        pytest.skip("fault tests kill the server: they need a local DevServer, not NEO4J_URI")
    cache = default_cache_dir()
    lib = fetch_jars(cache)
    home = Path(tempfile.mkdtemp(prefix="test-faults-", dir=cache))
    # An explicit password: a generated one may start with "-", which neo4j-admin reads as an option.
    server = DevServer(home, password="faults-" + secrets.token_hex(8), lib_dir=lib)
    try:
        server.start()
        yield server
    finally:
        server.kill()
        shutil.rmtree(home, ignore_errors=True)


def multiply(graph: nx.MultiDiGraph, copies: int) -> nx.MultiDiGraph:
    """``copies`` renamed copies of every plan (with its parts, tasks and relationships), all
    pointing at the same shared entities: a multi-plan graph with realistic shapes."""
    plans = [n for n, d in graph.nodes(data=True) if d["label"] == schema.PLAN]
    out = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        if data["label"] not in (schema.PLAN, schema.PART, schema.TASK):
            out.add_node(node, **data)
    for u, v, k, d in neo4j_load.global_edges(graph):
        out.add_edge(u, v, key=k, **d)
    for i in range(copies):
        def rename(node: str) -> str:
            owner = neo4j_load._owner(graph, node)
            return node if owner is None else node.replace(owner, f"{owner} #{i}", 1)

        for node, data in graph.nodes(data=True):
            owner = neo4j_load._owner(graph, node)
            if owner is None:
                continue
            new = dict(data)
            if "plan" in new:
                new["plan"] = rename(owner)
            if data["label"] == schema.PLAN:
                new["title"] = new["name"] = f"{data['name']} #{i}"
            out.add_node(rename(node), **new)
            for _, v, k, d in graph.out_edges(node, keys=True, data=True):
                out.add_edge(rename(node), rename(v), key=k, **d)
    assert sum(1 for _, d in out.nodes(data=True) if d["label"] == schema.PLAN) == copies * len(plans)
    return out


def _plan_state(driver) -> dict[str, tuple[set, set]]:
    """For every Plan in the database: its part/task ids and the relationships its nodes own."""
    records, _, _ = driver.execute_query(
        "MATCH (p:Plan) "
        "OPTIONAL MATCH (n) WHERE (n:Part OR n:Task) AND n.plan = p.id "
        "WITH p, collect(n) AS owned "
        "UNWIND [p] + owned AS s "
        "OPTIONAL MATCH (s)-[r]->(t) "
        "RETURN p.id AS plan, collect(DISTINCT s.id) AS nodes, "
        "       collect(CASE WHEN r IS NULL THEN null ELSE [s.id, type(r), t.id] END) AS rels")
    return {r["plan"]: (set(r["nodes"]), {tuple(x) for x in r["rels"]}) for r in records}


def _model_plan_state(graph: nx.MultiDiGraph, plan: str) -> tuple[set, set]:
    nodes = {plan} | {n for n, d in graph.nodes(data=True) if d.get("plan") == plan
                      and d["label"] in (schema.PART, schema.TASK)}
    rels = {(u, k, v) for n in nodes for u, v, k in graph.out_edges(n, keys=True)}
    return nodes, rels


def _totals(driver) -> tuple[int, int]:
    n = driver.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"]
    r = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c").records[0]["c"]
    return n, r


def test_kill_during_load_leaves_whole_plans(own_server, seeds_build):
    graph = multiply(seeds_build.graph, 12)  # 60 plans
    connection = Connection(own_server.uri, own_server.user, own_server.password,
                            connect_timeout=2, retry_time=3)
    committed = threading.Event()
    done: list[int] = []

    def progress(n: int) -> None:
        done.append(n)
        if len(done) >= 3:
            committed.set()

    outcome: dict = {}

    def run() -> None:
        try:
            outcome["stats"] = neo4j_load.load_graph(graph, connection, rows_per_batch=200, progress=progress)
        except neo4j_load.LoadError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    assert committed.wait(120), "no transaction of plans committed"
    own_server.kill()
    thread.join(60)
    assert not thread.is_alive(), "the load did not give up after the server died"
    assert "error" in outcome, f"the load finished before the kill: {outcome}"
    error = outcome["error"]
    assert error.exit_code == neo4j_load.EXIT_INTERRUPTED
    message = str(error)
    assert message.startswith("lost the connection to bolt://127.0.0.1:") and "re-run" in message
    assert own_server.password not in message and len(message) < 400

    own_server.start()
    with own_server_driver(own_server) as driver:
        state = _plan_state(driver)
        total_plans = sum(1 for _, d in graph.nodes(data=True) if d["label"] == schema.PLAN)
        assert 3 <= len(state) < total_plans, len(state)
        for plan, (nodes, rels) in state.items():
            assert (nodes, rels) == _model_plan_state(graph, plan), f"{plan} is half-written"
        # no Part or Task without its Plan
        orphans = driver.execute_query("MATCH (n) WHERE (n:Part OR n:Task) AND NOT EXISTS "
                                       "{ MATCH (p:Plan {id: n.plan}) } RETURN count(n) AS c").records[0]["c"]
        assert orphans == 0

        stats = neo4j_load.load_graph(graph, connection, rows_per_batch=200)
        assert stats.plans == total_plans and (stats.nodes_deleted, stats.relationships_deleted) == (0, 0)
        assert _totals(driver) == (graph.number_of_nodes(), graph.number_of_edges())  # as a clean load
        for plan, (nodes, rels) in _plan_state(driver).items():
            assert (nodes, rels) == _model_plan_state(graph, plan)
        again = neo4j_load.load_graph(graph, connection, rows_per_batch=200)
        assert (again.nodes_created, again.relationships_created, again.nodes_deleted,
                again.relationships_deleted) == (0, 0, 0, 0)


def own_server_driver(server):
    from neo4j import GraphDatabase

    return GraphDatabase.driver(server.uri, auth=server.auth)


def test_lost_server_before_load_is_unreachable(own_server, seeds_build):
    """A server that is down from the start: bounded time, exit code for unreachable."""
    import time

    own_server.kill()
    try:
        connection = Connection(own_server.uri, own_server.user, own_server.password)
        t0 = time.monotonic()
        with pytest.raises(neo4j_load.LoadError) as info:
            neo4j_load.load_graph(seeds_build.graph, connection)
        assert time.monotonic() - t0 < 15
        assert info.value.exit_code == neo4j_load.EXIT_UNREACHABLE
    finally:
        own_server.start()
