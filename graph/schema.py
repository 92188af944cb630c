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
NODE_LABELS = (PLAN, PART, TASK, EVENT_SERIES, *ENTITY_LABELS)
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
EDITION_OF = "EDITION_OF"  # (:Event|:Regulation)-[:EDITION_OF]->(:EventSeries|:Program)
ABOUT = "ABOUT"  # (:Regulation)-[:ABOUT]->(:Program)
REL_TYPES = (MENTIONS, HAS_PART, HAS_TASK, PART_OF, COVERS, ISSUED_BY, IMPLEMENTS, ALIGNS_WITH,
             BRANCH_OF, EDITION_OF, ABOUT)

LEVELS = ("province", "municipality", "district")
LEVEL_RANK = {"province": 0, "municipality": 1, "district": 2}
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
