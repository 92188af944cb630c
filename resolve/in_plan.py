"""Passes over one plan's named mentions: what a name means given the rest of its plan.

Each pass takes the plan, its ``Jurisdiction`` and the named mentions (mention, canonical name,
rule) and returns them renamed where the plan says more than the mention alone: 本市X is the
plan's own city's X, quoted names in a run share their head (中医药“A”“B”项目), a 关于 title takes
its issuers, a bare series is the one edition the plan names, a designation the holder named
elsewhere in the plan. ``resolver.IN_PLAN_PASSES`` runs them in order.
"""
from __future__ import annotations

import re
from functools import cache

from policykg.extract import regions
from policykg.extract.datafiles import load_lexicon
from policykg.extract.document import ExtractedPlan, Mention
from policykg.extract.patterns import Boundaries
from policykg.resolve.names import Jurisdiction, Named, clean, series_of

_OWN = {"本市": "city", "本省": "province"}  # 全市/全省 mean "city-wide", not "the city's"
_OWN_HEADS = re.compile(r"(?:行动|计划|规划|方案|项目|工程|条例|办法|意见)(?:\([0-9-]+年?\))?$")
_NATIONAL = ("国家", "全国", "中国", "中华人民共和国", "中共中央", "国务院")


def _before(plan: ExtractedPlan, m: Mention, n: int) -> str:
    """Up to ``n`` characters of normalised text before a mention, within its sentence."""
    i = plan.norm_span(m)[0]
    sentences = plan.structure.sentences
    lo = sentences[m.sentence].start if 0 <= m.sentence < len(sentences) else 0
    return plan.document.text[max(lo, i - n):i]


def issuers(plan: ExtractedPlan, where: Jurisdiction, named: Named) -> Named:
    """中共中央、国务院《关于X的意见》: a 关于 title cited right after its issuers is named with them
    (中共中央国务院关于X的意见), as the issuers head the official title."""
    agencies = {m.end: m for m in plan.mentions if m.label == "Agency"}
    original = plan.document.original
    out = []
    for m, name, rule in named:
        if m.label == "Regulation" and name.startswith("关于"):
            issuers: list[str] = []
            pos = m.start - (1 if m.start and original[m.start - 1] in "《〈" else 0)
            while pos in agencies or (original[pos - 1:pos] == "、" and pos - 1 in agencies):
                agency = agencies.get(pos) or agencies[pos - 1]
                if not clean(agency.norm).startswith(_NATIONAL):
                    break  # 省政府办公厅《关于X》: a local issuer is not printed in the title cited
                issuers.insert(0, clean(agency.norm))
                pos = agency.start
            if issuers:
                out.append((m, "".join(issuers) + name, "issuer"))
                continue
        out.append((m, name, rule))
    return out


_PROGRAM_HEADS = re.compile(r"项目|工程|行动|活动|计划|专项")


def _quotation_run(text: str, start: int, end: int) -> tuple[int, int, int, str] | None:
    """The run of adjacent quotations (“A”“B”、“C”) around the quoted name at text[start:end]:
    (its first “, the end of its last ”, how many quotations, the name's own quoted text)."""
    lo = start - 1 if text[start - 1:start] == "“" else start
    if text[lo:lo + 1] != "“":
        return None
    close = text.find("”", lo)
    if close < 0 or close > end:
        return None
    core, hi, items = text[lo + 1:close], close + 1, 1
    while True:  # quotations before it
        gap = 2 if text[lo - 2:lo] == "”、" else 1 if text[lo - 1:lo] == "”" else 0
        prev = text.rfind("“", 0, lo - gap) if gap else -1
        if prev < 0 or "”" in text[prev:lo - gap - 1]:
            break
        lo, items = prev, items + 1
    while True:  # and after it
        gap = 2 if text[hi:hi + 2] == "、“" else 1 if text[hi:hi + 1] == "“" else 0
        close = text.find("”", hi + gap) if gap else -1
        if close < 0 or "“" in text[hi + gap + 1:close]:
            break
        hi, items = close + 1, items + 1
    return lo, hi, items, core


@cache
def _boundaries() -> Boundaries:
    return Boundaries(load_lexicon())


def _shared_head_name(text: str, start: int, end: int) -> str | None:
    run = _quotation_run(text, start, end)
    if run is None or run[2] < 2:
        return None
    lo, hi, _, core = run
    head = _PROGRAM_HEADS.match(text, hi)
    if not head:
        return None
    left = _boundaries().left_edge(text, lo, lo, "clause", 12)
    prefix = text[left:lo] if left is not None else ""
    return f"{prefix}“{core}”{head.group()}"


def shared_head(plan: ExtractedPlan, where: Jurisdiction, named: Named) -> Named:
    """中医药“A”“B”“C”项目: each quoted name of the run shares the word before and the head after
    (中医药“A”项目, 中医药“B”项目 …)."""
    out = []
    for m, name, rule in named:
        shared = _shared_head_name(plan.document.text, *plan.norm_span(m)) if m.label == "Program" else None
        out.append((m, shared, "shared-head") if shared else (m, name, rule))
    return out


def own_prefix(plan: ExtractedPlan, where: Jurisdiction, named: Named) -> Named:
    """本市X / 全省X: a name right after 本市 (本省 …) is the plan's own city's (province's) X."""
    out = []
    for m, name, rule in named:
        if (m.label in ("Program", "Regulation") and rule in ("surface", "repeat")
                and not any(n in name for n in _NATIONAL) and _OWN_HEADS.search(name)):
            own = _OWN.get(_before(plan, m, 3).rstrip("《“")[-2:])
            unit = getattr(where, own) if own else None
            if unit and not regions.find_in(name[:6]):
                out.append((m, f"{unit}{name}", "jurisdiction"))
                continue
        out.append((m, name, rule))
    return out


def edition_context(plan: ExtractedPlan, where: Jurisdiction, named: Named) -> Named:
    """A bare series name in a plan that names exactly one of its editions is that edition."""
    editions: dict[tuple[str, str], set[str]] = {}
    for m, name, _ in named:
        series = series_of(m.label, name) if m.label == "Event" else None
        if series:
            editions.setdefault((m.label, series), set()).add(name)
    out = []
    for m, name, rule in named:
        found = editions.get((m.label, name))
        if found and len(found) == 1:
            out.append((m, next(iter(found)), "edition-context"))
        else:
            out.append((m, name, rule))
    return out


_DESIGNATION_HOLDERS = ("省份", "城市", "县(区)", "省", "市", "县", "区")


def designation_context(plan: ExtractedPlan, where: Jurisdiction, named: Named) -> Named:
    """综合医改试点 in a plan that also names 综合医改试点省份 is that designation."""
    names = {(m.label, name) for m, name, _ in named if m.label == "Program"}
    out = []
    for m, name, rule in named:
        if m.label == "Program" and name.endswith(("试点", "示范", "示范区")):
            longer = [name + h for h in _DESIGNATION_HOLDERS if (m.label, name + h) in names]
            if len(longer) == 1:
                out.append((m, longer[0], "designation-context"))
                continue
        out.append((m, name, rule))
    return out
