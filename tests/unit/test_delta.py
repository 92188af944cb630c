"""The load hashes (graph/neo4j_delta.py): what decides that a plan or an entity is sent again."""
from __future__ import annotations

from policykg.graph import neo4j_delta, neo4j_load, writers


def _hashes(graph) -> tuple[dict, dict]:
    delta = neo4j_delta.compute(graph, neo4j_load._plan_parts(graph), neo4j_load.shared_nodes(graph))
    return delta.plans, delta.shared


def test_the_hashes_follow_content_not_the_order_plans_came_in(seeds_dir, seeds_build, tmp_path):
    """The same plans built in the opposite order (nodes, relationships and first years set in
    another order) and a graph read back from graph.json hash as the build did."""
    from policykg.build import build, input_files

    reversed_build = build(list(reversed(input_files([seeds_dir]))))
    assert list(reversed_build.graph) != list(seeds_build.graph)  # another order indeed
    writers.write_json(seeds_build.graph, tmp_path / writers.GRAPH_JSON)
    read_back = writers.read_json(tmp_path / writers.GRAPH_JSON)
    assert _hashes(reversed_build.graph) == _hashes(seeds_build.graph) == _hashes(read_back)


def test_a_changed_property_changes_only_its_owners_hash(seeds_build):
    graph = seeds_build.graph.copy()
    plans, shared = _hashes(graph)
    plan = next(iter(plans))
    task = next(n for n, d in graph.nodes(data=True) if d.get("plan") == plan and d["label"] == "Task")
    graph.nodes[task]["text"] = graph.nodes[task].get("text", "") + "。"
    entity = next(n for n in shared if n.startswith("Program:"))
    graph.nodes[entity]["aliases"] = [*graph.nodes[entity]["aliases"], "另一个名字"]
    new_plans, new_shared = _hashes(graph)
    assert {p for p in plans if plans[p] != new_plans[p]} == {plan}
    assert new_plans[plan][1] == plans[plan][1]  # its ALIGNS_WITH are hashed apart
    assert {n for n in shared if shared[n] != new_shared[n]} == {entity}
