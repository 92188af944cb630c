"""Resolved plans → one networkx ``MultiDiGraph``, the in-process model every writer reads.

Nodes are keyed by their ``id`` and carry ``label`` (one of ``schema.NODE_LABELS``) and plain
properties; edges are keyed by relationship type. Properties are strings, numbers or lists of
them, so the same graph goes to JSON, GraphML, CSV and Neo4j unchanged.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

import networkx as nx

from policykg.extract.document import Entity, ExtractedPlan
from policykg.extract.indicators import indicator_aliases
from policykg.graph import schema


def plan_id(plan: ExtractedPlan) -> str:
    """Which document a plan is, the same from build to build and folder to folder.

    ``Plan:title|issuer|year`` when all three are known: one issuer does not issue two documents of
    one title in one year, so a re-built, edited or re-encoded copy keeps its id and a re-load
    replaces it, while the same title from another issuer or year is another plan. When one of them
    is unknown the id also carries a digest of the text (``…|digest``): two different files with
    the same title (or the same file name, when there is no title) are two plans.
    """
    meta = plan.meta
    title = meta.title or plan.document.name
    base = f"{schema.PLAN}:{title}|{meta.issuer or ''}|{meta.year or ''}"
    return base if meta.title and meta.issuer and meta.year else f"{base}|{text_digest(plan)}"


def text_digest(plan: ExtractedPlan) -> str:
    """A short digest of the plan's normalised text: equal for the same text in any encoding or format."""
    return hashlib.sha256(plan.document.text.encode("utf-8")).hexdigest()[:12]


def distinct_plans(plans: list[ExtractedPlan]) -> tuple[list[ExtractedPlan], list[tuple[ExtractedPlan, ExtractedPlan, str]]]:
    """The plans without repeats, and each repeat as (repeat, the plan it repeats, why).

    A repeat has the text of an earlier plan, or its id (the same issuer, title and year): the same
    document twice (a copy, the .txt and the .pdf). It would merge into the earlier plan's node and
    double its mention counts; the first in input order stays.
    """
    kept: list[ExtractedPlan] = []
    repeats = []
    by_text: dict[str, ExtractedPlan] = {}
    by_id: dict[str, ExtractedPlan] = {}
    for plan in plans:
        digest, pid = text_digest(plan), plan_id(plan)
        if digest in by_text:
            repeats.append((plan, by_text[digest], "the same text"))
        elif pid in by_id:
            repeats.append((plan, by_id[pid], "the same issuer, title and year"))
        else:
            kept.append(plan)
            by_text[digest], by_id[pid] = plan, plan
    return kept, repeats


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
    titles: dict[str, list[str]] = defaultdict(list)  # a plan cited by title: which plans have it
    for plan in plans:
        titles[plan.meta.title or plan.document.name].append(plan_id(plan))
    for plan in plans:
        add_plan(graph, plan, titles)
    return graph


def add_plan(graph: nx.MultiDiGraph, plan: ExtractedPlan, titles: dict[str, list[str]]) -> str:
    pid = plan_id(plan)
    meta = plan.meta
    graph.add_node(
        pid, label=schema.PLAN, name=meta.title or plan.document.name, title=meta.title or "",
        issuer=meta.issuer or "", level=meta.level or "", region=meta.region or "",
        parent_region=meta.parent_region or "", region_code=meta.region_code or "",
        year=meta.year, issued=meta.issued or "", doc_number=meta.doc_number or "",
        doc_type=meta.doc_type or "", period=meta.period or "", summarised_year=meta.summarised_year,
        file=plan.document.name, encoding=plan.document.encoding,
    )
    if meta.region_doubt:  # the other divisions the region's name may denote
        graph.nodes[pid]["region_doubt"] = list(meta.region_doubt)
    _add_structure(graph, plan, pid)
    _add_mentions(graph, plan, pid, titles)
    _add_targets(graph, plan, pid)
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


def _add_mentions(graph: nx.MultiDiGraph, plan: ExtractedPlan, pid: str, titles: dict[str, list[str]]) -> None:
    by_target: dict[tuple[str, str | None], list] = defaultdict(list)
    for m in plan.mentions:
        target = m.entity_id
        if m.label == schema.PLAN:
            # A link when one other plan has the cited title; a plan naming its own title is none,
            # and a title several plans share does not say which one.
            citing = titles.get(m.canonical or "", [])
            others = [p for p in citing if p != pid]
            if len(others) != 1 or pid in citing:
                continue
            target = others[0]
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


_DIRECTION_SIGNS = {"at_least": "≥", "at_most": "≤", "exactly": ""}


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else str(value)


def target_name(t) -> str:
    """A short caption: 居民健康素养水平 ≥37%, 核酸检测基地 ≥2–3个."""
    value = f"{_number(t.low)}–{_number(t.high)}" if t.high is not None else _number(t.value)
    return f"{t.canonical} {_DIRECTION_SIGNS.get(t.direction, '')}{value}{t.unit}"


def _add_targets(graph: nx.MultiDiGraph, plan: ExtractedPlan, pid: str) -> None:
    """(:Task|:Plan)-[:SETS]->(:Target)-[:MEASURES]->(:Indicator); a Target whose scope is a named
    place also goes -[:FOR_REGION]-> that Region (the plan's own region is linked in links.py)."""
    places = {(m.start, m.end): m.entity_id for m in plan.mentions if m.label == "Region" and m.entity_id}
    for i, t in enumerate(plan.targets):
        node = f"{pid}#target{i + 1}"
        props = dict(name=target_name(t), indicator=t.indicator, canonical=t.canonical, kind=t.kind, value=t.value,
                     low=t.low, high=t.high, unit=t.unit, direction=t.direction, deadline=t.deadline,
                     deadline_text=t.deadline_text, scope=t.scope, text=t.text,
                     sentence=sentence_text(plan, t.sentence), start=t.start, end=t.end, order=i + 1, plan=pid)
        # low/high only for ranges (and no deadline when the plan has no year): one type per property
        graph.add_node(node, label=schema.TARGET, **{k: v for k, v in props.items() if v is not None})
        graph.add_edge(f"{pid}#task{t.task + 1}" if t.task >= 0 else pid, node, key=schema.SETS)
        indicator = f"{schema.INDICATOR}:{t.canonical}"
        if indicator not in graph:
            graph.add_node(indicator, label=schema.INDICATOR, name=t.canonical, aliases=indicator_aliases(t.canonical))
        aliases = graph.nodes[indicator]["aliases"]
        if t.indicator not in aliases:
            aliases.append(t.indicator)
            aliases.sort()
        graph.add_edge(node, indicator, key=schema.MEASURES)
        place = places.get((t.scope_start, t.scope_end))
        if place and place in graph and graph.nodes[place]["label"] == "Region":
            graph.add_edge(node, place, key=schema.FOR_REGION)


def summary(graph: nx.MultiDiGraph) -> dict:
    """Counts a user wants after a build: plans, entities per label, links between plans."""
    label = {node: data["label"] for node, data in graph.nodes(data=True)}
    links = 0
    mentioned_by: dict[str, set[str]] = defaultdict(set)  # entity → the plans that mention it
    for source, target, key in graph.edges(keys=True):
        if key == schema.ALIGNS_WITH:
            links += 1
        elif key == schema.MENTIONS and label[source] == schema.PLAN:
            mentioned_by[target].add(source)
    shared = sum(1 for node, plans in mentioned_by.items()
                 if len(plans) >= 2 and label[node] in schema.ENTITY_LABELS)
    return {"labels": dict(sorted(Counter(label.values()).items())), "aligns_with": links, "shared_entities": shared,
            "nodes": graph.number_of_nodes(), "relationships": graph.number_of_edges()}
