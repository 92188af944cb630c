"""What a load needs to send: the parts of the graph that differ from what the database holds.

Every node a load writes on its own carries ``loaded_hash``, a hash of what was written for it
(of its records as graph.json has them, keys sorted):

* a Plan: its subgraph, i.e. its own properties, its parts and tasks with theirs, and every
  relationship going out of them (HAS_PART, HAS_TASK, MENTIONS with the evidence, COVERS,
  ISSUED_BY, IMPLEMENTS) except ALIGNS_WITH, which is hashed apart as ``links_hash``: it is
  derived from the whole corpus, so a new plan changes the alignments of older ones that did
  not change themselves, and those then get their ALIGNS_WITH rewritten, not their subgraph;
* a shared node (entity, region, series): its properties (aliases, first years …), the
  relationships going out of it (PART_OF, BRANCH_OF …) and, for a grouping region, its members.

A load reads the hashes of the graph's nodes from the database and sends a plan only when its
subgraph hash differs (or it is not there), its alignments when its links hash differs, and a
shared node with its relationships when its hash differs. A hash is written in the transaction
that writes the last of what it covers, so an interrupted load leaves an old hash (or none) and
the next load sends that part again. A database loaded by an earlier version has no hashes, or
hashes of another kind: everything is sent once, as before.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx
import orjson

from policykg.graph import cypher_files, schema
from policykg.graph.writers import edge_record, node_record

if TYPE_CHECKING:  # the build hashes too (load_index), without the driver
    from neo4j import ManagedTransaction

HASH = "loaded_hash"
LINKS_HASH = "links_hash"
HASH_PROPERTIES = (HASH, LINKS_HASH)  # written by the loader, not part of the graph model
LINKS = schema.ALIGNS_WITH  # the plan-to-plan relationships hashed apart from a plan's subgraph


def _digest(records: list) -> str:
    """Of a unit's records as graph.json holds them, but with their keys sorted (a node's first
    years are set in the order its plans come in), encoded in one orjson call."""
    return hashlib.sha256(orjson.dumps(records, default=str, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


def _edges(edges) -> list[dict]:
    """Relationship records in one order whatever order the graph has them in (one relationship
    per source, type and target)."""
    return [edge_record(u, v, k, d) for u, v, k, d in sorted(edges, key=lambda e: (e[0], e[2], e[1]))]


def plan_hashes(graph: nx.MultiDiGraph, plan: str, nodes: list[str], edges: list[tuple]) -> tuple[str, str]:
    """(subgraph hash, links hash) of a plan: ``nodes`` its own nodes, ``edges`` their outgoing
    relationships (u, v, key, data)."""
    own = [node_record(n, graph.nodes[n]) for n in sorted(nodes)]
    own.extend(_edges(e for e in edges if e[2] != LINKS))
    return _digest(own), _digest(_edges(e for e in edges if e[2] == LINKS and e[0] == plan))


def shared_hash(graph: nx.MultiDiGraph, node: str) -> str:
    records: list = [node_record(node, graph.nodes[node])]
    records.extend(_edges(graph.out_edges(node, keys=True, data=True)))
    if graph.nodes[node].get("level") == schema.GROUPING_LEVEL:
        records.append(sorted(grouping_members(graph, node)))
    return _digest(records)


def grouping_members(graph: nx.MultiDiGraph, node: str) -> list[str]:
    """The regions PART_OF a grouping region (长三角 …), in the graph's order."""
    return [u for u, _, key in graph.in_edges(node, keys=True) if key == schema.PART_OF]


@dataclass(slots=True)
class Delta:
    """The graph's hashes and which of them the database lacks."""

    plans: dict[str, tuple[str, str]] = field(default_factory=dict)  # plan → (subgraph, links) hash
    shared: dict[str, str] = field(default_factory=dict)  # shared node → hash
    changed_plans: set[str] = field(default_factory=set)  # subgraph to send
    relinked_plans: list[str] = field(default_factory=list)  # subgraph unchanged, ALIGNS_WITH to send
    changed_shared: list[str] = field(default_factory=list)

    def plan_hash_rows(self, plans) -> list[dict]:
        return [{"id": p, "hashes": {HASH: self.plans[p][0], LINKS_HASH: self.plans[p][1]}} for p in plans]

    def link_hash_rows(self, plans) -> list[dict]:
        return [{"id": p, "hashes": {LINKS_HASH: self.plans[p][1]}} for p in plans]

    def shared_hash_rows(self, graph: nx.MultiDiGraph, nodes) -> dict[str, list[dict]]:
        rows = defaultdict(list)
        for node in nodes:
            rows[schema.check_label(graph.nodes[node]["label"])].append({"id": node, "hashes": {HASH: self.shared[node]}})
        return rows


def compute(graph: nx.MultiDiGraph, plan_parts: dict, shared: list[str]) -> Delta:
    """The graph's hashes; ``plan_parts``: plan → an object with ``nodes`` and ``edges`` (the loader's PlanPart)."""
    delta = Delta()
    for plan, part in plan_parts.items():
        delta.plans[plan] = plan_hashes(graph, plan, part.nodes, part.edges)
    for node in shared:
        delta.shared[node] = shared_hash(graph, node)
    return delta


def compare(delta: Delta, graph: nx.MultiDiGraph, session, chunk: int = 20000) -> Delta:
    """Read the database's hashes of the graph's nodes and mark what differs."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for node in (*delta.plans, *delta.shared):
        by_label[graph.nodes[node]["label"]].append(node)
    loaded: dict[str, tuple] = {}
    for label, ids in sorted(by_label.items()):
        query = cypher_files.template("loaded_hashes", LABEL=label)
        for i in range(0, len(ids), chunk):
            rows = session.run(query, ids=ids[i:i + chunk], hash=HASH, links=LINKS_HASH).single(strict=True)["rows"]
            loaded.update((node, (subgraph, links)) for node, subgraph, links in rows)
    for plan, (subgraph, links) in delta.plans.items():
        there = loaded.get(plan, (None, None))
        if there[0] != subgraph:
            delta.changed_plans.add(plan)
        elif there[1] != links:
            delta.relinked_plans.append(plan)
    delta.changed_shared = [n for n, h in delta.shared.items() if loaded.get(n, (None,))[0] != h]
    return delta


def set_hashes(tx: ManagedTransaction, rows: dict[str, list[dict]], out: list) -> None:
    for label, label_rows in sorted(rows.items()):
        out.append(tx.run(cypher_files.template("set_hashes", LABEL=label), rows=label_rows).consume().counters)


def write_links(tx: ManagedTransaction, graph: nx.MultiDiGraph, plans: list[str], delta: Delta, create_rels) -> list:
    """Replace the ALIGNS_WITH of plans whose subgraph is unchanged (delete them all, create the
    graph's: ``create_rels(tx, graph, edges, out)``), then set their links hash."""
    out: list = []
    text = cypher_files.template("delete_links", FROM=schema.PLAN, TYPE=LINKS, TO=schema.PLAN)
    out.append(tx.run(text, plans=plans).consume().counters)
    create_rels(tx, graph, [(u, v, k, d) for plan in plans for u, v, k, d in graph.out_edges(plan, keys=True, data=True)
                            if k == LINKS], out)
    set_hashes(tx, {schema.PLAN: delta.link_hash_rows(plans)}, out)
    return out
