"""The graph's vocabulary: every label, relationship type and key lives here.

Cypher templates take labels and types only from these constants (``check_label`` /
``check_type``), never from user text or data.
"""
from __future__ import annotations

ENTITY_LABELS = ("Hospital", "Agency", "Program", "Regulation", "Region", "Event", "Organization")
PLAN = "Plan"
PART = "Part"
TASK = "Task"
EVENT_SERIES = "EventSeries"
# Quantitative targets: a Target belongs to its plan (like Part and Task); an Indicator is shared
# by every plan that sets a target on it (id "Indicator:<canonical name>").
TARGET = "Target"
INDICATOR = "Indicator"
NODE_LABELS = (PLAN, PART, TASK, EVENT_SERIES, *ENTITY_LABELS, TARGET, INDICATOR)
PLAN_SCOPED = (PART, TASK, TARGET)  # nodes of one plan, with its id as ``plan``
KEY = "id"  # every node label has a unique ``id``

MENTIONS = "MENTIONS"  # (:Plan|:Task)-[:MENTIONS {count, sentences, starts, ends}]->(entity)
HAS_PART = "HAS_PART"  # (:Plan)-[:HAS_PART]->(:Part)
HAS_TASK = "HAS_TASK"  # (:Part|:Plan)-[:HAS_TASK]->(:Task)
PART_OF = "PART_OF"  # (:Region)-[:PART_OF]->(:Region); (:Regulation)-[:PART_OF]->(:Program)
COVERS = "COVERS"  # (:Plan)-[:COVERS]->(:Region): the plan's jurisdiction
ISSUED_BY = "ISSUED_BY"  # (:Plan)-[:ISSUED_BY]->(:Agency)
IMPLEMENTS = "IMPLEMENTS"  # (:Plan)-[:IMPLEMENTS {sentences}]->(:Program|:Regulation)
ALIGNS_WITH = "ALIGNS_WITH"  # (lower:Plan)-[:ALIGNS_WITH {shared, score}]->(higher:Plan)
BRANCH_OF = "BRANCH_OF"  # (:Hospital)-[:BRANCH_OF]->(:Hospital)
# (:Event|:Regulation)-[:EDITION_OF]->(:EventSeries|:Program). Editions of events (第五届进博会) point
# at an EventSeries (中国国际进口博览会); rounds of an action plan (第五轮…三年行动计划, or a dated
# edition …三年行动计划(2020-2022年)) are Regulations pointing at a Program series node of the same
# name without the round or years (series=true): the programme each round's document carries out.
EDITION_OF = "EDITION_OF"
ABOUT = "ABOUT"  # (:Regulation)-[:ABOUT]->(:Program): 《健康上海行动(2019-2030年)》 → 健康上海行动
# (:Task|:Plan)-[:SETS]->(:Target {value, low, high, unit, direction, deadline, text, …}): the task
# whose text sets it (the plan when it stands outside any task).
SETS = "SETS"
MEASURES = "MEASURES"  # (:Target)-[:MEASURES]->(:Indicator {name, aliases})
FOR_REGION = "FOR_REGION"  # (:Target)-[:FOR_REGION]->(:Region): a place it names, else the plan's own
REL_TYPES = (MENTIONS, HAS_PART, HAS_TASK, PART_OF, COVERS, ISSUED_BY, IMPLEMENTS, ALIGNS_WITH,
             BRANCH_OF, EDITION_OF, ABOUT, SETS, MEASURES, FOR_REGION)
# Target directions (extract/targets.py): a higher value is more ambitious for at_least targets,
# a lower one for at_most targets.
DIRECTIONS = ("at_least", "at_most", "exactly")

# Plan levels, highest first. National documents (国务院, 国家卫生健康委, 健康中国行动推进委员会 …)
# cover the COUNTRY Region, which the province-level units are PART_OF.
LEVELS = ("national", "province", "municipality", "district")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
COUNTRY = "中华人民共和国"
COUNTRY_LEVEL = "country"  # the level property of the COUNTRY Region node
# Diffusion: Program, Regulation and Event nodes carry the first year a plan of each level
# mentions them (graph/links.py add_diffusion); absent when no plan of that level does.
FIRST_YEAR = {level: f"first_year_{level}" for level in LEVELS}
# Region nodes of regional groupings (data/groupings.yml: 长三角 …) have this level; their members
# are PART_OF them.
GROUPING_LEVEL = "grouping"
# The kinds of entity that carry an initiative from one plan to another.
INITIATIVE_LABELS = ("Program", "Regulation", "Event", "Plan")


def check_label(label: str) -> str:
    if label not in NODE_LABELS:
        raise ValueError(f"not a label of the schema: {label!r}")
    return label


def check_type(rel_type: str) -> str:
    if rel_type not in REL_TYPES:
        raise ValueError(f"not a relationship type of the schema: {rel_type!r}")
    return rel_type


def owning_plan(node: str, data: dict) -> str | None:
    """The plan a node belongs to: itself for a Plan, ``plan`` for its Parts, Tasks and Targets;
    None for a shared node (an entity, a region, an indicator …)."""
    label = data.get("label")
    if label == PLAN:
        return node
    if label in PLAN_SCOPED:
        return data.get("plan")
    return None
