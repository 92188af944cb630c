"""displacy rendering of the spans found in one plan, over its original text."""
from __future__ import annotations

from pathlib import Path

from spacy import displacy

from policykg.build import extract_file
from policykg.extract.pipeline import LABELS
from policykg.graph.viz import COLORS as GRAPH_COLORS

# The palette of the graph views (viz, Browser style), so a label looks the same everywhere.
COLORS = {label: GRAPH_COLORS[label] for label in LABELS}


def render(path: Path) -> str:
    plan = extract_file(path)
    ents = [{"start": m.start, "end": m.end, "label": m.label} for m in plan.mentions]
    data = {"text": plan.document.original, "ents": ents, "title": f"{plan.document.name}: {plan.meta.title or ''}"}
    return displacy.render(data, style="ent", manual=True, page=True,
                           options={"colors": COLORS, "ents": list(COLORS)})
