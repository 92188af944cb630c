"""Cypher is kept in ``cypher/*.cypher`` files and loaded by name."""
from __future__ import annotations

from functools import cache
from importlib import resources

from policykg.graph import schema


@cache
def load(name: str) -> str:
    return (resources.files("policykg.cypher") / f"{name}.cypher").read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """The ';'-separated statements of a file, without comment lines."""
    body = "\n".join(line for line in load(name).splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in body.split(";") if s.strip()]


def template(name: str, **names: str) -> str:
    """Fill __LABEL__-style slots, accepting only labels and types of the schema."""
    text = load(name)
    for slot, value in names.items():
        checked = schema.check_type(value) if slot == "TYPE" else schema.check_label(value)
        text = text.replace(f"__{slot}__", checked)
    return text
