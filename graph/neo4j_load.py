"""Graph model → Neo4j: schema first, then each plan's subgraph in one transaction.

Writes are ``UNWIND $rows`` batches of one constant query shape per label or relationship type,
run in managed transactions (the driver retries transient errors). A plan lands whole or not at
all; shared entities are MERGEd, so loading the same input twice creates nothing, and loading a
changed plan replaces that plan's structure and mentions.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j import exceptions as neo4j_errors

from policykg.graph import cypher_files, schema

SUPPORTED_MAJOR = "5"
_PLAN_SCOPED = (schema.PART, schema.TASK)


class LoadError(Exception):
    """A load that could not happen, with a short message and an exit code."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


# Exit codes a script can tell apart.
EXIT_UNREACHABLE, EXIT_AUTH, EXIT_NO_DATABASE, EXIT_VERSION, EXIT_INTERRUPTED = 3, 4, 5, 6, 7


@dataclass(slots=True)
class Connection:
    uri: str
    user: str
    password: str = field(repr=False)
    database: str = "neo4j"

    def driver(self) -> Driver:
        return GraphDatabase.driver(self.uri, auth=(self.user, self.password),
                                    connection_timeout=10, max_transaction_retry_time=30)


@dataclass(slots=True)
class LoadStats:
    plans: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    nodes_deleted: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0

    def add(self, counters) -> None:
        self.nodes_created += counters.nodes_created
        self.relationships_created += counters.relationships_created
        self.nodes_deleted += counters.nodes_deleted
        self.relationships_deleted += counters.relationships_deleted
        self.properties_set += counters.properties_set


def _props(data: dict) -> dict:
    """Neo4j properties: drop the label and empty values; alias_text makes aliases searchable."""
    props = {k: v for k, v in data.items() if k != "label" and v is not None and v != ""}
    if "aliases" in props:
        props["alias_text"] = " ".join(props["aliases"])
    return props


def _node_rows(graph: nx.MultiDiGraph, nodes) -> dict[str, list[dict]]:
    rows = defaultdict(list)
    for node in nodes:
        data = graph.nodes[node]
        rows[schema.check_label(data["label"])].append({"id": node, "props": _props(data)})
    return rows


def _rel_rows(graph: nx.MultiDiGraph, edges) -> dict[tuple[str, str, str], list[dict]]:
    rows = defaultdict(list)
    for u, v, key, data in edges:
        shape = (graph.nodes[u]["label"], key, graph.nodes[v]["label"])
        rows[shape].append({"source": u, "target": v, "props": _props(data)})
    return rows


@dataclass(slots=True)
class Batch:
    """Node and relationship rows that must land in one transaction."""

    nodes: dict[str, list[dict]]
    rels: dict[tuple[str, str, str], list[dict]]
    plans: list[str]
    keep_nodes: dict[str, list[str]]
    keep_rels: dict[str, list[list[str]]]


def plan_batches(graph: nx.MultiDiGraph, rows_per_batch: int = 5000) -> list[Batch]:
    """Group whole plans into transactions of about ``rows_per_batch`` rows."""
    plans = [n for n, d in graph.nodes(data=True) if d["label"] == schema.PLAN]
    scoped = defaultdict(list)
    for node, data in graph.nodes(data=True):
        if data["label"] in _PLAN_SCOPED:
            scoped[data["plan"]].append(node)
    batches, current, size = [], [], 0
    for plan in sorted(plans):
        owners = [plan, *scoped[plan]]
        edges = [e for o in owners for e in graph.out_edges(o, keys=True, data=True)]
        current.append((plan, owners, edges))
        size += len(owners) + 2 * len(edges)
        if size >= rows_per_batch:
            batches.append(_batch(graph, current))
            current, size = [], 0
    if current:
        batches.append(_batch(graph, current))
    return batches


def _batch(graph: nx.MultiDiGraph, group) -> Batch:
    nodes, edges, keep_nodes, keep_rels = set(), [], {}, {}
    for plan, owners, plan_edges in group:
        # ALIGNS_WITH points at other plans, which may load later: it is written with the global
        # relationships, but kept here so that re-loading the plan does not delete it.
        writable = [e for e in plan_edges if e[2] != schema.ALIGNS_WITH]
        nodes.update(owners)
        nodes.update(v for _, v, _, _ in writable)
        edges.extend(writable)
        keep_nodes[plan] = owners[1:]
        keep_rels[plan] = [[u, k, v] for u, v, k, _ in plan_edges]
    return Batch(_node_rows(graph, sorted(nodes)), _rel_rows(graph, edges), [g[0] for g in group],
                 keep_nodes, keep_rels)


def global_edges(graph: nx.MultiDiGraph):
    """Relationships that belong to no single plan: region hierarchy, branches, editions, alignment."""
    owned = {schema.PLAN, *_PLAN_SCOPED}
    return [e for e in graph.edges(keys=True, data=True) if graph.nodes[e[0]]["label"] not in owned
            or e[2] == schema.ALIGNS_WITH]


def _write_batch(tx: ManagedTransaction, batch: Batch, stats: list) -> None:
    for plan in batch.plans:
        result = tx.run(cypher_files.load("delete_stale"), plan=plan, nodes=batch.keep_nodes[plan],
                        rels=batch.keep_rels[plan])
        stats.append(result.consume().counters)
    _write_rows(tx, batch.nodes, batch.rels, stats)


def _write_rows(tx: ManagedTransaction, nodes, rels, stats: list) -> None:
    for label, rows in sorted(nodes.items()):
        result = tx.run(cypher_files.template("load_nodes", LABEL=label), rows=rows)
        stats.append(result.consume().counters)
    for (src, rel_type, dst), rows in sorted(rels.items()):
        query = cypher_files.template("load_relationships", FROM=src, TYPE=rel_type, TO=dst)
        stats.append(tx.run(query, rows=rows).consume().counters)


def check_server(driver: Driver, database: str) -> str:
    """Connect, authenticate and check the version; raise LoadError with a short message."""
    try:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query(cypher_files.load("server_version"), database_=database)
    except neo4j_errors.AuthError:
        raise LoadError("Neo4j rejected the user name or password", EXIT_AUTH) from None
    except neo4j_errors.ServiceUnavailable as exc:
        raise LoadError(f"cannot reach Neo4j: {_first_line(exc)}", EXIT_UNREACHABLE) from None
    except neo4j_errors.ClientError as exc:
        if "DatabaseNotFound" in (exc.code or ""):
            raise LoadError(f"database {database!r} does not exist on this server", EXIT_NO_DATABASE) from None
        raise LoadError(f"Neo4j refused the connection: {_first_line(exc)}", EXIT_UNREACHABLE) from None
    version = records[0]["version"]
    if not version.startswith(SUPPORTED_MAJOR + "."):
        raise LoadError(f"Neo4j {version} is not supported (policykg needs 5.x)", EXIT_VERSION)
    return version


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def ensure_schema(driver: Driver, database: str) -> None:
    for statement in cypher_files.statements("schema"):
        driver.execute_query(statement, database_=database)


def wipe(driver: Driver, database: str) -> None:
    with driver.session(database=database) as session:
        session.run(cypher_files.load("wipe")).consume()


def load_graph(graph: nx.MultiDiGraph, connection: Connection, rows_per_batch: int = 5000,
               progress=None) -> LoadStats:
    stats = LoadStats()
    with connection.driver() as driver:
        check_server(driver, connection.database)
        ensure_schema(driver, connection.database)
        counters: list = []
        try:
            with driver.session(database=connection.database) as session:
                for batch in plan_batches(graph, rows_per_batch):
                    session.execute_write(_write_batch, batch, counters)
                    stats.plans += len(batch.plans)
                    if progress:
                        progress(len(batch.plans))
                glob = global_edges(graph)
                nodes = {n for u, v, _, _ in glob for n in (u, v)}
                session.execute_write(_write_rows, _node_rows(graph, sorted(nodes)),
                                      _rel_rows(graph, glob), counters)
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
            raise LoadError(f"lost the connection to Neo4j after {stats.plans} plans were loaded "
                            f"(each plan is all or nothing; re-run to finish): {_first_line(exc)}",
                            EXIT_INTERRUPTED) from None
        for c in counters:
            stats.add(c)
    return stats


def dry_run(graph: nx.MultiDiGraph) -> dict:
    """What a load would write, without connecting."""
    nodes = defaultdict(int)
    for _, data in graph.nodes(data=True):
        nodes[data["label"]] += 1
    rels = defaultdict(int)
    for *_, key in graph.edges(keys=True):
        rels[key] += 1
    return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}


def summary_json(stats: LoadStats) -> str:
    return json.dumps({k: getattr(stats, k) for k in stats.__slots__})
