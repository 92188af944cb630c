"""Pieces of the last build's files copied into the next (graph/fragments.py): the files are
byte for byte what writing everything afresh gives, and unchanged plans are not written again."""
from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from policykg.graph import fragments, schema, writers


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != fragments.INDEX}


class CountingElements:
    """Stands in for writers._graphml_element and counts the GraphML elements made afresh."""

    def __init__(self, monkeypatch):
        self.made = 0
        real = writers._graphml_element

        def counting(*args):
            self.made += 1
            return real(*args)

        monkeypatch.setattr(writers, "_graphml_element", counting)


def _plans(graph) -> list[str]:
    return [n for n, d in graph.nodes(data=True) if d["label"] == schema.PLAN]


def _edited(graph):
    """Another build of the corpus: one plan's task renamed and given a property no task had, one
    entity renamed, one plan's alignments gone."""
    graph = copy.deepcopy(graph)
    first, *_, last = _plans(graph)
    task = next(n for n, d in graph.nodes(data=True) if d["label"] == schema.TASK and d["plan"] == first)
    graph.nodes[task]["name"] = "改过的任务"
    graph.nodes[task]["note"] = "新属性"
    entity = next(n for n, d in graph.nodes(data=True) if d["label"] == "Hospital")
    graph.nodes[entity]["name"] += "（更名）"
    graph.remove_edges_from([(u, v, k) for u, v, k in graph.out_edges(last, keys=True) if k == schema.ALIGNS_WITH])
    return graph


def _elements(graph, runs) -> int:
    return sum(len(run.nodes) + sum(1 for _ in run.edges(graph)) for run in runs)


def _changed_runs(before, after, tmp_path) -> list[fragments.Run]:
    """The plan runs of ``after`` whose JSON is not that of a run of ``before``."""
    keys = []
    for graph in (before, after):
        runs = fragments.runs(graph)
        writers.write_json(graph, tmp_path / "keys.json", runs)
        keys.append(runs)
    old = {run.key for run in keys[0]}
    return [run for run in keys[1] if run.plan is not None and run.key not in old]


def test_a_build_copies_what_did_not_change_and_writes_what_a_fresh_build_writes(seeds_build, tmp_path, monkeypatch):
    out = tmp_path / "out"
    writers.write_all(seeds_build.graph, out, reuse=True)
    assert (out / fragments.INDEX).is_file()
    graph = _edited(seeds_build.graph)

    counting = CountingElements(monkeypatch)
    writers.write_all(graph, out, reuse=True)
    reused = counting.made
    counting.made = 0
    writers.write_all(graph, tmp_path / "fresh")
    assert _files(out) == _files(tmp_path / "fresh")
    assert not (tmp_path / "fresh" / fragments.INDEX).exists()
    everything = graph.number_of_nodes() + graph.number_of_edges()
    assert counting.made == everything
    # made again: the shared nodes, and the runs of the two plans that changed
    changed = _changed_runs(seeds_build.graph, graph, tmp_path)
    first, *_, last = _plans(graph)
    assert {run.plan for run in changed} == {first, last}
    assert reused == _elements(graph, [run for run in fragments.runs(graph) if run.plan is None]) + _elements(
        graph, changed) < everything

    # and again from the index this build wrote: nothing of a plan is made again, and its headers
    # are the plans' shapes the index keeps, merged with the shared nodes' read afresh
    counting.made = 0
    shaped = []
    monkeypatch.setattr(writers, "run_shape", lambda graph, run, real=writers.run_shape: shaped.append(run) or real(graph, run))
    writers.write_all(graph, out, reuse=True)
    assert _files(out) == _files(tmp_path / "fresh")
    assert counting.made == _elements(graph, [run for run in fragments.runs(graph) if run.plan is None])
    assert shaped and all(run.plan is None for run in shaped)


def test_headers_merged_from_shapes_are_the_whole_graphs(seeds_build):
    """Every run's shape merged, in order, gives the keys and column types a scan of every node
    and edge gives: the first value of a column that is not empty decides its type."""
    graph = copy.deepcopy(seeds_build.graph)
    tasks = [n for n, d in graph.nodes(data=True) if d["label"] == schema.TASK]
    graph.nodes[tasks[0]]["weight"] = None  # no value in the first run …
    graph.nodes[tasks[-1]]["weight"] = 2.5  # … a float in the last: the column is a double
    runs = fragments.runs(graph)
    headers = writers.merge_shapes(runs, [writers.run_shape(graph, run) for run in runs])
    assert headers["nodes"][schema.TASK]["columns"]["weight"] == "double"
    assert headers["nodes"][schema.TASK]["runs"] == [run for run in runs if any(n in tasks for n in run.nodes)]
    networkx_keys = {(name, attr_type, scope) for name, attr_type, scope in headers["keys"]}
    assert ("weight", "double", "node") in networkx_keys and ("weight", "string", "node") in networkx_keys


@pytest.mark.parametrize("damage", ["edited output", "corrupt index", "index of other code"])
def test_what_the_index_no_longer_describes_is_written_afresh(seeds_build, tmp_path, monkeypatch, damage):
    out = tmp_path / "out"
    writers.write_all(seeds_build.graph, out, reuse=True)
    graphml = out / writers.GRAPH_GRAPHML
    if damage == "edited output":  # same size, other bytes (and so another modification time)
        data = graphml.read_bytes()
        graphml.write_bytes(data.replace(b"<node ", b"<nod3 "))
        os.utime(graphml, ns=(1, 1))
    elif damage == "corrupt index":
        (out / fragments.INDEX).write_bytes(b'{"version": tru')
    else:
        monkeypatch.setattr(fragments, "writer_version", lambda: "another")
    counting = CountingElements(monkeypatch)
    writers.write_all(seeds_build.graph, out, reuse=True)
    assert counting.made == seeds_build.graph.number_of_nodes() + seeds_build.graph.number_of_edges()
    writers.write_all(seeds_build.graph, tmp_path / "fresh")
    assert _files(out) == _files(tmp_path / "fresh")


def test_runs_are_the_graph_in_its_order(seeds_build):
    graph = seeds_build.graph
    runs = fragments.runs(graph)
    assert [n for run in runs for n in run.nodes] == list(graph.nodes)
    assert [e for run in runs for e in run.edges(graph)] == list(graph.edges(keys=True, data=True))
    for run in runs:
        assert {schema.owning_plan(n, graph.nodes[n]) for n in run.nodes} == {run.plan}
    assert {run.plan for run in runs} - {None} == set(_plans(graph))


def test_no_cache_keeps_no_index(seeds_build, tmp_path):
    writers.write_all(seeds_build.graph, tmp_path, reuse=True)
    writers.write_all(seeds_build.graph, tmp_path, reuse=False)
    assert not (tmp_path / fragments.INDEX).exists()


def test_a_damaged_shape_is_made_afresh(seeds_build, tmp_path):
    """An index whose shapes are not shapes (a damaged file that still parses) costs their reuse,
    not the build."""
    import orjson

    out = tmp_path / "out"
    writers.write_all(seeds_build.graph, out, reuse=True)
    index = orjson.loads((out / fragments.INDEX).read_bytes())
    index["shapes"]["table"] = [{"node": 5, "edge": [], "nodes": {}, "rels": {}}] * len(index["shapes"]["table"])
    (out / fragments.INDEX).write_bytes(orjson.dumps(index))
    assert fragments.Fragments(out).shape(next(iter(index["shapes"]["runs"]))) is None
    writers.write_all(seeds_build.graph, out, reuse=True)
    writers.write_all(seeds_build.graph, tmp_path / "fresh")
    assert _files(out) == _files(tmp_path / "fresh")
