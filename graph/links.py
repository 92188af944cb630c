"""Relationships that connect plans to each other and place entities in the world.

- Region hierarchy: (:Region)-[:PART_OF]->(:Region) from the administrative-division dataset,
  and the plans' jurisdictions (:Plan)-[:COVERS]->(:Region).
- (:Plan)-[:ISSUED_BY]->(:Agency).
- (lower:Plan)-[:ALIGNS_WITH {shared, score}]->(higher:Plan) for plans of a parent jurisdiction.
"""
from __future__ import annotations

import networkx as nx

from policykg.extract import regions
from policykg.extract.document import ExtractedPlan
from policykg.graph import schema
from policykg.graph.model import plan_id
from policykg.resolve import Jurisdiction, full_name


def region_node(graph: nx.MultiDiGraph, region: "regions.Region") -> str:
    name = full_name(region)
    node = f"Region:{name}"
    if node not in graph:
        graph.add_node(node, label="Region", name=name, aliases=[region.name], rules=["division"])
    graph.nodes[node].update(code=region.code, level=region.level)
    return node


def division(name: str) -> "regions.Region | None":
    """The division a canonical region name stands for: 上海市青浦区 → 青浦区 within 上海市."""
    for i in range(len(name) - 1):
        region = regions.lookup(name[i:], within=name[:i] or None)
        if region is not None and full_name(region) == name:
            return region
    return None


def add_region_hierarchy(graph: nx.MultiDiGraph) -> None:
    """Every Region node the dataset knows gets a PART_OF chain up to its province."""
    for node, data in list(graph.nodes(data=True)):
        if data["label"] != "Region":
            continue
        region = division(data["name"])
        while region is not None:
            child = region_node(graph, region)
            parent = next(iter(regions.parents(region)), None)
            if parent is None:
                break
            parent_node = region_node(graph, parent)
            if child != parent_node:
                graph.add_edge(child, parent_node, key=schema.PART_OF)
            region = parent


def add_plan_context(graph: nx.MultiDiGraph, plans: list[ExtractedPlan]) -> None:
    for plan in plans:
        pid = plan_id(plan)
        meta = plan.meta
        region = regions.lookup(meta.region, within=meta.province) if meta.region else None
        if region:
            graph.add_edge(pid, region_node(graph, region), key=schema.COVERS)
        if meta.issuer:
            node = f"Agency:{meta.issuer}"
            if node not in graph:
                graph.add_node(node, label="Agency", name=meta.issuer, aliases=[meta.issuer], rules=["issuer"])
            graph.add_edge(pid, node, key=schema.ISSUED_BY)


def _initiatives(graph: nx.MultiDiGraph, pid: str) -> set[str]:
    return {v for _, v, k in graph.out_edges(pid, keys=True)
            if k == schema.MENTIONS and graph.nodes[v]["label"] in schema.INITIATIVE_LABELS}


def add_alignment(graph: nx.MultiDiGraph, plans: list[ExtractedPlan]) -> None:
    """A plan aligns with the plans of the jurisdictions above it, through shared initiatives."""
    metas = {plan_id(p): p.meta for p in plans}
    for lower, meta in metas.items():
        above = {meta.parent_region, meta.province} - {None, meta.region}
        mine = _initiatives(graph, lower)
        for higher, other in metas.items():
            if higher == lower or other.region not in above:
                continue
            theirs = _initiatives(graph, higher)
            shared = sorted(graph.nodes[n]["name"] for n in mine & theirs)
            if shared:
                score = round(len(shared) / max(1, min(len(mine), len(theirs))), 3)
                graph.add_edge(lower, higher, key=schema.ALIGNS_WITH, shared=shared, score=score)


def link(graph: nx.MultiDiGraph, plans: list[ExtractedPlan]) -> nx.MultiDiGraph:
    add_plan_context(graph, plans)
    add_region_hierarchy(graph)
    add_alignment(graph, plans)
    return graph
