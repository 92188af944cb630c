"""Patterns of names and where a name starts.

A pattern (a row of ``data/patterns.jsonl``) matches a name's head (医院, 行动, 条例 …) or a whole
name; ``Boundaries`` then finds the left edge, which Chinese, written without spaces, does not
mark. Patterns that ``re`` would try at every character are run near their literals only
(``anchors.py``).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from policykg.extract.anchors import Anchored, alternation, anchored, quick_start
from policykg.extract.spans import traits_of


@dataclass(slots=True)
class Pattern:
    id: str
    label: str
    regex: re.Pattern
    finder: re.Pattern | Anchored  # regex, or what finds its matches quicker (anchors.py)
    group: str | int
    boundary: str  # "none" | "name" (cut at function words) | "clause" (strip leading verbs)
    #                | "document" (clause mode for untitled documents: 本市推进X方案 keeps its verb)
    #                | "prefix" (name mode before a quotation; the quotation itself when unsure)
    max_left: int
    priority: int
    require: re.Pattern | None = None  # the final span must contain a match (项目 needs 国家 …)
    region_prefix: str = ""  # "optional" | "required": a place name right before joins the span
    conjoined: bool = False  # 市X和Y研究院: a name may join two fields with 和/与 (name mode)
    place_group: str = ""  # this group must be a place the plan can mean (健康合作: 合作 is a county far away)
    traits: frozenset[str] = frozenset()  # what selection knows of its candidates (data/patterns.md)



class Boundaries:
    """Finds where a name starts when only its head (医院, 行动, 条例 …) was matched.

    Chinese has no spaces, so a suffix match says nothing of the left edge. Names of
    institutions rarely contain verbs: cut at the last verb or function word ("name" mode).
    Names of programs and documents do (全面提升医疗质量行动), so for them ("clause" mode) start
    at the clause, cut after the last *hard* verb or conjunction (推进, 构建, 和, 等 … words that
    never sit inside a name) and strip the soft verbs that lead it (开展, 深化, 落实 …).
    A name never starts inside a quotation or reaches across 《》; a clause mode name whose
    clause is longer than ``max_left`` is dropped rather than cut at an arbitrary character.
    """

    def __init__(self, lexicon: dict, owners=()):
        internal = set(lexicon.get("name_internal", []))
        # Full names of places (广东省, 西宁市): in a document's title the verbs after its owner
        # are the title's (青海省推进X行动计划), unless they issue it (X省卫生健康委印发…).
        self.owners = re.compile(alternation(owners)) if owners else None
        self.issuing = frozenset(lexicon.get("issuing_verbs", ()))
        stops = [w for w in lexicon["name_stops"] + lexicon["lead_verbs"] + lexicon.get("hard_verbs", [])
                 if w not in internal]
        protect = lexicon.get("name_protect", [])
        self.name_stops = re.compile((f"(?P<keep>{alternation(protect)})|" if protect else "")
                                     + f"(?:{alternation(stops)})")
        self.name_keep = "keep" in self.name_stops.groupindex  # a protected word is no stop
        self.post_cut = re.compile(f"(?:{alternation(lexicon.get('post_cut_strip', ['本市']))})+")
        self.lead = re.compile(f"(?:{alternation(lexicon['lead_verbs'] + lexicon.get('hard_verbs', []))})+")
        # Words that hold a hard word without being one (普及, 并发症): matched first, skipped.
        clause_protect = lexicon.get("clause_protect", [])
        self.hard = re.compile((f"(?P<keep>{alternation(clause_protect)})|" if clause_protect else "")
                               + f"(?:{alternation(lexicon.get('hard_verbs', []) + lexicon.get('conjunctions', []))})")
        self.hard_keep = "keep" in self.hard.groupindex
        self.conjunctions = frozenset(lexicon.get("name_conjunctions", ()))
        self.owner = re.compile(lexicon["name_owner"]) if lexicon.get("name_owner") else None
        self.edition = re.compile(lexicon["edition_field"]) if lexicon.get("edition_field") else None
        self.title_owners = tuple(lexicon.get("title_owners", ()))
        # (quick_start: these open with lookbehinds, so re would try every alternative everywhere)
        self.clause_break = quick_start(re.compile(lexicon["clause_break"]))
        self.name_break = quick_start(re.compile(lexicon.get("name_break", lexicon["clause_break"])))

    def left_edge(self, text: str, start: int, end: int, mode: str, max_left: int,
                  conjoined: bool = False) -> int | None:
        lo = max(0, start - max_left)
        clause = mode in ("clause", "document")
        breaker = self.clause_break if clause else self.name_break
        # A break right before the head (九项|准则) leaves no name: it does not count.
        last_break = None
        for m in breaker.finditer(text, lo, start):
            if m.end() < start or m.end() - m.start() == 1:
                last_break = m.end()
        left = lo if last_break is None else last_break
        if last_break is None and lo > 0:
            if clause:
                return None  # the clause runs past the window: no trustworthy left edge
            if mode == "prefix":
                left = start  # a quoted name: keep the quotation, drop the unsure prefix
        # Never cut inside an open quotation: “公卫优才”和…, “2025-2027年儿科和精神卫生服务年”.
        q = text.rfind("“", left, start)
        limit = q if q >= 0 and text.find("”", q, start) < 0 else start
        if clause:
            cut = left
            for m in self.hard.finditer(text, left, limit):
                if self.hard_keep and m.group("keep"):
                    continue
                if not self._kept_in_clause(text, cut, m, mode):
                    cut = m.end()
            if cut == left:  # no verb inside the clause: strip the ones that open it
                opening = self.lead.match(text, left, start)
            else:  # after a verb only the jurisdiction and light verbs (本市, 组织, 创建)
                opening = self.post_cut.match(text, cut, start)
            cut = opening.end() if opening else cut
            left = cut
        else:
            keep = self.name_keep
            for m in self.name_stops.finditer(text, left, limit):
                if keep and m.group("keep"):
                    continue
                if conjoined and self._joins_fields(text, left, m):
                    continue
                left = m.end()
        return fix_quotes(text, left, end)

    def _kept_in_clause(self, text: str, cut: int, hard: re.Match, mode: str) -> bool:
        """A hard word that belongs to the name: 和 after an edition (第四轮X和Y三年行动计划) and, in a
        document title, the verb right after its owner (落实本市推进X实施方案, 青海省推进X行动计划,
        广东省营养指导X实施方案: a place's full name and at most a short field before the verb)."""
        if hard.group() in self.conjunctions and self.edition and self.edition.fullmatch(text, cut, hard.start()):
            return True
        if mode != "document":
            return False
        if text.endswith(self.title_owners, 0, hard.start()):
            return True
        if self.owners is None or hard.group() in self.issuing or hard.group() in self.conjunctions:
            return False
        lead = self.lead.match(text, cut, hard.start())  # 执行青海省X方案: the owner after a light verb
        owner = self.owners.match(text, lead.end() if lead else cut, hard.start())
        if owner is None:
            return False
        field = text[owner.end():hard.start()]
        return len(field) <= 4 and not _BODY_CHARS.search(field)

    def _joins_fields(self, text: str, left: int, stop: re.Match) -> bool:
        """和/与 inside one name: 市重大传染病和生物安全研究院 (an owner such as 市 or 国家 opens
        a first field that is no name of its own), not 市疾控中心和区疾控中心."""
        if stop.group() not in self.conjunctions or self.owner is None:
            return False
        first = text[left:stop.start()]
        return bool(self.owner.fullmatch(first))


_BODY_CHARS = re.compile("[委局厅办府院部会]")  # a body between owner and verb: it issues, the title follows
_OPEN, _CLOSE = "“‘", "”’"
_QUOTE = re.compile("[“‘”’]")


def fix_quotes(text: str, left: int, end: int) -> int | None:
    """Move ``left`` so that the span holds balanced quotes; None when it cannot."""
    if _QUOTE.search(text, left, end) is None:  # nothing to balance (most spans)
        return left if end - left >= 2 else None
    for o, c in zip(_OPEN, _CLOSE):
        depth = 0
        for i in range(left, end):
            ch = text[i]
            if ch == o:
                depth += 1
            elif ch == c:
                if depth:
                    depth -= 1
                else:  # a close quote whose opening lies left of the span
                    k = text.rfind(o, max(0, left - 24), left)
                    if k >= 0 and "\n" not in text[k:left]:
                        left = k
                    else:
                        left = i + 1
                    break
    for o, c in zip(_OPEN, _CLOSE):
        k = text.rfind(o, left, end)
        if k >= 0 and text.find(c, k, end) < 0:  # an opening quote the span does not close
            left = k + 1
    return left if end - left >= 2 else None


def compile_patterns(rows: list[dict], macros: dict[str, str]) -> list[Pattern]:
    out = []
    for row in rows:
        regex = row["pattern"]
        for key, value in macros.items():
            regex = regex.replace("{" + key + "}", value)
        compiled = re.compile(regex)
        out.append(
            Pattern(
                id=row["id"],
                label=row["label"],
                regex=compiled,
                finder=anchored(compiled),
                group=row.get("group", 0),
                boundary=row.get("boundary", "none"),
                max_left=row.get("max_left", 16),
                priority=row.get("priority", 50),
                require=re.compile(row["require"]) if row.get("require") else None,
                region_prefix=row.get("region_prefix", ""),
                place_group=row.get("place_group", ""),
                conjoined=row.get("conjoined", False),
                traits=traits_of(row, f"pattern {row['id']}"),
            )
        )
    return out


def close_quote(text: str, start: int, end: int, max_left: int) -> int:
    """A head inside a quotation takes its closing quote: 母婴安全提升“五大行动”."""
    if end < len(text) and text[end] == "”":
        lo = max(0, start - max_left)
        if text.rfind("“", lo, start) > text.rfind("”", lo, start):
            return end + 1
    return end


TITLE_MARK = re.compile("[《》〈〉]")


def outside_titles(marks: list[int], start: int, end: int) -> int | None:
    """A span that is not a 《》 title never reaches across 《 or 》: start after the last one.

    ``marks``: where the text has 《》〈〉, in order (listed once per text).
    """
    i = bisect_left(marks, end) - 1
    if i < 0 or marks[i] < start:
        return start
    k = marks[i]
    return k + 1 if end - (k + 1) >= 2 else None


