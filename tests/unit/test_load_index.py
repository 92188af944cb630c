"""The build's index of graph.json for the load (graph/load_index.py): the hashes a load would
compute, a skeleton of every node, and the records of what is sent read from graph.json alone."""
from __future__ import annotations

import os

import pytest

from policykg.graph import load_index, neo4j_delta, neo4j_load, schema, writers
from tests.unit.test_fragments import _edited


def _computed(graph) -> neo4j_delta.Delta:
    return neo4j_delta.compute(graph, neo4j_load._plan_parts(graph), neo4j_load.shared_nodes(graph))


def test_the_index_has_the_hashes_and_nodes_of_the_graph(seeds_build, tmp_path):
    graph = seeds_build.graph
    writers.write_all(graph, tmp_path, reuse=True)
    with load_index.open_index(tmp_path / writers.GRAPH_JSON) as index:
        computed = _computed(graph)
        assert index.delta.plans == computed.plans and index.delta.shared == computed.shared
        assert {n: d["label"] for n, d in index.graph.nodes(data=True)} == {n: d["label"] for n, d in
                                                                             graph.nodes(data=True)}
        for node, data in index.graph.nodes(data=True):
            assert data.get("plan") == (graph.nodes[node]["plan"] if data["label"] in schema.PLAN_SCOPED else None)
        memberships = {(u, v) for u, v, k in graph.edges(keys=True)
                       if k == schema.PART_OF and graph.nodes[v].get("level") == schema.GROUPING_LEVEL}
        assert memberships and set(index.graph.edges()) == memberships


def test_hashes_taken_from_the_last_build_are_those_of_the_new_graph(seeds_build, tmp_path):
    writers.write_all(seeds_build.graph, tmp_path, reuse=True)
    graph = _edited(seeds_build.graph)  # one plan's task, another plan's alignments, an entity
    writers.write_all(graph, tmp_path, reuse=True)
    with load_index.open_index(tmp_path / writers.GRAPH_JSON) as index:
        computed = _computed(graph)
        assert index.delta.plans == computed.plans and index.delta.shared == computed.shared
    before = _computed(seeds_build.graph)
    assert sum(before.plans[p] != computed.plans[p] for p in computed.plans) == 2


def test_fill_reads_the_records_of_what_is_sent(seeds_build, tmp_path):
    graph = seeds_build.graph
    writers.write_all(graph, tmp_path, reuse=True)
    plan = next(n for n, d in graph.nodes(data=True) if d["label"] == schema.PLAN)
    entity = next(n for n, d in graph.nodes(data=True) if d["label"] == "Hospital")
    with load_index.open_index(tmp_path / writers.GRAPH_JSON) as index:
        delta = index.delta
        delta.changed_plans, delta.changed_shared = {plan}, [entity]
        index.fill(delta)
        parts = neo4j_load._plan_parts(index.graph)
        want = neo4j_load._plan_parts(graph)[plan]
        assert parts[plan].nodes == want.nodes and parts[plan].edges == want.edges
        for node in (*want.nodes, entity):
            assert index.graph.nodes[node] == graph.nodes[node]
        assert list(index.graph.out_edges(entity, keys=True, data=True)) == list(
            graph.out_edges(entity, keys=True, data=True))
        assert index.graph.number_of_edges() < graph.number_of_edges() / 2  # not the whole of graph.json
        other = next(n for n, d in graph.nodes(data=True) if d["label"] == schema.PLAN and n != plan)
        assert index.graph.nodes[other] == {"label": schema.PLAN}


def test_an_index_of_another_graph_json_is_not_used(seeds_build, tmp_path):
    writers.write_all(seeds_build.graph, tmp_path, reuse=True)
    path = tmp_path / writers.GRAPH_JSON
    os.utime(path, ns=(1, 1))  # written since (or edited)
    assert load_index.open_index(path) is None
    writers.write_all(seeds_build.graph, tmp_path, reuse=False)  # --no-cache: no index
    assert load_index.open_index(path) is None
    writers.write_json(seeds_build.graph, tmp_path / "elsewhere" / writers.GRAPH_JSON)
    assert load_index.open_index(tmp_path / "elsewhere" / writers.GRAPH_JSON) is None


def test_a_graph_json_cut_short_under_the_load_is_a_value_error_naming_it(seeds_build, tmp_path):
    graph = seeds_build.graph
    writers.write_all(graph, tmp_path, reuse=True)
    path = tmp_path / writers.GRAPH_JSON
    with load_index.open_index(path) as index:
        os.truncate(path, 1000)  # after the index was checked against it
        index.delta.changed_plans = {n for n, d in graph.nodes(data=True) if d["label"] == schema.PLAN}
        with pytest.raises(ValueError, match=f"{path}: not the graph the build's index describes"):
            index.fill(index.delta)
