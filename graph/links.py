"""Relationships that connect plans to each other and place entities in the world.

- Region hierarchy: (:Region)-[:PART_OF]->(:Region) from the administrative-division dataset,
  the province-level units PART_OF the country (schema.COUNTRY), and the plans' jurisdictions
  (:Plan)-[:COVERS]->(:Region) (a national plan covers the country).
- (:Plan)-[:ISSUED_BY]->(:Agency).
- (lower:Plan)-[:ALIGNS_WITH {shared, score, implemented}]->(higher:Plan) for plans of a parent
  jurisdiction (national plans are above every other): the initiatives both mention, their share of the smaller plan's initiatives, and
  those of them the lower plan commits to carrying out (IMPLEMENTS).
- Regional groupings (data/groupings.yml): (member:Region)-[:PART_OF]->(grouping:Region).
- (:Hospital)-[:BRANCH_OF]->(:Hospital): X医院Y分院 / X医院Y院区 → X医院.
- (:Event)-[:EDITION_OF]->(:EventSeries) for 第N届 editions; (:Regulation)-[:EDITION_OF]->(:Program)
  for rounds (第N轮, 新一轮) and dated editions of a 三年行动计划: the series of a recurring action
  plan is a Program (the programme that each round's document carries out).
- (:Regulation)-[:ABOUT]->(:Program): a titled Healthy-X document (《健康上海行动(2019-2030年)》)
  is about the Healthy-X programme (健康上海行动).
- (:Plan)-[:IMPLEMENTS {sentences}]->(:Program|:Regulation) for mentions extraction marked
  ``implements`` (the sentence commits to carrying the initiative out: 落实, 贯彻, 实施 …).
- Diffusion: every Program, Regulation and Event node gets ``first_year_national``,
  ``first_year_province``, ``first_year_municipality`` and ``first_year_district``: the earliest year of a plan of that
  level that mentions it (absent when no plan of the level does). ``cypher/queries/
  healthy_x_diffusion.cypher`` reads them and the plans behind them.
"""
from __future__ import annotations

import re
from collections import defaultdict

import networkx as nx

from policykg.extract import regions
from policykg.extract.document import ExtractedPlan
from policykg.extract.regions import division, full_name
from policykg.graph import schema
from policykg.graph.model import plan_id, sentence_text
from policykg.resolve.names import BRANCH, groupings, series_of


def region_node(graph: nx.MultiDiGraph, region: regions.Region) -> str:
    name = full_name(region)
    node = f"Region:{name}"
    if node not in graph:
        graph.add_node(node, label="Region", name=name, aliases=[region.name], rules=["division"])
    graph.nodes[node].update(code=region.code, level=region.level)
    return node


def country_node(graph: nx.MultiDiGraph) -> str:
    node = f"Region:{schema.COUNTRY}"
    if node not in graph:
        graph.add_node(node, label="Region", name=schema.COUNTRY, aliases=[schema.COUNTRY], rules=["division"])
    graph.nodes[node].update(level=schema.COUNTRY_LEVEL)
    return node


def add_region_hierarchy(graph: nx.MultiDiGraph) -> None:
    """Every Region node the dataset knows gets a PART_OF chain up to its province."""
    for _, data in list(graph.nodes(data=True)):
        if data["label"] != "Region":
            continue
        region = division(data["name"])
        while region is not None:
            child = region_node(graph, region)
            parent = next(iter(regions.parents(region)), None)
            if parent is None:  # a province-level unit: part of the country
                graph.add_edge(child, country_node(graph), key=schema.PART_OF)
                break
            parent_node = region_node(graph, parent)
            if child != parent_node:
                graph.add_edge(child, parent_node, key=schema.PART_OF)
            region = parent


def add_plan_context(graph: nx.MultiDiGraph, plans: list[ExtractedPlan]) -> None:
    for plan in plans:
        pid = plan_id(plan)
        meta = plan.meta
        if meta.level == "national":
            graph.add_edge(pid, country_node(graph), key=schema.COVERS)
        region = regions.lookup(meta.region, within=meta.province) if meta.region and meta.level != "national" else None
        if region:
            graph.add_edge(pid, region_node(graph, region), key=schema.COVERS)
            _targets_for(graph, pid, region_node(graph, region), len(plan.targets))
        if meta.issuer:
            node = f"Agency:{meta.issuer}"
            if node not in graph:
                graph.add_node(node, label="Agency", name=meta.issuer, aliases=[meta.issuer], rules=["issuer"])
            graph.add_edge(pid, node, key=schema.ISSUED_BY)


def _targets_for(graph: nx.MultiDiGraph, pid: str, region: str, count: int) -> None:
    """A plan's targets that name no place of their own are for the plan's jurisdiction."""
    for i in range(count):
        node = f"{pid}#target{i + 1}"
        if not any(k == schema.FOR_REGION for _, _, k in graph.out_edges(node, keys=True)):
            graph.add_edge(node, region, key=schema.FOR_REGION)


def _initiatives(graph: nx.MultiDiGraph, pid: str) -> set[str]:
    return {v for _, v, k in graph.out_edges(pid, keys=True)
            if k == schema.MENTIONS and graph.nodes[v]["label"] in schema.INITIATIVE_LABELS}


def add_alignment(graph: nx.MultiDiGraph, plans: list[ExtractedPlan]) -> None:
    """A plan aligns with the plans of the jurisdictions above it, through shared initiatives."""
    metas = {plan_id(p): p.meta for p in plans}
    position = {pid: i for i, pid in enumerate(metas)}
    by_region = defaultdict(list)  # the plans of each jurisdiction: a plan meets only those above it
    for pid, meta in metas.items():
        by_region[meta.region].append(pid)
    initiatives: dict[str, set[str]] = {}

    def initiatives_of(pid: str) -> set[str]:  # each plan's computed once, not once per pair
        if pid not in initiatives:
            initiatives[pid] = _initiatives(graph, pid)
        return initiatives[pid]

    for lower, meta in metas.items():
        above = {meta.parent_region, meta.province, schema.COUNTRY if meta.level != "national" else None} - {None, meta.region}
        highers = sorted((pid for region in above for pid in by_region.get(region, ())), key=position.__getitem__)
        if not highers:
            continue
        mine = initiatives_of(lower)
        done = {v for _, v, k in graph.out_edges(lower, keys=True) if k == schema.IMPLEMENTS}
        for higher in highers:
            theirs = initiatives_of(higher)
            common = mine & theirs
            shared = sorted(graph.nodes[n]["name"] for n in common)
            if shared:
                score = round(len(shared) / max(1, min(len(mine), len(theirs))), 3)
                implemented = sorted(graph.nodes[n]["name"] for n in common & done)
                graph.add_edge(lower, higher, key=schema.ALIGNS_WITH, shared=shared, score=score,
                               implemented=implemented)


def add_groupings(graph: nx.MultiDiGraph) -> None:
    """Groupings named in the plans (长三角) get their members (上海市, 江苏省 …) as PART_OF."""
    for name, spec in groupings()["groupings"].items():
        node = f"Region:{name}"
        if node not in graph:
            continue
        graph.nodes[node].update(level=schema.GROUPING_LEVEL)
        for member in spec.get("members") or ():
            region = division(member)
            if region is None:
                continue
            graph.add_edge(region_node(graph, region), node, key=schema.PART_OF)


def _ensure(graph: nx.MultiDiGraph, label: str, name: str, rule: str) -> str:
    node = f"{label}:{name}"
    if node not in graph:
        graph.add_node(node, label=label, name=name, aliases=[name], rules=[rule])
    return node


def _is_place(name: str) -> bool:
    """青浦, 奉贤, 张江, 青浦新城: a division, a town, or a new-town/zone name."""
    if name.endswith(("新城", "新区", "园区", "镇", "街道")):
        return True
    return any(regions.lookup(name + suffix) is not None for suffix in ("", "区", "县", "市", "镇", "街道"))


def add_branches(graph: nx.MultiDiGraph) -> None:
    """中山医院青浦分院 -[:BRANCH_OF]-> 中山医院 (the parent node is made if no plan named it)."""
    for node, data in list(graph.nodes(data=True)):
        if data["label"] != "Hospital":
            continue
        m = BRANCH.match(data["name"])
        if m and _is_place(m.group("place")):
            parent = _ensure(graph, "Hospital", m.group("parent"), "branch-parent")
            graph.add_edge(node, parent, key=schema.BRANCH_OF, kind=m.group("kind"), place=m.group("place"))


def add_editions(graph: nx.MultiDiGraph) -> None:
    """Editions to their series: Event → EventSeries, a round of an action plan → Program."""
    for node, data in list(graph.nodes(data=True)):
        series = series_of(data["label"], data["name"]) if data["label"] in ("Event", "Regulation") else None
        if not series or series == data["name"]:
            continue
        label = schema.EVENT_SERIES if data["label"] == "Event" else "Program"
        target = _ensure(graph, label, series, "series")
        graph.nodes[target].setdefault("series", True)
        graph.add_edge(node, target, key=schema.EDITION_OF)


_HEALTHY_DOC = re.compile(r"健康(?P<x>[\u4e00-\u9fff]{2,4}?)(?:行动|[0-9]{4}|”)")


def add_about(graph: nx.MultiDiGraph) -> None:
    """《健康上海行动(2019-2030年)》, 《“健康上海2030”规划纲要》 -[:ABOUT]-> 健康上海行动."""
    for node, data in list(graph.nodes(data=True)):
        if data["label"] != "Regulation":
            continue
        m = _HEALTHY_DOC.search(data["name"])
        if m and (m.group("x") == "中国" or regions.lookup(m.group("x"))):
            target = _ensure(graph, "Program", f"健康{m.group('x')}行动", "healthy-x")
            graph.add_edge(node, target, key=schema.ABOUT)


def add_implements(graph: nx.MultiDiGraph, plans: list[ExtractedPlan]) -> None:
    """(:Plan)-[:IMPLEMENTS {sentences, count}]->(initiative) from the mentions marked ``implements``."""
    for plan in plans:
        pid = plan_id(plan)
        evidence: dict[str | None, list[str]] = {}
        for m in plan.mentions:
            if m.implements and m.entity_id in graph and m.label in ("Program", "Regulation"):
                evidence.setdefault(m.entity_id, []).append(sentence_text(plan, m.sentence))
        for target, sentences in evidence.items():
            graph.add_edge(pid, target, key=schema.IMPLEMENTS, count=len(sentences),
                           sentences=list(dict.fromkeys(sentences)))


def add_diffusion(graph: nx.MultiDiGraph) -> None:
    """first_year_<level> on every Program, Regulation and Event: the earliest plan of that level
    (levels in the order of the plans that mention it, as the graph holds them)."""
    first: dict[str, dict[str, int]] = {}
    labels = ("Program", "Regulation", "Event")
    for plan, data in graph.nodes(data=True):
        year, level = data.get("year"), data.get("level")
        if data["label"] != schema.PLAN or not year or level not in schema.LEVELS:
            continue
        for target, keys in graph.succ[plan].items():
            if schema.MENTIONS in keys and graph.nodes[target]["label"] in labels:
                years = first.setdefault(target, {})
                years[level] = min(years.get(level, year), year)
    for node, years in first.items():
        data = graph.nodes[node]
        for level, year in years.items():
            data[schema.FIRST_YEAR[level]] = year


def link(graph: nx.MultiDiGraph, plans: list[ExtractedPlan]) -> nx.MultiDiGraph:
    add_plan_context(graph, plans)
    add_groupings(graph)
    add_region_hierarchy(graph)
    add_branches(graph)
    add_editions(graph)
    add_about(graph)
    add_implements(graph, plans)
    add_alignment(graph, plans)
    add_diffusion(graph)
    return graph
