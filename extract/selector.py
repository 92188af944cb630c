"""The ``policykg_select`` component: the candidates that are names, flat and longest.

It drops what the guidelines say is no name (generic compounds, plural addressees, quoted
slogans, programs guessed from a clause that swallow an institution; word lists in
``data/lexicon.yml``), keeps the flat, longest, best-ranked spans and writes ``doc.ents`` and
``doc.spans["entities"]``. Only the chosen candidates become spaCy Spans: a character token's
index is its character offset minus the whitespace characters before it that start no token,
so a Span is made without searching the Doc (and other tokens are refused).
"""
from __future__ import annotations

import re
from bisect import bisect_left

import numpy as np
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE
from spacy.language import Language
from spacy.tokens import Doc, Span

from policykg.extract.anchors import alternation
from policykg.extract.datafiles import load_lexicon, read_data, write_data
from policykg.extract.spans import CANDIDATES_KEY, ENTITIES_KEY, SPACE_RUN, Candidate, plain_text, user_key

_PLURAL_JURISDICTIONS = re.compile(r"各[省市区县州盟旗（）()、]*$")


class SpanSelector:
    """Flat longest spans: among overlapping candidates keep the longest, then the best-ranked.

    Before that, candidates that are not names by the guidelines are dropped: generic nouns
    (公立医院, 互联网医院, 重点项目: generic modifiers in front of a generic head), plural
    addressees (各级疾控中心), slogans in quotes (“一老一小”, “应检尽检”, “十四五”), and programs
    guessed from a clause that swallow a named institution (瑞金医院技术平移项目).
    """

    def __init__(self, nlp: Language, name: str, lexicon: str, candidates_key: str, spans_key: str):
        self.name = name
        self.lexicon_file = lexicon
        self.data: dict | None = None  # {"lexicon": …}: from initialize() or from_disk()
        self.candidates_key = candidates_key
        self.spans_key = spans_key

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        self._set_data({"lexicon": load_lexicon(self.lexicon_file)})

    def to_disk(self, path, *, exclude=()) -> None:
        if self.data is None:
            raise ValueError(f"{self.name} has no data yet: initialise the pipeline (nlp.initialize())")
        write_data(path, self.data, {"lexicon": "json"})

    def from_disk(self, path, *, exclude=()) -> SpanSelector:
        self._set_data(read_data(path, {"lexicon": "json"}))
        return self

    def _set_data(self, data: dict) -> None:
        lex = data["lexicon"]
        self.generic = set(lex.get("generic", []))
        self.generic_re = re.compile(lex["generic_pattern"]) if lex.get("generic_pattern") else None
        mods = alternation(lex.get("generic_modifiers", []))
        heads = alternation(lex.get("generic_heads", []) + lex.get("generic", []))
        self.generic_compound = re.compile(f"(?:{mods})*(?:{heads})") if mods and heads else None
        self.modifiers_only = re.compile(f"(?:{mods})+") if mods else None
        self.slogan = re.compile(lex["slogan_pattern"]) if lex.get("slogan_pattern") else None
        self.slogan_head = re.compile(lex["slogan_head_pattern"]) if lex.get("slogan_head_pattern") else None
        self.slogan_after = re.compile(alternation(lex.get("slogan_after", []))) if lex.get("slogan_after") else None
        self.bare_ok_after = re.compile(alternation(lex.get("bare_ok_after", []))) if lex.get("bare_ok_after") else None
        self.weak_heads = tuple(lex.get("weak_regulation_heads", ()))
        self.weak_min = lex.get("weak_regulation_min_len", 0)
        self.plural = tuple(lex.get("plural_prefixes", []))
        self.drafting = re.compile(lex["drafting_pattern"]) if lex.get("drafting_pattern") else None
        self.header_field = re.compile(lex["header_field"]) if lex.get("header_field") else None
        self.healthy_x_tail = re.compile(lex["healthy_x_tail"]) if lex.get("healthy_x_tail") else None
        self.data = data

    def _bare(self, text: str) -> str:
        t = text
        while len(t) > 2 and t[0] in "“‘\"" and t[-1] in "”’\"":
            t = t[1:-1]
        return t

    def keep(self, span: Candidate, doc_text: str) -> bool:
        start, end, label, traits = span.start, span.end, span.label, span.traits
        surface = doc_text[start:end]
        text = self._bare(surface) if surface[0] in "“‘\"" else surface
        if text in self.generic:
            # 区政府 is boilerplate in running text, but the issuer in a header field (发布机构: 区政府)
            return label == "Agency" and bool(self.header_field and self.header_field.search(
                doc_text, max(0, start - 12), start))
        if "list_member" in traits and self.modifiers_only and self.modifiers_only.fullmatch(text):
            return False  # 医疗、卫生等机构: a list of common words
        exact = label == "Region" or "exact" in traits
        if not exact and self.generic_re and self.generic_re.fullmatch(text):
            return False
        if not exact and self.generic_compound and self.generic_compound.fullmatch(text):
            return False
        if label in ("Agency", "Hospital", "Organization", "Program") and self.plural:
            before = doc_text[max(0, start - 8):start]
            if before.endswith(self.plural) or _PLURAL_JURISDICTIONS.search(before):
                return False  # 各级疾控中心, 各区（市）县疾控中心
        if "clause" in traits and "的" in text:
            return False  # 打造为共同富裕的标志性工程: a clause guessed as a name runs through 的
        if ("clause" in traits and self.slogan and doc_text[start - 1:start] == "“"
                and doc_text[end:end + 1] == "”" and self.slogan.search(text)):
            return False  # a whole quotation found by its head (三个“一号工程”) is judged as a quotation
        if "clause" in traits and self.healthy_x_tail and self.healthy_x_tail.fullmatch(text):
            return False  # 健康X具体行动: the Healthy-X programme ends before the general words
        untitled = "untitled_document" in traits
        if untitled and self.drafting and self.drafting.search(doc_text, max(0, start - 6), start):
            return False  # a document still to be drafted (制定…实施方案) is no title yet
        if (untitled and len(text) < self.weak_min and "“" not in text
                and text.endswith(self.weak_heads)):
            return False
        quoted_head = "quoted_head" in traits
        if (quoted_head or "quoted" in traits) and self.slogan:
            q = doc_text.find("”", start) if quoted_head else -1
            inner = surface
            if quoted_head:
                o = doc_text.find("“", start, end)
                inner = doc_text[o + 1:q] if 0 <= o < q else inner
            slogan = self.slogan_head if quoted_head else self.slogan
            if slogan is not None and slogan.search(inner):
                return False
            if not quoted_head:
                nxt = end + 1
                if self.slogan_after and self.slogan_after.match(doc_text, nxt):
                    return False
                if (len(inner) <= 3 and nxt < len(doc_text) and "\u4e00" <= doc_text[nxt] <= "\u9fff"
                        and not (self.bare_ok_after and self.bare_ok_after.match(doc_text, nxt))):
                    return False  # a short quoted word that modifies what follows (“家门口”服务)
        return True

    def __call__(self, doc: Doc) -> Doc:
        if self.data is None:
            raise ValueError(f"{self.name} has no data yet: initialise the pipeline (nlp.initialize())")
        doc_text = plain_text(doc)
        candidates = doc.user_data.get(user_key(self.candidates_key), [])
        kept = [s for s in candidates if self.keep(s, doc_text)]
        # A program guessed from a clause does not swallow a named institution.
        inst = sorted(((s.start, s.end, s) for s in kept if "shields" in s.traits), key=lambda t: (t[0], t[1]))
        starts = [t[0] for t in inst]
        drop = set()
        for s in kept:
            if "guessed" in s.traits and s.label in ("Program", "Organization", "Regulation"):
                i = bisect_left(starts, s.start)
                while i < len(inst) and inst[i][0] < s.end:
                    h = inst[i][2]
                    i += 1
                    if h.label == "Regulation" and ("yields_to_documents" not in s.traits or h.rule == s.rule):
                        continue
                    if h.end < s.end - 1 and h.end - h.start >= 4:
                        drop.add((s.start, s.end, s.label))
                        break
        if drop:
            kept = [s for s in kept if (s.start, s.end, s.label) not in drop]
        ranked = sorted(kept, key=lambda s: (s.start - s.end, -s.priority, s.start))
        taken = bytearray(len(doc_text))  # characters already in a chosen span
        chosen = []
        for c in ranked:
            if taken.find(1, c.start, c.end) >= 0:
                continue
            taken[c.start:c.end] = b"\x01" * (c.end - c.start)
            chosen.append(c)
        chosen.sort(key=lambda s: s.start)
        skips = not_token_starts(doc, doc_text)
        flat = [self._span(doc, c, skips) for c in chosen]
        set_ents(doc, flat)
        nested = [self._span(doc, c, skips) for c in self._nested(kept, chosen)]
        doc.spans[self.spans_key] = sorted(flat + nested, key=lambda s: (s.start, -s.end)) if nested else flat
        return doc

    @staticmethod
    def _span(doc: Doc, c: Candidate, skips: list[int]) -> Span:
        """The Span of a candidate: its token offsets are its character offsets minus the
        characters before them that start no token (``skips``)."""
        start, end = c.start, c.end
        if skips:
            start, end = start - bisect_left(skips, start), end - bisect_left(skips, end)
        return Span(doc, start, end, label=c.label, kb_id=c.rule)

    @staticmethod
    def _nested(kept: list[Candidate], chosen: list[Candidate]) -> list[Candidate]:
        """Titles cited inside a chosen title (《浙江省实施〈X法〉办法》): entities of their own."""
        inner = [c for c in kept if "nested" in c.traits]
        titles = [c for c in chosen if "title" in c.traits]
        return [c for c in inner if any(t.start < c.start and c.end < t.end for t in titles)]


def not_token_starts(doc: Doc, text: str) -> list[int]:
    """The characters that start no character token (trailing spaces, the rest of a whitespace
    token), in order: the token of a chosen span's first character is its offset minus how many
    come before it (no search in the Doc for every span)."""
    skips = []
    if len(doc) != len(text):  # else every character is a token
        for m in SPACE_RUN.finditer(text):
            start, end = m.span()
            if start and text[start] == " ":  # the trailing space of the character before
                skips.append(start)
                start += 1
            skips.extend(range(start + 1, end))
    if len(doc) != len(text) - len(skips):
        raise ValueError("policykg_select needs the character tokens of policykg.char_tokenizer.v1")
    return skips


def set_ents(doc: Doc, spans: list[Span]) -> None:
    """``doc.set_ents(spans, default="outside")`` for flat spans: they become the entities,
    every other token is O.

    set_ents marks the other tokens one by one against a Python set, which for one token per
    character costs as much as finding the entities: the whole annotation goes in through one
    ``from_array`` instead, worked out by numpy (B, I or O per token, label, rule).
    """
    n = len(doc)
    if not spans:
        doc.from_array([ENT_IOB, ENT_TYPE, ENT_KB_ID], np.tile(np.array([2, 0, 0], dtype=np.uint64), (n, 1)))  # type: ignore[arg-type]
        return
    starts = np.array([s.start for s in spans], dtype=np.int64)
    ends = np.array([s.end for s in spans], dtype=np.int64)
    # Which span covers each token (1-based; 0: none): +k where span k starts, -k where it ends.
    number = np.arange(1, len(spans) + 1, dtype=np.int64)
    steps = np.zeros(n + 1, dtype=np.int64)
    np.add.at(steps, starts, number)
    np.add.at(steps, ends, -number)
    covering = np.cumsum(steps[:n])
    labels = np.array([0] + [s.label for s in spans], dtype=np.uint64)
    rules = np.array([0] + [s.kb_id for s in spans], dtype=np.uint64)
    annotation = np.empty((n, 3), dtype=np.uint64)
    annotation[:, 0] = np.where(covering > 0, 1, 2)  # I inside a span, O outside
    annotation[starts, 0] = 3  # B
    annotation[:, 1] = labels[covering]
    annotation[:, 2] = rules[covering]
    doc.from_array([ENT_IOB, ENT_TYPE, ENT_KB_ID], annotation)  # type: ignore[arg-type]  # uint64: what spaCy stores


@Language.factory(
    "policykg_select",
    requires=["doc.user_data"],
    assigns=["doc.ents", "doc.spans", "token.ent_iob", "token.ent_type", "token.ent_kb_id"],
    default_config={"lexicon": "lexicon.yml", "candidates_key": CANDIDATES_KEY, "spans_key": ENTITIES_KEY},
)
def make_select(nlp: Language, name: str, lexicon: str, candidates_key: str, spans_key: str):
    return SpanSelector(nlp, name, lexicon, candidates_key, spans_key)
