"""Graph model → Neo4j: schema first, then shared nodes, then each plan's subgraph in one transaction.

Loads are incremental (``neo4j_delta``): every plan and shared node carries a hash of what was
loaded for it, and a load sends only the plans, alignments and shared nodes whose hash differs
from the database's; the rest are already there as the graph says. The steps below apply to
what is sent.

Order of a load:

1. ``check_server`` (reachable in bounded time, credentials, database, version 5.x), then the
   database's load lock (``LoadLock``: one load or wipe of a database at a time; a second one waits
   for the first, up to ``lock_wait`` seconds, then gives up with ``EXIT_BUSY``), then
   ``ensure_schema`` (constraints and indexes, idempotent) and, with ``wipe``, the batched delete
   of everything; the database's hashes of the graph's nodes are read (``neo4j_delta.compare``).
2. Changed shared nodes (entities, regions; everything but Plan/Part/Task) are MERGEd in batches
   and their properties replaced: one a build no longer derives (a first year) goes too.
3. Changed plans, whole plans per transaction, in dependency order (a plan that mentions or aligns with
   another plan comes after it, or with it when they refer to each other). In the transaction the
   loader asks which of its plans already exist: new plans are CREATEd (their nodes and outgoing
   relationships cannot exist yet); an existing one first loses its outgoing relationships, its
   parts, tasks and targets and the entities only they pointed at that the graph no longer has
   (never another plan it pointed at: it may be another folder's), keeps its Plan node (MERGEd:
   other plans point at it), and is then CREATEd as a new plan is. So a plan lands whole or not at
   all, re-loading unchanged input sends nothing, and re-loading a changed plan replaces that
   plan's structure, mentions and evidence. Unchanged plans whose alignments (ALIGNS_WITH)
   changed get those replaced.
4. Relationships between shared nodes (region hierarchy, branches, editions) of changed shared nodes
   are MERGEd. They are
   derived from the names of their ends, so the graph is authoritative for what it knows: for each
   shared node of the graph, its outgoing derived relationships (PART_OF, BRANCH_OF, EDITION_OF,
   ABOUT) that the graph no longer has are deleted; for a grouping region of the graph, the
   memberships it no longer has (a membership comes from the grouping's member list, not from the
   member's name). Nodes that are not in the graph keep theirs: other plans, loaded earlier from
   other folders, may own them.
5. Shared nodes that nothing supports any more are deleted, in rounds until none is left: not in
   the graph, no relationship but derived ones (no plan or task mentions, covers, is issued by or
   implements them), no derived relationship pointing at them, not a member of a grouping. So a
   branch the resolver now names differently goes, and then its old parent. Nodes another folder's
   plans still reach are supported and stay.

Writes are ``UNWIND $rows`` batches of one constant query shape per label or
(label, type, label), grouped across the plans of a transaction, run in managed transactions
that the driver retries on transient errors. Labels and types come only from graph/schema.py.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx
from neo4j import ManagedTransaction
from neo4j import exceptions as neo4j_errors

from policykg.graph import cypher_files, neo4j_delta, schema
from policykg.graph.load_index import GraphIndex
from policykg.graph.neo4j_server import (  # noqa: F401  (the loader's errors, exit codes and checks, used by callers)
    EXIT_AUTH,
    EXIT_BUSY,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NO_DATABASE,
    EXIT_UNREACHABLE,
    EXIT_VERSION,
    LOCK_WAIT,
    SUPPORTED_MAJOR,
    Connection,
    LoadError,
    LoadLock,
    check_server,
    check_version,
    connect,
    delete_everything,
    describe,
    ensure_schema,
)

_PLAN_OWNED = (schema.PLAN, *schema.PLAN_SCOPED)
_SHARED_LABELS = tuple(label for label in schema.NODE_LABELS if label not in _PLAN_OWNED)
# Relationships between shared nodes that graph/links.py derives from the names of their ends.
_DERIVED = (schema.PART_OF, schema.BRANCH_OF, schema.EDITION_OF, schema.ABOUT)
_DERIVED_PARAMS = {"types": list(_DERIVED), "membership": schema.PART_OF, "grouping": schema.GROUPING_LEVEL}
_KEY_SEP = "\t"


@dataclass(slots=True)
class LoadStats:
    plans: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    nodes_deleted: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    transactions: int = 0
    plans_sent: int = 0  # new or changed plans; the others were loaded before as they are (neo4j_delta)
    shared_sent: int = 0  # shared nodes written with their relationships (new or changed)

    def add(self, counters) -> None:
        self.nodes_created += counters.nodes_created
        self.relationships_created += counters.relationships_created
        self.nodes_deleted += counters.nodes_deleted
        self.relationships_deleted += counters.relationships_deleted
        self.properties_set += counters.properties_set


# -- rows ----------------------------------------------------------------------------------

def _props(data: dict) -> dict:
    """Neo4j properties: drop the label and empty values; alias_text makes aliases searchable."""
    props = {k: v for k, v in data.items() if k != "label" and v is not None and v != ""}
    if "aliases" in props:
        props["alias_text"] = " ".join(props["aliases"])
    return props


def _owned_node_rows(graph: nx.MultiDiGraph, nodes) -> dict[str, list[dict]]:
    """Rows for nodes whose properties are replaced whole (all nodes a load writes): the id is one
    of the properties."""
    rows = defaultdict(list)
    for node in nodes:
        data = graph.nodes[node]
        rows[schema.check_label(data["label"])].append({"id": node, "props": {**_props(data), schema.KEY: node}})
    return rows


def _rel_rows(graph: nx.MultiDiGraph, edges) -> dict[tuple[str, str, str], list[dict]]:
    rows = defaultdict(list)
    for u, v, key, data in edges:
        shape = (graph.nodes[u]["label"], schema.check_type(key), graph.nodes[v]["label"])
        rows[shape].append({"source": u, "target": v, "props": _props(data)})
    return rows


def _owner(graph: nx.MultiDiGraph, node: str) -> str | None:
    """The plan a node belongs to (Plan, Part, Task, Target), None for shared nodes."""
    return schema.owning_plan(node, graph.nodes[node])


@dataclass(slots=True)
class PlanPart:
    """One plan's own nodes (Plan, Part, Task) and their outgoing relationships."""

    plan: str
    nodes: list[str]
    edges: list[tuple]


@dataclass(slots=True)
class Batch:
    """Whole plans that land in one transaction."""

    plans: list[PlanPart]

    @property
    def ids(self) -> list[str]:
        return [p.plan for p in self.plans]

    def size(self) -> int:
        return sum(len(p.nodes) + len(p.edges) for p in self.plans)


def _plan_parts(graph: nx.MultiDiGraph) -> dict[str, PlanPart]:
    parts: dict[str, PlanPart] = {}
    for node, data in graph.nodes(data=True):
        if data["label"] == schema.PLAN:
            parts.setdefault(node, PlanPart(node, [], []))
    owners: dict[str, PlanPart] = {}  # every node of a plan → its part, in the graph's order
    for node, data in graph.nodes(data=True):
        owner = _owner(graph, node)
        if owner is None:
            continue
        if owner not in parts:  # a part or task whose Plan is missing from the model
            raise LoadError(f"{data['label']} {node!r} belongs to plan {owner!r}, which the graph does not have")
        owners[node] = parts[owner]
        parts[owner].nodes.append(node)
    for edge in graph.out_edges(owners, keys=True, data=True):  # one pass, node by node
        owners[edge[0]].edges.append(edge)
    for part in parts.values():
        part.nodes.sort(key=lambda n: (n != part.plan, n))
    return parts


def plan_order(graph: nx.MultiDiGraph, parts: dict[str, PlanPart]) -> list[list[str]]:
    """Groups of plans that must share a transaction, in an order where referenced plans come first."""
    deps = nx.DiGraph()
    deps.add_nodes_from(parts)
    for part in parts.values():
        for _, v, _, _ in part.edges:
            target = _owner(graph, v)
            if target is not None and target != part.plan:
                deps.add_edge(part.plan, target)
    dag = nx.condensation(deps)
    first = {c: min(dag.nodes[c]["members"]) for c in dag}
    order = nx.lexicographical_topological_sort(dag.reverse(copy=False), key=lambda c: first[c])
    return [sorted(dag.nodes[c]["members"]) for c in order]


def plan_batches(graph: nx.MultiDiGraph, rows_per_batch: int = 5000) -> list[Batch]:
    """Group whole plans into transactions of about ``rows_per_batch`` nodes + relationships."""
    parts = _plan_parts(graph)
    return _batches(parts, plan_order(graph, parts), rows_per_batch)


def _batches(parts: dict[str, PlanPart], order: list[list[str]], rows_per_batch: int,
             only: set[str] | None = None) -> list[Batch]:
    """``only``: the plans to send (the others are in the database as they are); order kept."""
    batches, current, size = [], [], 0
    for group in order:
        group = [p for p in group if only is None or p in only]
        if not group:
            continue
        current.extend(parts[p] for p in group)
        size += sum(len(parts[p].nodes) + len(parts[p].edges) for p in group)
        if size >= rows_per_batch:
            batches.append(Batch(current))
            current, size = [], 0
    if current:
        batches.append(Batch(current))
    return batches


def shared_nodes(graph: nx.MultiDiGraph) -> list[str]:
    return sorted(n for n, d in graph.nodes(data=True) if d["label"] not in _PLAN_OWNED)


def global_edges(graph: nx.MultiDiGraph, sources=None):
    """Relationships between shared nodes (region hierarchy, branches, editions): those going out
    of ``sources``, or of every shared node."""
    return list(graph.out_edges(shared_nodes(graph) if sources is None else sources, keys=True, data=True))


def _derived_rows(graph: nx.MultiDiGraph, nodes) -> dict[str, list[dict]]:
    """Per label, shared nodes with the "TYPE<TAB>target" keys of their derived relationships in the graph."""
    rows = defaultdict(list)
    for node in nodes:
        keep = [f"{key}{_KEY_SEP}{v}" for _, v, key in graph.out_edges(node, keys=True) if key in _DERIVED]
        rows[schema.check_label(graph.nodes[node]["label"])].append({"id": node, "keep": keep})
    return rows


def _member_rows(graph: nx.MultiDiGraph, nodes) -> dict[str, list[dict]]:
    """Per label, the grouping regions among ``nodes`` with the ids of their members in the graph."""
    rows = defaultdict(list)
    for node in nodes:
        data = graph.nodes[node]
        if data.get("level") != schema.GROUPING_LEVEL:
            continue
        rows[schema.check_label(data["label"])].append({"id": node, "members": neo4j_delta.grouping_members(graph, node)})
    return rows


def _ids_by_label(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    ids = defaultdict(list)
    for node, data in graph.nodes(data=True):
        ids[data["label"]].append(node)
    return ids


def _chunks(items: list, size: int):
    for i in range(0, len(items), max(size, 1)):
        yield items[i:i + size]


# -- transactions ---------------------------------------------------------------------------

def _write_nodes(tx: ManagedTransaction, query: str, rows: dict[str, list[dict]], out: list) -> None:
    for label, label_rows in sorted(rows.items()):
        out.append(tx.run(cypher_files.template(query, LABEL=label), rows=label_rows).consume().counters)


def _write_rels(tx: ManagedTransaction, query: str, rows: dict[tuple[str, str, str], list[dict]], out: list) -> None:
    for (src, rel_type, dst), shape_rows in sorted(rows.items()):
        text = cypher_files.template(query, FROM=src, TYPE=rel_type, TO=dst)
        out.append(tx.run(text, rows=shape_rows).consume().counters)


def _write_batch(tx: ManagedTransaction, graph: nx.MultiDiGraph, batch: Batch, merge_all: bool = False,
                 hashes: list[dict] | None = None) -> list:
    """One transaction: the batch's plans, created when new, replaced when already loaded, and
    their ``hashes`` (neo4j_delta) recorded. A plan already loaded loses its parts, tasks and
    targets and its outgoing relationships first (the Plan node stays: other plans point at it),
    and is then created as a new one is: one set of query shapes for both, which a server
    compiles once."""
    out: list = []
    if merge_all:
        existing = set(batch.ids)
    else:
        existing = {r["id"] for r in tx.run(cypher_files.load("existing_plans"), ids=batch.ids)}
    old = [p for p in batch.plans if p.plan in existing]
    if old:
        result = tx.run(cypher_files.load("clear_plans"), plans=[p.plan for p in old])
        orphans = [r["element"] for r in result if r["id"] not in graph]
        out.append(result.consume().counters)
        if orphans:
            out.append(tx.run(cypher_files.load("delete_orphans"), elements=orphans,
                              plan_labels=list(_PLAN_OWNED)).consume().counters)
        out.append(tx.run(cypher_files.load("delete_plan_nodes"), plans=[p.plan for p in old]).consume().counters)
        _write_nodes(tx, "merge_plan_nodes", _owned_node_rows(graph, [p.plan for p in old]), out)
    created = [n for p in batch.plans for n in (p.nodes[1:] if p.plan in existing else p.nodes)]
    _write_nodes(tx, "create_nodes", _owned_node_rows(graph, created), out)
    # Relationships after all nodes: a plan may point at another plan of the same batch.
    _create_rels(tx, graph, [e for p in batch.plans for e in p.edges], out)
    if hashes:
        neo4j_delta.set_hashes(tx, {schema.PLAN: hashes}, out)
    return out


def _create_rels(tx: ManagedTransaction, graph: nx.MultiDiGraph, edges, out: list) -> None:
    """Relationships that are not in the database (their sources' were deleted, or are new)."""
    rows = _rel_rows(graph, edges)
    _write_rels(tx, "create_relationships", {shape: _by_source(r) for shape, r in rows.items()}, out)


def _by_source(rows: list[dict]) -> list[dict]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["source"], []).append({"target": row["target"], "props": row["props"]})
    return [{"source": s, "out": out} for s, out in grouped.items()]


def _write_shared(tx: ManagedTransaction, nodes: dict, rels: dict) -> list:
    out: list = []
    _write_nodes(tx, "replace_nodes", nodes, out)
    _write_rels(tx, "load_relationships", rels, out)
    return out


def _prune_derived(tx: ManagedTransaction, derived: dict[str, list[dict]], members: dict[str, list[dict]],
                   hashes: dict[str, list[dict]] | None = None) -> list:
    """Delete the derived relationships of the graph's shared nodes that the graph no longer has;
    then the nodes are as the graph says: record their ``hashes`` (neo4j_delta)."""
    out: list = []
    for name, rows in (("delete_stale_derived", derived), ("delete_stale_members", members)):
        for label, label_rows in sorted(rows.items()):
            text = cypher_files.template(name, LABEL=label)
            out.append(tx.run(text, rows=label_rows, **_DERIVED_PARAMS).consume().counters)
    if hashes:
        neo4j_delta.set_hashes(tx, hashes, out)
    return out


def _delete_unsupported(tx: ManagedTransaction, keep: dict[str, list[str]]) -> list:
    """One round: delete the shared nodes outside the graph that nothing supports any more."""
    out: list = []
    for label in _SHARED_LABELS:
        text = cypher_files.template("delete_unsupported", LABEL=label)
        out.append(tx.run(text, keep=keep.get(label, []), **_DERIVED_PARAMS).consume().counters)
    return out


# -- server checks ---------------------------------------------------------------------------

def load_graph(graph: nx.MultiDiGraph | None, connection: Connection, rows_per_batch: int = 5000,
               progress=None, *, wipe: bool = False, lock_wait: float = LOCK_WAIT, on_wait=None,
               index: GraphIndex | None = None) -> LoadStats:
    """Load ``graph`` into the database of ``connection``; see the module docstring.

    ``wipe`` first deletes everything in the database (under the same lock). ``progress(n)`` is
    called after each committed transaction of plans with the number of plans it held;
    ``on_wait(holder)`` once if another load holds the lock. Raises LoadError (with
    ``exit_code``) for anything that stops the load. With ``index`` (``load_index``, graph None)
    the graph is its skeleton and its hashes are the build's, and only what is sent is read.
    """
    stats = LoadStats()
    if index is None:
        assert graph is not None
        parts = _plan_parts(graph)  # before connecting: a bad model fails fast
        order = plan_order(graph, parts)
        delta = neo4j_delta.compute(graph, parts, shared_nodes(graph))
    else:
        graph, delta = index.graph, index.delta
    where = connection.uri
    phase = "before any plan"
    with connect(connection) as driver:
        try:
            with LoadLock(driver, connection.database, where, lock_wait, on_wait) as lock:
                ensure_schema(driver, connection.database)
                if wipe:
                    phase = "during --wipe (nothing of this graph was written yet)"
                    delete_everything(driver, connection.database, rows_per_batch)
                    phase = "before any plan"
                with driver.session(database=connection.database) as session:
                    # Only what the database does not hold as the graph says (neo4j_delta).
                    neo4j_delta.compare(delta, graph, session)
                    if index is not None:  # now the parts of what is sent
                        try:
                            index.fill(delta)
                        except ValueError as exc:  # graph.json changed under the load
                            raise LoadError(f"{exc} (nothing of this graph was written; re-run)", EXIT_FAILED) from None
                        parts = _plan_parts(graph)
                        order = plan_order(graph, parts)
                    batches = _batches(parts, order, rows_per_batch, only=delta.changed_plans)
                    changed_shared = delta.changed_shared
                    stats.plans = len(parts) - len(delta.changed_plans)
                    if progress and stats.plans:
                        progress(stats.plans)
                    phase = "while writing shared entities"
                    for chunk in _chunks(changed_shared, rows_per_batch):
                        _commit(stats, session.execute_write(_write_shared, _owned_node_rows(graph, chunk), {}))
                    for batch in batches:
                        phase = f"after {stats.plans} plans were loaded"
                        hashes = delta.plan_hash_rows(batch.ids)
                        try:
                            counters = session.execute_write(_write_batch, graph, batch, False, hashes)
                        except neo4j_errors.ConstraintError:
                            # Another loader created one of these plans meanwhile: merge instead.
                            counters = session.execute_write(_write_batch, graph, batch, True, hashes)
                        _commit(stats, counters)
                        stats.plans += len(batch.plans)
                        stats.plans_sent += len(batch.plans)
                        if progress:
                            progress(len(batch.plans))
                    phase = f"after all {stats.plans} plans were loaded, while linking plans"
                    for chunk in _chunks(delta.relinked_plans, rows_per_batch):
                        _commit(stats, session.execute_write(neo4j_delta.write_links, graph, chunk, delta,
                                                             _create_rels))
                    phase = f"after all {stats.plans} plans were loaded, while linking shared entities"
                    lock.check()  # the clean-up below deletes what no plan supports: only under the lock
                    for chunk in _chunks(global_edges(graph, changed_shared), rows_per_batch):
                        _commit(stats, session.execute_write(_write_shared, {}, _rel_rows(graph, chunk)))
                    for chunk in _chunks(changed_shared, rows_per_batch):
                        _commit(stats, session.execute_write(_prune_derived, _derived_rows(graph, chunk),
                                                             _member_rows(graph, chunk),
                                                             delta.shared_hash_rows(graph, chunk)))
                    stats.shared_sent = len(changed_shared)
                    phase = f"after all {stats.plans} plans were loaded, while deleting unsupported entities"
                    _collect_unsupported(session, graph, stats)
                    lock.check()
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, neo4j_errors.IncompleteCommit,
                neo4j_errors.ConnectionAcquisitionTimeoutError, OSError) as exc:
            raise LoadError(f"lost the connection to {where} {phase} (each plan is all or nothing; "
                            f"re-run to finish): {connection.describe(exc)}", EXIT_INTERRUPTED) from None
        except neo4j_errors.TransientError as exc:
            if "MemoryPoolOutOfMemory" in (exc.code or ""):  # retrying cannot help: say so, not "lost"
                raise LoadError(f"{where} ran out of transaction memory {phase}: {connection.describe(exc)}",
                                EXIT_FAILED) from None
            raise LoadError(f"the server kept failing {phase} (each plan is all or nothing; re-run to "
                            f"finish): {connection.describe(exc)}", EXIT_INTERRUPTED) from None
        except neo4j_errors.Neo4jError as exc:
            raise LoadError(f"{where} refused a write {phase}: {connection.describe(exc)}", EXIT_FAILED) from None
        except neo4j_errors.DriverError as exc:
            raise LoadError(f"load failed {phase}: {connection.describe(exc)}", EXIT_INTERRUPTED) from None
    return stats


def _collect_unsupported(session, graph: nx.MultiDiGraph, stats: LoadStats) -> None:
    """Rounds of _delete_unsupported until one deletes nothing (each round frees the next layer)."""
    keep = _ids_by_label(graph)
    while True:
        counters = session.execute_write(_delete_unsupported, keep)
        _commit(stats, counters)
        if not any(c.nodes_deleted for c in counters):
            return


def _commit(stats: LoadStats, counters: list) -> None:
    stats.transactions += 1
    for c in counters:
        stats.add(c)


def dry_run(graph: nx.MultiDiGraph, rows_per_batch: int = 5000) -> dict:
    """What a load would write, without connecting."""
    nodes = defaultdict(int)
    for _, data in graph.nodes(data=True):
        nodes[data["label"]] += 1
    rels = defaultdict(int)
    for *_, key in graph.edges(keys=True):
        rels[key] += 1
    return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items())),
            "plan_transactions": len(plan_batches(graph, rows_per_batch))}


def summary_json(stats: LoadStats) -> str:
    return json.dumps({k: getattr(stats, k) for k in stats.__slots__})
