"""Incremental loads (graph/neo4j_delta.py) on the real server: after a load that sent only what
changed, the database is the one a clean load of the same graph makes, property for property."""
from __future__ import annotations

import json
import shutil

import networkx as nx
import pytest
from click.testing import CliRunner

from policykg.graph import load_index, neo4j_delta, neo4j_load, schema, writers
from policykg.graph.model import plan_id
from policykg.graph.neo4j_load import Connection

pytestmark = pytest.mark.neo4j


def _connection(server) -> Connection:
    return Connection(server.uri, server.user, server.password, server.database)


def _full_state(driver, database) -> tuple[list, list]:
    """Every node (labels, properties) and relationship (ends, type, properties), sorted."""
    def text(value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    nodes, _, _ = driver.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props",
                                       database_=database)
    rels, _, _ = driver.execute_query("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, "
                                      "properties(r) AS props", database_=database)
    return (sorted(text([sorted(r["labels"]), r["props"]]) for r in nodes),
            sorted(text([r["a"], r["t"], r["b"], r["props"]]) for r in rels))


def _wipe(driver, database) -> None:
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)


def _clean_load_state(graph, server, driver) -> tuple[list, list]:
    _wipe(driver, server.database)
    stats = neo4j_load.load_graph(graph, _connection(server), rows_per_batch=400)
    assert stats.plans_sent == stats.plans  # an empty database: everything is sent
    return _full_state(driver, server.database)


def test_incremental_load_equals_a_clean_load(seeds_dir, neo4j_server, empty_db, tmp_path):
    from policykg.build import build

    connection, db = _connection(neo4j_server), neo4j_server.database
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    later = next(corpus.glob("004_*.txt"))  # a district plan added later
    held_back = tmp_path / later.name
    later.rename(held_back)
    first = build([corpus])
    neo4j_load.load_graph(first.graph, connection, rows_per_batch=400)

    # This month: one plan corrected, one added.
    changed = next(corpus.glob("001_*.txt"))
    text = changed.read_text(encoding="utf-8")
    assert "朱家角人民医院" in text
    changed.write_text(text.replace("朱家角人民医院", "瑞金医院"), encoding="utf-8")
    held_back.rename(later)
    second = build([corpus])
    stats = neo4j_load.load_graph(second.graph, connection, rows_per_batch=400)
    incremental = _full_state(empty_db, db)

    plan_of = {p.document.name: plan_id(p) for p in second.plans}
    hashes = neo4j_delta.compute(second.graph, neo4j_load._plan_parts(second.graph),
                                 neo4j_load.shared_nodes(second.graph))
    old = neo4j_delta.compute(first.graph, neo4j_load._plan_parts(first.graph), neo4j_load.shared_nodes(first.graph))
    sent = {p for p in hashes.plans if old.plans.get(p, (None,))[0] != hashes.plans[p][0]}
    assert {plan_of[changed.name], plan_of[later.name]} <= sent
    assert stats.plans == 5 and stats.plans_sent == len(sent) < 5  # unchanged plans were not sent again
    assert 0 < stats.shared_sent < len(hashes.shared)

    assert incremental == _clean_load_state(second.graph, neo4j_server, empty_db)

    # Loading the same graph again sends nothing at all.
    again = neo4j_load.load_graph(second.graph, connection, rows_per_batch=400)
    assert (again.plans, again.plans_sent, again.shared_sent, again.transactions) == (5, 0, 0, 1)
    assert (again.nodes_created, again.relationships_created, again.nodes_deleted, again.relationships_deleted,
            again.properties_set) == (0, 0, 0, 0, 0)


def _load(graph, connection, via: str, out) -> neo4j_load.LoadStats:
    """A load of the graph in memory, or of the files a build writes through the build's index."""
    if via == "graph":
        return neo4j_load.load_graph(graph, connection)
    writers.write_all(graph, out, reuse=True)  # as a build does, after the build before it
    with load_index.open_index(out / writers.GRAPH_JSON) as index:
        return neo4j_load.load_graph(None, connection, index=index)


def test_a_load_through_the_build_index_reads_only_what_it_sends(seeds_dir, neo4j_server, empty_db, tmp_path):
    """policykg build, then policykg load as a user runs them, a month apart: the load takes the
    build's hashes and reads from graph.json only the plans and entities it sends, and leaves
    the database a clean load of the same graph leaves."""
    from policykg.cli import cli

    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USERNAME": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": neo4j_server.database}
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(seeds_dir, corpus)
    later = next(corpus.glob("004_*.txt"))
    later.rename(tmp_path / later.name)
    runner = CliRunner()
    read: list[int] = []  # edges in the load's graph once it has read what it sends
    real_fill = load_index.GraphIndex.fill

    def fill(index, delta):
        real_fill(index, delta)
        read.append(index.graph.number_of_edges())

    for month in range(2):
        if month:  # one plan corrected, one added
            changed = next(corpus.glob("001_*.txt"))
            changed.write_text(changed.read_text(encoding="utf-8").replace("朱家角人民医院", "瑞金医院"), encoding="utf-8")
            (tmp_path / later.name).rename(later)
        result = runner.invoke(cli, ["build", str(corpus), "--out", str(out), "-q"])
        assert result.exit_code == 0, result.output
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(load_index.GraphIndex, "fill", fill)
            result = runner.invoke(cli, ["load", str(out), "-q"], env=env)
        assert result.exit_code == 0, result.output
        assert len(read) == month + 1, "the load did not go through the build's index"
    assert "(database neo4j; 2 new or changed, 3 unchanged)" in result.output
    graph = writers.read_json(out / writers.GRAPH_JSON)
    assert read[-1] < graph.number_of_edges() / 2
    incremental = _full_state(empty_db, neo4j_server.database)
    assert incremental == _clean_load_state(graph, neo4j_server, empty_db)


def _small_graph(first_years: dict, score: float | None, members: list[str]) -> nx.MultiDiGraph:
    """Two plans, a programme with diffusion years, a grouping region and its members."""
    graph = nx.MultiDiGraph()
    lower, higher, program, grouping = "Plan:区要点", "Plan:市要点", "Program:青山行动", "Region:青山湾区"
    for plan, level in ((lower, "district"), (higher, "municipality")):
        graph.add_node(plan, label=schema.PLAN, title=plan.partition(":")[2], level=level, year=2024)
        graph.add_edge(plan, program, key=schema.MENTIONS, count=1, sentences=["推进青山行动。"])
    graph.add_node(program, label="Program", name="青山行动", aliases=["青山行动"], **first_years)
    graph.add_node(grouping, label="Region", name="青山湾区", level=schema.GROUPING_LEVEL)
    for member in members:
        graph.add_node(member, label="Region", name=member.partition(":")[2], level="municipality")
        graph.add_edge(member, grouping, key=schema.PART_OF)
    if score is not None:
        graph.add_edge(lower, higher, key=schema.ALIGNS_WITH, score=score, shared=["青山行动"])
    return graph


@pytest.mark.parametrize("before, after", [
    # A first year no plan supports any more goes; an alignment changes its score, then goes.
    (({"first_year_district": 2024, "first_year_municipality": 2024}, 0.5, ["Region:甲市", "Region:乙市"]),
     ({"first_year_municipality": 2024}, 0.7, ["Region:甲市"])),
    (({"first_year_municipality": 2024}, 0.5, ["Region:甲市"]),
     ({"first_year_municipality": 2023}, None, ["Region:甲市", "Region:丙市"])),
])
@pytest.mark.parametrize("via", ["graph", "index"])
def test_changed_derived_properties_without_changed_plans(before, after, via, neo4j_server, empty_db, tmp_path):
    connection, db = _connection(neo4j_server), neo4j_server.database
    old, new = _small_graph(*before), _small_graph(*after)
    _load(old, connection, via, tmp_path)
    stats = _load(new, connection, via, tmp_path)
    assert stats.plans_sent == 0  # the plans' own subgraphs are unchanged: only alignments and shared nodes
    assert stats.shared_sent >= 1
    incremental = _full_state(empty_db, db)
    assert incremental == _clean_load_state(new, neo4j_server, empty_db)


def test_an_interrupted_shared_write_is_sent_again(seeds_build, neo4j_server, empty_db):
    """A shared node whose properties were written but not its hash (the load stopped between the
    two) is sent again by the next load."""
    connection, db = _connection(neo4j_server), neo4j_server.database
    graph = seeds_build.graph
    neo4j_load.load_graph(graph, connection)
    node = next(n for n in neo4j_load.shared_nodes(graph) if graph.nodes[n]["label"] == "Program")
    empty_db.execute_query(f"MATCH (n:Program {{id: $id}}) REMOVE n.{neo4j_delta.HASH} SET n.aliases = ['旧']",
                           id=node, database_=db)
    stats = neo4j_load.load_graph(graph, connection)
    assert (stats.plans_sent, stats.shared_sent) == (0, 1)
    records, _, _ = empty_db.execute_query("MATCH (n:Program {id: $id}) RETURN n.aliases AS a", id=node, database_=db)
    assert records[0]["a"] == graph.nodes[node]["aliases"]
