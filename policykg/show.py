"""displacy rendering of the spans found in one plan, over its original text."""
from __future__ import annotations

import html
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
    # displacy escapes the text but puts the title in as markup: a file name is anyone's to choose.
    title = html.escape(f"{plan.document.name}: {plan.meta.title or ''}", quote=True)
    data = {"text": plan.document.original, "ents": ents, "title": title}
    return displacy.render(data, style="ent", manual=True, page=True,
                           options={"colors": COLORS, "ents": list(COLORS)})
