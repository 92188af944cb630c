"""spaCy components of the extractor, registered as factories like spaCy's own ``span_ruler``.

``policykg_candidates`` proposes labelled spans from regex patterns (``data/patterns.jsonl``)
and gazetteers (administrative divisions from the jionlp package, ``data/gazetteer.yml``);
``policykg_select`` keeps the flat, longest, best-ranked spans, drops generic nouns listed in
``data/lexicon.yml`` and writes ``doc.ents`` and ``doc.spans["entities"]``.

Rules read ``doc.text``: the normalised text (simplified, unwrapped, full-width Chinese
punctuation), so one pattern covers traditional, web and hard-wrapped inputs alike.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span

CANDIDATES_KEY = "candidates"
ENTITIES_KEY = "entities"


def data_path(name: str) -> Path:
    return Path(str(resources.files("policykg.extract") / "data" / name))


def load_lexicon(name: str = "lexicon.yml") -> dict:
    return _read_yaml(name)


def _alternation(words) -> str:
    # Longest first so that 进一步 wins over 进.
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(slots=True)
class Pattern:
    id: str
    label: str
    regex: re.Pattern
    group: str | int
    boundary: str  # "none" | "name" (cut at function words) | "clause" (strip leading verbs)
    max_left: int
    priority: int


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    label: str
    priority: int
    rule: str


class Boundaries:
    """Finds where a name starts when only its head (医院, 行动, 条例 …) was matched.

    Chinese has no spaces, so a suffix match says nothing of the left edge. Names of
    institutions rarely contain verbs: cut at the last verb or function word. Names of
    programs and documents do (全面提升医疗质量行动), so for them start at the clause and strip
    the verbs that lead it (开展, 深化, 落实 …).
    """

    def __init__(self, lexicon: dict):
        self.name_stops = re.compile(_alternation(lexicon["name_stops"] + lexicon["lead_verbs"]))
        self.lead = re.compile(f"(?:{_alternation(lexicon['lead_verbs'])})+")  # match() anchors at pos
        self.clause_break = re.compile(lexicon["clause_break"])

    def left_edge(self, text: str, start: int, mode: str, max_left: int) -> int:
        lo = max(0, start - max_left)
        window = text[lo:start]
        breaks = [m.end() for m in self.clause_break.finditer(window)]
        left = lo + (breaks[-1] if breaks else 0)
        if mode == "clause":
            m = self.lead.match(text, left, start)
            return m.end() if m else left
        cut = left
        for m in self.name_stops.finditer(text, left, start):
            cut = m.end()
        return cut


def compile_patterns(rows: list[dict], macros: dict[str, str]) -> list[Pattern]:
    out = []
    for row in rows:
        regex = row["pattern"]
        for key, value in macros.items():
            regex = regex.replace("{" + key + "}", value)
        out.append(
            Pattern(
                id=row["id"],
                label=row["label"],
                regex=re.compile(regex),
                group=row.get("group", 0),
                boundary=row.get("boundary", "none"),
                max_left=row.get("max_left", 16),
                priority=row.get("priority", 50),
            )
        )
    return out


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip() and not line.startswith("//")]


class CandidateProposer:
    def __init__(self, nlp: Language, name: str, patterns: str, lexicon: str, gazetteer: str,
                 spans_key: str):
        self.name = name
        self.spans_key = spans_key
        lex = load_lexicon(lexicon)
        macros = {**lex.get("macros", {}), "REGION": region_alternation(gazetteer)}
        self.patterns = compile_patterns(read_jsonl(data_path(patterns)), macros)
        self.boundaries = Boundaries(lex)
        self.gazetteer = Gazetteer.from_data(gazetteer)

    def propose(self, text: str) -> list[Candidate]:
        found: list[Candidate] = []
        for p in self.patterns:
            for m in p.regex.finditer(text):
                start, end = m.span(p.group)
                if start < 0 or end <= start:
                    continue
                if p.boundary != "none":
                    start = self.boundaries.left_edge(text, start, p.boundary, p.max_left)
                if end - start >= 2:
                    found.append(Candidate(start, end, p.label, p.priority, p.id))
        found.extend(self.gazetteer.find(text))
        return found

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for c in self.propose(doc.text):
            span = doc.char_span(c.start, c.end, label=c.label, kb_id=c.rule, alignment_mode="expand")
            if span is not None:
                spans.append(span)
                span._.pkg_priority = c.priority
        doc.spans[self.spans_key] = spans
        return doc


class Gazetteer:
    """Exact names: administrative divisions from jionlp plus the groupings in gazetteer.yml."""

    def __init__(self, entries: dict[str, tuple[str, int]]):
        self.entries = entries
        self.regex = re.compile(_alternation(entries)) if entries else None

    @classmethod
    def from_data(cls, name: str) -> "Gazetteer":
        return cls(_gazetteer_entries(name))

    def find(self, text: str) -> list[Candidate]:
        if self.regex is None:
            return []
        out = []
        for m in self.regex.finditer(text):
            label, priority = self.entries[m.group()]
            out.append(Candidate(m.start(), m.end(), label, priority, "gazetteer"))
        return out


@cache
def _gazetteer_entries(name: str) -> dict[str, tuple[str, int]]:
    from policykg.extract import regions

    data = _read_yaml(name)
    entries: dict[str, tuple[str, int]] = {}
    min_alias = data.get("region_alias_min_len", 2)
    for surface, found in regions.all_names().items():
        if any(r.level == "town" for r in found) and len(surface) < 3:
            continue
        if len(surface) >= min_alias:
            entries[surface] = ("Region", data.get("region_priority", 40))
    for label, names in data.get("names", {}).items():
        for surface in names:
            entries[surface] = (label, data.get("name_priority", 60))
    for surface in data.get("not_names", []):
        entries.pop(surface, None)
    return entries


@cache
def region_alternation(gazetteer: str) -> str:
    """Names of provinces, cities and counties (full and short), as one regex alternation."""
    from policykg.extract import regions

    excluded = set(_read_yaml(gazetteer).get("not_names", []))
    names = [
        surface
        for surface, found in regions.all_names().items()
        if len(surface) >= 2 and surface not in excluded and not all(r.level == "town" for r in found)
    ]
    return _alternation(names)


@cache
def _read_yaml(name: str) -> dict:
    with open(data_path(name), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


if not Span.has_extension("pkg_priority"):
    Span.set_extension("pkg_priority", default=50)


@Language.factory(
    "policykg_candidates",
    default_config={
        "patterns": "patterns.jsonl",
        "lexicon": "lexicon.yml",
        "gazetteer": "gazetteer.yml",
        "spans_key": CANDIDATES_KEY,
    },
)
def make_candidates(nlp: Language, name: str, patterns: str, lexicon: str, gazetteer: str,
                    spans_key: str):
    return CandidateProposer(nlp, name, patterns, lexicon, gazetteer, spans_key)


class SpanSelector:
    """Flat longest spans: among overlapping candidates keep the longest, then the best-ranked."""

    def __init__(self, nlp: Language, name: str, lexicon: str, candidates_key: str, spans_key: str):
        lex = load_lexicon(lexicon)
        self.generic = set(lex.get("generic", []))
        self.generic_re = re.compile(lex["generic_pattern"]) if lex.get("generic_pattern") else None
        self.candidates_key = candidates_key
        self.spans_key = spans_key

    def keep(self, span: Span) -> bool:
        text = span.text
        if text in self.generic:
            return False
        return not (self.generic_re and self.generic_re.fullmatch(text))

    def __call__(self, doc: Doc) -> Doc:
        ranked = sorted(
            (s for s in doc.spans.get(self.candidates_key, []) if self.keep(s)),
            key=lambda s: (-(s.end_char - s.start_char), -s._.pkg_priority, s.start_char),
        )
        taken = bytearray(len(doc))
        chosen = []
        for span in ranked:
            if any(taken[span.start:span.end]):
                continue
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
            chosen.append(span)
        chosen.sort(key=lambda s: s.start)
        doc.spans[self.spans_key] = chosen
        doc.ents = chosen
        return doc


@Language.factory(
    "policykg_select",
    default_config={"lexicon": "lexicon.yml", "candidates_key": CANDIDATES_KEY, "spans_key": ENTITIES_KEY},
)
def make_select(nlp: Language, name: str, lexicon: str, candidates_key: str, spans_key: str):
    return SpanSelector(nlp, name, lexicon, candidates_key, spans_key)
