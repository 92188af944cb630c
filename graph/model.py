"""Resolved plans → one networkx ``MultiDiGraph``, the in-process model every writer reads.

Nodes are keyed by their ``id`` and carry ``label`` (one of ``schema.NODE_LABELS``) and plain
properties; edges are keyed by relationship type. Properties are strings, numbers or lists of
them, so the same graph goes to JSON, GraphML, CSV and Neo4j unchanged.
"""
from __future__ import annotations

from collections import defaultdict

import networkx as nx

from policykg.extract.document import Entity, ExtractedPlan
from policykg.graph import schema


def plan_id(plan: ExtractedPlan) -> str:
    return f"{schema.PLAN}:{plan.meta.title or plan.document.name}"


def sentence_text(plan: ExtractedPlan, index: int) -> str:
    if index < 0:
        return ""
    s = plan.structure.sentences[index]
    start, end = plan.document.original_span(s.start, s.end)
    return " ".join(plan.document.original[start:end].split())


def build_graph(plans: list[ExtractedPlan], entities: dict[str, Entity]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for entity in entities.values():
        if entity.label == schema.PLAN:
            continue  # plan titles become the Plan nodes themselves
        graph.add_node(entity.id, label=entity.label, name=entity.name, aliases=sorted(entity.aliases),
                       rules=sorted(entity.rules), **entity.props)
    for plan in plans:
        add_plan(graph, plan)
    return graph


def add_plan(graph: nx.MultiDiGraph, plan: ExtractedPlan) -> str:
    pid = plan_id(plan)
    meta = plan.meta
    graph.add_node(
        pid, label=schema.PLAN, name=meta.title or plan.document.name, title=meta.title or "",
        issuer=meta.issuer or "", level=meta.level or "", region=meta.region or "",
        parent_region=meta.parent_region or "", region_code=meta.region_code or "",
        year=meta.year, issued=meta.issued or "", doc_number=meta.doc_number or "",
        file=plan.document.name, encoding=plan.document.encoding,
    )
    _add_structure(graph, plan, pid)
    _add_mentions(graph, plan, pid)
    return pid


def _add_structure(graph: nx.MultiDiGraph, plan: ExtractedPlan, pid: str) -> None:
    parts = plan.structure.parts
    for i, part in enumerate(parts):
        node = f"{pid}#part{i + 1}"
        graph.add_node(node, label=schema.PART, name=part.headline or part.number, number=part.number,
                       order=i + 1, plan=pid)
        graph.add_edge(pid, node, key=schema.HAS_PART)
    for i, task in enumerate(plan.structure.tasks):
        node = f"{pid}#task{i + 1}"
        graph.add_node(node, label=schema.TASK, name=task.headline or task.number, number=task.number,
                       headline=task.headline, order=i + 1, plan=pid)
        owner = _part_of(plan, task.start)
        graph.add_edge(f"{pid}#part{owner + 1}" if owner >= 0 else pid, node, key=schema.HAS_TASK)


def _part_of(plan: ExtractedPlan, pos: int) -> int:
    owner = -1
    for i, part in enumerate(plan.structure.parts):
        if part.start <= pos:
            owner = i
    return owner


def _add_mentions(graph: nx.MultiDiGraph, plan: ExtractedPlan, pid: str) -> None:
    by_target: dict[tuple[str, str | None], list] = defaultdict(list)
    for m in plan.mentions:
        target = m.entity_id
        if m.label == schema.PLAN:
            target = f"{schema.PLAN}:{m.canonical}"
            if target == pid or target not in graph:
                continue  # a plan naming its own title is not a link
        by_target[(pid, target)].append(m)
        if m.task >= 0:
            by_target[(f"{pid}#task{m.task + 1}", target)].append(m)
    sentence_texts: dict[int, str] = {}  # each sentence once, though plan and task edges both cite it
    for m in plan.mentions:
        if m.sentence not in sentence_texts:
            sentence_texts[m.sentence] = sentence_text(plan, m.sentence)
    for (source, target), ms in by_target.items():
        graph.add_edge(
            source, target, key=schema.MENTIONS, count=len(ms),
            sentences=list(dict.fromkeys(sentence_texts[m.sentence] for m in ms)),
            starts=[m.start for m in ms], ends=[m.end for m in ms],
            surfaces=sorted({m.text for m in ms}),
        )


def summary(graph: nx.MultiDiGraph) -> dict:
    """Counts a user wants after a build: plans, entities per label, links between plans."""
    labels: dict[str, int] = defaultdict(int)
    for _, data in graph.nodes(data=True):
        labels[data["label"]] += 1
    links = sum(1 for *_, k in graph.edges(keys=True) if k == schema.ALIGNS_WITH)
    shared = 0
    for node, data in graph.nodes(data=True):
        if data["label"] in schema.ENTITY_LABELS:
            plans = {s for s, _, k in graph.in_edges(node, keys=True) if k == schema.MENTIONS
                     and graph.nodes[s]["label"] == schema.PLAN}
            shared += len(plans) >= 2
    return {"labels": dict(sorted(labels.items())), "aligns_with": links, "shared_entities": shared,
            "nodes": graph.number_of_nodes(), "relationships": graph.number_of_edges()}
