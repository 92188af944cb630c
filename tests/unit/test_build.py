"""The main job on the seeds, without a database: extraction, resolution, graph, files."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.graph import schema, writers
from policykg.graph.model import summary


def test_every_mention_points_into_the_original(seeds_build):
    for plan in seeds_build.plans:
        assert plan.mentions, plan.document.name
        for m in plan.mentions:
            assert plan.document.original[m.start:m.end] == m.text
            assert m.label in (*schema.ENTITY_LABELS, "Plan")
            assert m.canonical and m.entity_id


def test_traditional_and_simplified_plans_share_healthy_shanghai(seeds_build):
    graph = seeds_build.graph
    node = "Program:健康上海行动"
    assert node in graph
    plans = {graph.nodes[s]["file"][:3] for s, _, k in graph.in_edges(node, keys=True)
             if k == schema.MENTIONS and graph.nodes[s]["label"] == schema.PLAN}
    assert {"000", "004"} <= plans


def test_plans_of_different_levels_share_entities(seeds_build):
    graph = seeds_build.graph
    levels = {}
    for node, data in graph.nodes(data=True):
        if data["label"] not in schema.ENTITY_LABELS:
            continue
        mentioning = {graph.nodes[s]["level"] for s, _, k in graph.in_edges(node, keys=True)
                      if k == schema.MENTIONS and graph.nodes[s]["label"] == schema.PLAN}
        if len(mentioning) >= 2:
            levels[data["name"]] = mentioning
    assert "健康上海行动" in levels
    assert len(levels) >= 5


def test_region_hierarchy(seeds_build):
    graph = seeds_build.graph
    qingpu = "Region:上海市青浦区"
    assert (qingpu, "Region:上海市") in {(u, v) for u, v, k in graph.out_edges(qingpu, keys=True)
                                         if k == schema.PART_OF}
    assert graph.nodes[qingpu]["code"].startswith("310118")


def test_tasks_are_anchored(seeds_build):
    graph = seeds_build.graph
    tasks = [n for n, d in graph.nodes(data=True) if d["label"] == schema.TASK]
    assert len(tasks) >= 5 * 20
    mentions = [d for u, _, k, d in graph.edges(keys=True, data=True)
                if k == schema.MENTIONS and graph.nodes[u]["label"] == schema.TASK]
    assert mentions and all(d["sentences"] and d["sentences"][0] for d in mentions)


def test_writers_round_trip(seeds_build, tmp_path):
    written = writers.write_all(seeds_build.graph, tmp_path)
    assert all(p.exists() and p.stat().st_size > 0 for p in written)
    again = writers.read_json(tmp_path / writers.GRAPH_JSON)
    assert summary(again) == summary(seeds_build.graph)
    graphml = (tmp_path / writers.GRAPH_GRAPHML).read_text(encoding="utf-8")
    assert "健康上海行动" in graphml
    header = (tmp_path / writers.CSV_DIR / "nodes_Plan.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id:ID,") and header.endswith(":LABEL")
    data = json.loads((tmp_path / writers.GRAPH_JSON).read_text(encoding="utf-8"))
    assert {"nodes", "edges"} <= set(data)


def test_assemble_gives_the_cycle_collector_back_as_it_found_it(seeds_dir):
    import gc

    from policykg.build import assemble, extract_files

    plans, _ = extract_files(sorted(seeds_dir.glob("001_*.txt")))
    assert gc.isenabled()
    assemble(plans)
    assert gc.isenabled()
    gc.disable()
    try:
        assemble(plans)
        assert not gc.isenabled()
    finally:
        gc.enable()


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_chinese_characters_are_counted_as_re_counts_them(text):
    import re

    from policykg.extract.gate import count_cjk

    assert count_cjk(text) == len(re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", text))


def test_graph_json_is_node_link_json_written_in_pieces(seeds_build, tmp_path):
    """write_json streams what json.dumps(node_link_data) wrote whole, byte for byte, and
    read_json builds the graph node_link_graph built (same nodes, edges, keys, data, order)."""
    import networkx as nx

    graph = seeds_build.graph
    path = tmp_path / writers.GRAPH_JSON
    writers.write_json(graph, path)
    whole = json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False, separators=(",", ":"), default=str)
    assert path.read_text(encoding="utf-8") == whole
    again = writers.read_json(path)
    reference = nx.node_link_graph(json.loads(whole), directed=True, multigraph=True, edges="edges")
    assert list(again.nodes(data=True)) == list(reference.nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(reference.edges(keys=True, data=True))


def test_a_file_that_is_no_node_link_json_is_a_value_error(tmp_path):
    path = tmp_path / "graph.json"
    path.write_text('{"nodes": [{"name": "no id"}], "edges": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="not node-link JSON"):
        writers.read_json(path)
