"""The streaming GraphML writer against networkx's own writer: what a reader gets back is the same."""
from __future__ import annotations

import json

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.graph import writers


def _every_value_kind() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node("Plan:健康上海行动", label="Plan", name="健康上海行动（2019—2030年）", year=2019,
                   score=0.75, series=True, aliases=["健康上海", "Healthy Shanghai"], rules={"b", "a"},
                   extra={"区": "浦东新区", "n": [1, 2]}, issued=None)
    graph.add_node("Agency:A&B <卫健委>", label="Agency", name='say "hi" & \'bye\' <now>\n二行',
                   year=None, series=False, aliases=[], issued="2020-01-01")
    # "count" is a string on nodes and a number on edges: both writers declare one id for the two.
    graph.add_node("Task:1", label="Task", count="三", order=1)
    graph.add_node("Task:2", label="Task", count="四", order=2)  # the same attribute names as Task:1
    graph.add_edge("Plan:健康上海行动", "Agency:A&B <卫健委>", key="ISSUED_BY", kind="issuer")
    graph.add_edge("Plan:健康上海行动", "Task:1", key="HAS_TASK", count=2, sentences=[0, 3])
    graph.add_edge("Plan:健康上海行动", "Task:1", key="MENTIONS", count=1, sentences=[], score=None,
                   surfaces=("任务", "<一>"))
    graph.add_edge("Task:1", "Agency:A&B <卫健委>", key="MENTIONS", shared={"x"}, score=1.5)
    graph.add_edge("Task:2", "Agency:A&B <卫健委>", key="MENTIONS", shared=set(), score=2.0)
    return graph


def _networkx_graphml(graph: nx.MultiDiGraph, path) -> None:
    """What write_graphml wrote before it streamed: a flattened copy through nx.write_graphml."""
    def flat(value):
        if value is None:
            return ""
        if isinstance(value, (list, tuple, set, dict)):
            return json.dumps(list(value) if isinstance(value, set) else value, ensure_ascii=False)
        return value

    copy = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        copy.add_node(node, **{k: flat(v) for k, v in data.items()})
    for u, v, key, data in graph.edges(keys=True, data=True):
        copy.add_edge(u, v, key=key, type=key, **{k: flat(x) for k, x in data.items()})
    nx.write_graphml(copy, path, encoding="utf-8", named_key_ids=True)


def _read(path):
    graph = nx.read_graphml(path, force_multigraph=True)
    return (list(graph.nodes(data=True)), sorted(graph.edges(keys=True, data=True), key=repr))


def test_reads_back_as_networkx_writes_it(tmp_path):
    graph = _every_value_kind()
    writers.write_graphml(graph, tmp_path / "streamed.graphml")
    _networkx_graphml(graph, tmp_path / "networkx.graphml")

    streamed = _read(tmp_path / "streamed.graphml")
    assert streamed == _read(tmp_path / "networkx.graphml")
    nodes, edges = streamed
    plan = dict(nodes)["Plan:健康上海行动"]
    assert plan["aliases"] == '["健康上海", "Healthy Shanghai"]' and plan["year"] == 2019
    assert plan["series"] is True and plan["score"] == 0.75
    assert dict(nodes)["Agency:A&B <卫健委>"]["name"] == 'say "hi" & \'bye\' <now>\n二行'
    assert (dict(nodes)["Task:1"], dict(nodes)["Task:2"]) == ({"label": "Task", "count": "三", "order": 1},
                                                             {"label": "Task", "count": "四", "order": 2})
    assert sum(1 for u, v, *_ in edges if (u, v) == ("Plan:健康上海行动", "Task:1")) == 2
    assert {(k, d["type"]) for *_, k, d in edges} == {(k, k) for *_, k in graph.edges(keys=True)}


def test_keys_are_typed_and_text_is_utf8(tmp_path):
    path = tmp_path / "graph.graphml"
    writers.write_graphml(_every_value_kind(), path)
    text = path.read_text(encoding="utf-8")
    assert '<key id="year" for="node" attr.name="year" attr.type="long"/>' in text
    assert '<key id="score" for="edge" attr.name="score" attr.type="double"/>' in text
    assert '<key id="series" for="node" attr.name="series" attr.type="boolean"/>' in text
    assert "健康上海行动" in text and "&#" not in text


def test_a_failed_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "graph.graphml"
    writers.write_graphml(_every_value_kind(), path)
    before = path.read_bytes()
    broken = _every_value_kind()
    broken.add_node("Task:2", name="control \x01 character")  # not allowed in XML 1.0
    with pytest.raises(ValueError):
        writers.write_graphml(broken, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graph.graphml"]


_ITEMS = st.one_of(st.text(), st.integers(), st.booleans(), st.floats(allow_nan=False), st.none())


@given(st.one_of(st.lists(st.text()), st.lists(st.integers()), st.lists(_ITEMS), st.sets(st.text()),
                 st.tuples(st.text(), st.integers()), st.lists(st.lists(st.integers()))))
@settings(max_examples=500, deadline=None)
def test_lists_are_written_as_json_writes_them(values):
    expected = json.dumps(list(values), ensure_ascii=False)
    assert writers._graphml_text(values) == expected
