"""What a load reads of graph.json when the build left its index: only what it sends.

A load compares hashes (``neo4j_delta``) and sends a few plans; reading the whole of graph.json
into networkx and hashing all of it took most of an incremental load. So the build, which has the
graph at hand, puts into its index (``fragments.INDEX``) what the load needs of every node:

* each node's id and label, and the run (``fragments.runs``) it is in; a run's place in graph.json;
* each plan's hashes (subgraph, links), runs and their keys (the next build takes the hashes of
  a plan whose runs have the same keys from there); each shared node's hash;
* each grouping region's members (its PART_OF relationships come from the members' runs).

``open_index`` gives the graph as a skeleton (every node with its label, and its plan for a Part,
Task or Target; the memberships) and the hashes. After the load has compared the hashes with the
database, ``fill`` parses the runs of what it is about to send from graph.json, nothing else. An
index that does not describe graph.json as it is (another build, an edited file, another version)
is not used: the load reads graph.json whole, as without one.
"""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import networkx as nx
import orjson

from policykg.graph import fragments, neo4j_delta, schema

FORMAT = 1  # of the entries


def entries(graph: nx.MultiDiGraph, runs: list[fragments.Run], previous: dict | None = None) -> dict:
    """The load's part of the index, of runs write_json has placed (and keyed). A plan whose runs
    have the keys they had in the ``previous`` build's entries has the hashes it had."""
    by_plan: dict[str, list[int]] = defaultdict(list)
    for i, run in enumerate(runs):
        if run.plan is not None:
            by_plan[run.plan].append(i)
    known = {}
    if isinstance(previous, dict) and previous.get("format") == FORMAT:
        known = {plan: (subgraph, links, keys) for plan, (subgraph, links, _, keys) in previous["plans"].items()}
    plans = {}
    for plan, indices in by_plan.items():
        keys = [runs[i].key for i in indices]
        if plan in known and known[plan][2] == keys:  # the same records: the same hashes
            hashes = known[plan][:2]
        else:
            nodes = [node for i in indices for node in runs[i].nodes]
            edges = [edge for i in indices for edge in runs[i].edges(graph)]
            hashes = neo4j_delta.plan_hashes(graph, plan, nodes, edges)
        plans[plan] = [*hashes, indices, keys]
    shared = [node for run in runs if run.plan is None for node in run.nodes]
    members = {node: sorted(neo4j_delta.grouping_members(graph, node))
               for node in shared if graph.nodes[node].get("level") == schema.GROUPING_LEVEL}
    labels = graph.nodes
    return {"format": FORMAT,
            "runs": [run.json for run in runs],
            "nodes": [[node, labels[node]["label"], i] for i, run in enumerate(runs) for node in run.nodes],
            "plans": plans,
            "shared": {node: neo4j_delta.shared_hash(graph, node) for node in shared},
            "members": members}


class GraphIndex:
    """The graph of graph.json as a skeleton, its hashes, and where the rest of it is."""

    def __init__(self, path: Path, fd: int, index: dict):
        self.path, self._fd = path, fd
        self._runs: list[list[int]] = index["runs"]
        self._plan_runs = {plan: indices for plan, (_, _, indices, _) in index["plans"].items()}
        self._run_of: dict[str, int] = {}
        self.graph = nx.MultiDiGraph()
        plan_of_run = {i: plan for plan, indices in self._plan_runs.items() for i in indices}
        for node, label, run in index["nodes"]:
            self._run_of[node] = run
            data = {"label": label}
            if label in schema.PLAN_SCOPED:
                data["plan"] = plan_of_run[run]
            self.graph.add_node(node, **data)
        self.graph.add_edges_from((member, grouping, schema.PART_OF)
                                  for grouping, members in index["members"].items() for member in members)
        self.delta = neo4j_delta.Delta(plans={plan: (subgraph, links) for plan, (subgraph, links, *_) in
                                              index["plans"].items()},
                                       shared=dict(index["shared"]))

    def fill(self, delta: neo4j_delta.Delta) -> None:
        """Read the nodes and relationships of the plans and shared nodes the load sends."""
        wanted = {i for plan in (*delta.changed_plans, *delta.relinked_plans) for i in self._plan_runs[plan]}
        wanted.update(self._run_of[node] for node in delta.changed_shared)
        for i in sorted(wanted):
            node_start, node_end, edge_start, edge_end = self._runs[i]
            for row in self._records(node_start, node_end):
                data = self.graph.nodes[row.pop("id")]
                data.clear()
                data.update(row)
            self.graph.add_edges_from((row.pop("source"), row.pop("target"), row.pop("key"), row)
                                      for row in self._records(edge_start, edge_end))

    def _records(self, start: int, end: int) -> list[dict]:
        if end <= start:
            return []
        data = os.pread(self._fd, end - start, start)
        try:
            if len(data) != end - start:
                raise ValueError("shorter than the build's index says")
            return orjson.loads(b"[" + data + b"]")
        except ValueError as exc:
            raise ValueError(f"{self.path}: not the graph the build's index describes ({exc})") from None

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> GraphIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_index(graph_json: Path) -> GraphIndex | None:
    """The index of ``graph_json`` left by the build that wrote it, or None."""
    graph_json = Path(graph_json)
    index = fragments.read_index(graph_json.parent)
    if index is None:
        return None
    load = index.get("load")
    try:
        if load is None or load.get("format") != FORMAT:
            return None
        fd = os.open(graph_json, os.O_RDONLY)
    except (OSError, AttributeError):
        return None
    try:
        # what the index says of the file, checked on the file opened (not replaced in between)
        stat = os.fstat(fd)
        if index["files"].get(graph_json.name) != [stat.st_size, stat.st_mtime_ns]:
            os.close(fd)
            return None
        return GraphIndex(graph_json, fd, load)
    except (KeyError, TypeError, ValueError):
        os.close(fd)
        return None
