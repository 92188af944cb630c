"""Passes over the named mentions of all plans at once: what only the corpus can tell.

Each pass takes every named mention (mention, canonical name, rule) and the plans, and returns
them renamed: forms of one quoted name become one (“X”系列活动 and “X”活动), and a round with no
place (第五轮X in a 2021 plan) becomes the dated edition of the plan's own city that covers its
year. ``resolver.ACROSS_PLAN_PASSES`` runs them in order.
"""
from __future__ import annotations

import re

from policykg.extract.document import ExtractedPlan
from policykg.resolve.names import ROUND, Jurisdiction, Named

_QUOTED = re.compile(r"^(?P<mod>[\u4e00-\u9fff]{0,3})“(?P<core>[^“”]{2,20})”(?P<head>[\u4e00-\u9fff]{1,6})$")


def variants(named: Named, plans: list[ExtractedPlan]) -> Named:
    """Forms of one quoted name that differ only by a short modifier in front or 系列 in the head
    (国家“X”活动, “X”系列活动) become one node “X”活动 when two or more such forms occur."""
    groups: dict[tuple[str, str, str], set[str]] = {}
    for m, name, _ in named:
        q = _QUOTED.match(name) if m.label == "Program" else None
        if q:
            groups.setdefault((m.label, q.group("core"), q.group("head").replace("系列", "")), set()).add(name)
    out = []
    for m, name, rule in named:
        q = _QUOTED.match(name) if m.label == "Program" else None
        if q:
            key = (m.label, q.group("core"), q.group("head").replace("系列", ""))
            if len(groups[key]) > 1:
                plain = f"“{key[1]}”{key[2]}"
                out.append((m, plain, "variant" if plain != name else rule))
                continue
        out.append((m, name, rule))
    return out


_DATED_EDITION = re.compile(r"^(?P<pre>.*?)(?P<base>[^()]+)\((?P<y1>[0-9]{4})-(?P<y2>[0-9]{4})年?\)$")


def edition_by_year(named: Named, plans: list[ExtractedPlan]) -> Named:
    """第五轮X (no place named) in a plan of year Y → the corpus's dated edition {city}X(Y1-Y2年)
    of the plan's own city or province whose years cover Y."""
    editions: dict[str, set[tuple[str, int, int]]] = {}  # {city}X → its dated editions
    for m, name, _ in named:
        if m.label != "Regulation":
            continue
        d = _DATED_EDITION.match(name)
        if d:
            editions.setdefault(d.group("pre") + d.group("base"), set()).add(
                (name, int(d.group("y1")), int(d.group("y2"))))
    if not editions:
        return named
    meta = {p.document.name: p.meta for p in plans}
    out = []
    for m, name, rule in named:
        r = ROUND.match(name) if m.label == "Regulation" else None
        info = meta.get(m.doc)
        if r and not r.group("pre") and info and info.year:
            where = Jurisdiction.of(info)
            heads = {h for h in (where.city, where.province) if h}
            hits = {e for h in heads for e, y1, y2 in editions.get(h + r.group("rest"), ())
                    if y1 <= info.year <= y2}
            if len(hits) == 1:
                out.append((m, hits.pop(), "edition-by-year"))
                continue
        out.append((m, name, rule))
    return out
