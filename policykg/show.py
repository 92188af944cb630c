"""displacy rendering of the spans found in one plan, over its original text."""
from __future__ import annotations

from pathlib import Path

from spacy import displacy

from policykg.build import extract_file

COLORS = {"Hospital": "#f4a3a3", "Agency": "#a3c4f4", "Program": "#b5e7a0", "Regulation": "#f7d794",
          "Region": "#d4b5f4", "Event": "#f4c2e0", "Organization": "#9fe3e0", "Plan": "#cccccc"}


def render(path: Path) -> str:
    plan = extract_file(path)
    ents = [{"start": m.start, "end": m.end, "label": m.label} for m in plan.mentions]
    data = {"text": plan.document.original, "ents": ents, "title": f"{plan.document.name}: {plan.meta.title or ''}"}
    return displacy.render(data, style="ent", manual=True, page=True,
                           options={"colors": COLORS, "ents": list(COLORS)})
