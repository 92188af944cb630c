"""spaCy components of the extractor, registered as factories like spaCy's own ``span_ruler``.

``policykg_candidates`` proposes labelled spans from regex patterns (``data/patterns.jsonl``:
a head such as 医院/行动/条例 plus a left boundary rule), gazetteers (administrative divisions
from the jionlp package and ``data/gazetteer.yml``, found by a hashed scan of the text),
members of lists closed by a class noun (甲、乙、丙等市级医院, 甲、乙等高校) and the plan's own title;
``policykg_select`` drops what the guidelines say is no name (generic compounds, plural
addressees, quoted slogans, programs guessed from a clause that swallow an institution; word
lists in ``data/lexicon.yml``), keeps the flat, longest, best-ranked spans and writes
``doc.ents`` and ``doc.spans["entities"]``.

Both work on the plain text, not on tokens. Candidates travel between them as plain records
on character offsets (``Candidate`` in ``doc.user_data["policykg_candidates"]``),
already widened to whole tokens as ``doc.char_span(..., alignment_mode="expand")`` would
(``char_token_span``); only the chosen entities become spaCy Spans. That relies on the
pipeline's tokens being characters (``tokenizer.CharTokenizer``, spaCy's zh "char"
tokens): a token's index is its character offset minus the whitespace characters before it
that start no token, so select makes Spans without searching the Doc (and refuses other tokens).
The plan's context (province, title) comes in ``doc.user_data[CONTEXT_KEY]``.

Rules read ``doc.text``: the normalised text (simplified, unwrapped, full-width Chinese
punctuation), so one pattern covers traditional, web and hard-wrapped inputs alike. Patterns
that ``re`` would try at every character are run near their literals only (``anchors.py``).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import yaml
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE
from spacy.language import Language
from spacy.tokens import Doc, Span

from policykg.extract.anchors import Anchored, alternation, anchored, quick_start
from policykg.extract.tokenizer import code_points

CANDIDATES_KEY = "candidates"
LIST_RULES = frozenset({"hosp.list", "org.list", "hosp.between"})  # names known by the list they stand in
NESTED_RULES = frozenset({"reg.inner_title"})  # candidates kept inside a chosen title, not flat
TEXT_KEY = "policykg_text"  # doc.user_data: doc.text as the candidates component read it
CONTEXT_KEY = "policykg_context"  # doc.user_data: {"province": 上海市, "region": 青浦区} of the plan
ENTITIES_KEY = "entities"


def data_path(name: str) -> Path:
    return Path(str(resources.files("policykg.extract") / "data" / name))


def load_lexicon(name: str = "lexicon.yml") -> dict:
    return _read_yaml(name)


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


@dataclass(slots=True)
class Candidate:
    """A character range proposed as a name; the candidates component widens it to whole
    tokens, as ``doc.char_span(..., "expand")`` would."""

    start: int
    end: int
    label: str
    priority: int
    rule: str


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

    def __init__(self, lexicon: dict):
        internal = set(lexicon.get("name_internal", []))
        stops = [w for w in lexicon["name_stops"] + lexicon["lead_verbs"] + lexicon.get("hard_verbs", [])
                 if w not in internal]
        protect = lexicon.get("name_protect", [])
        self.name_stops = re.compile((f"(?P<keep>{alternation(protect)})|" if protect else "")
                                     + f"(?:{alternation(stops)})")
        self.name_keep = "keep" in self.name_stops.groupindex  # a protected word is no stop
        self.post_cut = re.compile(f"(?:{alternation(lexicon.get('post_cut_strip', ['本市']))})+")
        self.lead = re.compile(f"(?:{alternation(lexicon['lead_verbs'] + lexicon.get('hard_verbs', []))})+")
        self.hard = re.compile(alternation(lexicon.get("hard_verbs", []) + lexicon.get("conjunctions", [])))
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
                if not self._kept_in_clause(text, cut, m, mode):
                    cut = m.end()
            if cut == left:  # no verb inside the clause: strip the ones that open it
                m = self.lead.match(text, left, start)
            else:  # after a verb only the jurisdiction and light verbs (本市, 组织, 创建)
                m = self.post_cut.match(text, cut, start)
            cut = m.end() if m else cut
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
        document title, the verb right after its owner (落实本市推进X实施方案)."""
        if hard.group() in self.conjunctions and self.edition and self.edition.fullmatch(text, cut, hard.start()):
            return True
        return mode == "document" and text.endswith(self.title_owners, 0, hard.start())

    def _joins_fields(self, text: str, left: int, stop: re.Match) -> bool:
        """和/与 inside one name: 市重大传染病和生物安全研究院 (an owner such as 市 or 国家 opens
        a first field that is no name of its own), not 市疾控中心和区疾控中心."""
        if stop.group() not in self.conjunctions or self.owner is None:
            return False
        first = text[left:stop.start()]
        return bool(self.owner.fullmatch(first))


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
            )
        )
    return out


def _close_quote(text: str, start: int, end: int, max_left: int) -> int:
    """A head inside a quotation takes its closing quote: 母婴安全提升“五大行动”."""
    if end < len(text) and text[end] == "”":
        lo = max(0, start - max_left)
        if text.rfind("“", lo, start) > text.rfind("”", lo, start):
            return end + 1
    return end


_TITLE_MARK = re.compile("[《》〈〉]")


def _outside_titles(marks: list[int], start: int, end: int) -> int | None:
    """A span that is not a 《》 title never reaches across 《 or 》: start after the last one.

    ``marks``: where the text has 《》〈〉, in order (listed once per text).
    """
    i = bisect_left(marks, end) - 1
    if i < 0 or marks[i] < start:
        return start
    k = marks[i]
    return k + 1 if end - (k + 1) >= 2 else None


_PLURAL_JURISDICTIONS = re.compile(r"各[省市区县州盟旗（）()、]*$")


def _doc_text(doc: Doc) -> str:
    """``doc.text``, from ``doc.user_data[TEXT_KEY]`` when the caller put it there."""
    text = doc.user_data.get(TEXT_KEY)
    size = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
    if not isinstance(text, str) or len(text) != size or (size and text[-1] != doc[-1].text_with_ws[-1]):
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text


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
        self.region_names = _region_names(gazetteer)
        self.member_lists = [MemberList(spec) for spec in lex.get("member_lists", ())]
        self.not_members = frozenset(lex.get("list_not_members", ()))

    def propose(self, text: str, context: dict | None = None) -> list[Candidate]:
        found: list[Candidate] = []
        title_marks = [m.start() for m in _TITLE_MARK.finditer(text)]
        for p in self.patterns:
            for m in p.finder.finditer(text):
                start, end = m.span(p.group)
                if start < 0 or end <= start:
                    continue
                if p.place_group and not self.gazetteer.plausible(m.group(p.place_group), context):
                    continue
                if p.region_prefix:
                    k = next((k for k in (4, 3, 2) if text[max(0, start - k):start] in self.region_names
                              and start - k >= 0), 0)
                    if not k and p.region_prefix == "required":
                        continue
                    start -= k
                if p.boundary != "none":
                    start, end = self._left_edge(text, start, end, p)
                    if start is None:
                        continue
                if p.id != "reg.title":
                    start = _outside_titles(title_marks, start, end)
                    if start is None:
                        continue
                if p.require is not None and not p.require.search(text[start:end]):
                    continue
                if end - start >= 2:
                    found.append(Candidate(start, end, p.label, p.priority, p.id))
        for member_list in self.member_lists:
            found.extend(self._list_members(text, member_list))
        for title in (context or {}).get("titles", ()):
            if len(title) >= 4:  # every occurrence, left to right, none overlapping
                k = text.find(title)
                while k >= 0:
                    found.append(Candidate(k, k + len(title), "Plan", 100, "plan.title"))
                    k = text.find(title, k + len(title))
        found.extend(self.gazetteer.find(text, context or {}))
        return found

    def _left_edge(self, text: str, start: int, end: int, p: Pattern) -> tuple[int | None, int]:
        """Where the name whose head is ``text[start:end]`` starts; a program whose head sits in a
        quotation takes the closing quote when a name of its own leads it (母婴安全提升“五大行动”)."""
        quoted_end = _close_quote(text, start, end, p.max_left) if p.label == "Program" else end
        if quoted_end != end:
            left = self.boundaries.left_edge(text, start, quoted_end, p.boundary, p.max_left, p.conjoined)
            if left is not None and text.find("“", left, start) - left >= 4:
                return left, quoted_end
        return self.boundaries.left_edge(text, start, end, p.boundary, p.max_left, p.conjoined), end

    def _list_members(self, text: str, member_list: "MemberList") -> list[Candidate]:
        """The items of 甲、乙、丙等<class noun>, each a name of the class's label."""
        out = []
        label, rule = member_list.label, member_list.rule
        for m in member_list.finditer(text):
            pos = m.start(1)
            for i, item in enumerate(m.group(1).split("、")):
                start, end = pos, pos + len(item)
                pos = end + 1
                if i == 0:  # the first item may carry the verb that opens the clause (借助甲、乙…)
                    start = self.boundaries.left_edge(text, end, end, "name", len(item)) or end
                if end - start >= 2 and text[start:end] not in self.not_members:
                    out.append(Candidate(start, end, label, 30, rule))
        return out

    def __call__(self, doc: Doc) -> Doc:
        text = _doc_text(doc)  # Doc.text joins every token again: compute it once, share it
        n = len(text)
        out = []
        for c in self.propose(text, doc.user_data.get(CONTEXT_KEY)):
            start, end = c.start, c.end
            if not 0 <= start < n or not 0 < end <= n:
                continue
            if text[start].isspace() or text[end - 1].isspace():  # rare: whitespace tokens
                span = char_token_span(text, start, end)
                if span is None:
                    continue
                c.start, c.end = span
            out.append(c)
        # The ranking priority of a character range is the one its *last* candidate carries:
        # as with the former Span extension ``pkg_priority``, which spaCy stores per
        # (start_char, end_char), so candidates on the same range shared one value.
        last = {(c.start, c.end): c.priority for c in out}
        for c in out:
            c.priority = last[c.start, c.end]
        doc.user_data[_user_key(self.spans_key)] = out
        return doc


def char_token_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``doc.char_span(start, end, alignment_mode="expand")`` for the pipeline's character
    tokens, on the plain text: the range of all tokens it touches, minus a token whose
    trailing space it starts on; None if that leaves no token.

    The tokens (``tokenizer.CharTokenizer``): each non-space character; one " " right after one is
    its trailing space; any other whitespace run is a token. Most ranges start and end on a
    character and stay as they are.
    """
    first, last = text[start], text[end - 1]
    if not first.isspace() and not last.isspace():
        return start, end
    if first.isspace():
        run = _whitespace_run_start(text, start)
        if run and text[run] == " ":  # the run's first space trails the character before it
            if start == run and end == start + 1:
                return None  # only that trailing space
            start = run + 1
        else:
            start = run
    if last.isspace():
        run = _whitespace_run_start(text, end - 1)
        if run and text[run] == " " and end - 1 == run:
            end = run  # ends on a trailing space: the token before it
        else:
            m = _SPACE_RUN.match(text, end - 1)
            end = m.end()
    return start, end


_SPACE_RUN = re.compile(r"\s+")


def _whitespace_run_start(text: str, pos: int) -> int:
    """Where the run of whitespace that holds ``pos`` begins."""
    while pos and text[pos - 1].isspace():
        pos -= 1
    return pos


class MemberList:
    """A list of names closed by 等 + a class noun (甲、乙、丙等市级医院), from ``member_lists``.

    ``finditer`` yields what ``regex.finditer`` would, but tries the regex only in the stretch
    before each tail (等 + class noun, rare): a list of names may start anywhere, so ``re``
    alone would try it at every character.
    """

    REACH = 15 * 9 + 8  # the longest list: 15 items of 8 characters with their 、, and one more

    def __init__(self, spec: dict):
        self.label, self.rule = spec["label"], spec["rule"]
        items = f"((?:[\u4e00-\u9fff]{{2,8}}、){{{spec['min_items'] - 1},15}}[\u4e00-\u9fff]{{2,8}})"
        self.tail = re.compile(spec["tail"])
        self.regex = re.compile(items + spec["tail"])

    def finditer(self, text: str):
        done = 0  # finditer goes on after each match's end
        for tail in self.tail.finditer(text):
            m = self.regex.search(text, max(done, tail.start() - self.REACH), tail.end())
            if m is not None:
                done = m.end()
                yield m


def _user_key(key: str) -> str:
    return "policykg_" + key


class Gazetteer:
    """Exact names: administrative divisions from jionlp plus the groupings in gazetteer.yml.

    Full names of provinces, cities and counties and short names of provinces and cities are
    always names. A county's short alias (会同, 合作, 新建 …) is often a common word, so it is a
    Region only in the plan's own province, or when it stands in a list next to another place
    (青浦、吴江、嘉善). Towns (徐泾镇) count in the plan's province only.
    """

    def __init__(self, entries: dict[str, tuple[str, int, str, frozenset]], list_joiners: str = "、-—和与及"):
        self.entries = entries
        # Where a name may start: a two-character name, or the first three characters of a
        # longer one (with the lengths to try there, longest first). One-character names
        # (none by default) are found by a regex.
        longer: dict[str, set[int]] = {}
        for surface in entries:
            if len(surface) >= 3:
                longer.setdefault(surface[:3], set()).add(len(surface))
        self.prefixes = {head: tuple(sorted(sizes, reverse=True)) for head, sizes in longer.items()}
        self.pairs = {surface for surface in entries if len(surface) == 2}
        self.pair_slots = _slot_marks(self.pairs, 2)
        self.prefix_slots = _slot_marks(self.prefixes, 3)
        singles = sorted(surface for surface in entries if len(surface) == 1)
        self.single = re.compile("[" + "".join(map(re.escape, singles)) + "]") if singles else None
        self.joiners = set(list_joiners)
        self.continuations = ("门",)

    def plausible(self, surface: str, context: dict | None) -> bool:
        """A place name the plan can mean: always-names anywhere, county aliases in its province."""
        entry = self.entries.get(surface)
        if entry is None:
            return False
        _, _, kind, provinces = entry
        return kind == "always" or (context or {}).get("province") in provinces

    @classmethod
    def from_data(cls, name: str) -> "Gazetteer":
        return cls(_gazetteer_entries(name))

    def occurrences(self, text: str) -> list[tuple[int, int]]:
        """Every (start, end) where a name occurs, overlapping ones too, by start then longest first.

        ~45,000 names: a regex alternation of them costs more than tokenising, an Aho-Corasick
        automaton over Chinese characters almost as much. Instead numpy marks the positions
        where a two-character name or a longer name's first three characters may stand (a
        hash slot taken), and only there are substrings looked up.
        """
        n = len(text)
        found = []
        if n >= 2 and self.entries:
            codes = _code_points(text)
            maybe = self.pair_slots[_slots(codes, 2)]
            if n >= 3:
                maybe[:-1] |= self.prefix_slots[_slots(codes, 3)]
            entries, prefixes, pairs = self.entries, self.prefixes, self.pairs
            for start in np.flatnonzero(maybe).tolist():
                for size in prefixes.get(text[start:start + 3], ()):
                    if start + size <= n and text[start:start + size] in entries:
                        found.append((start, start + size))
                if text[start:start + 2] in pairs:
                    found.append((start, start + 2))
        if self.single is not None:
            found += [(m.start(), m.end()) for m in self.single.finditer(text)]
            found.sort(key=lambda m: (m[0], -m[1]))
        return found

    def find(self, text: str, context: dict | None = None) -> list[Candidate]:
        province = (context or {}).get("province")
        hits = []
        for start, end in self.occurrences(text):
            label, priority, kind, provinces = self.entries[text[start:end]]
            if text.startswith(self.continuations, end):
                continue  # 教育部门, 财政部门: a word goes on
            if kind == "always":
                ok = True
            else:  # "local": county aliases and towns
                ok = province is not None and province in provinces
            hits.append([start, end, label, priority, kind, ok])
        # Places in a list vouch for each other.
        unsure = [i for i, h in enumerate(hits) if not h[5] and h[4] == "local" and h[1] - h[0] >= 2]
        for _ in range(2):
            for i in unsure:
                h = hits[i]
                if h[5]:
                    continue
                for j in (i - 1, i + 1):
                    if 0 <= j < len(hits) and hits[j][5] and hits[j][2] == "Region":
                        a, b = (hits[j], h) if j < i else (h, hits[j])
                        gap = text[a[1]:b[0]]
                        if len(gap) == 1 and gap in self.joiners:
                            h[5] = True
        return [Candidate(h[0], h[1], h[2], h[3], "gazetteer") for h in hits if h[5]]


_SLOT_BITS = 22  # 4 M hash slots: few false marks for ~45,000 keys, and each is checked
_SLOT_HASH = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of key * 2**64/φ


def _code_points(text: str) -> np.ndarray:
    return code_points(text).astype(np.uint64)


def _slots(codes: np.ndarray, width: int) -> np.ndarray:
    """The hash slot of every run of ``width`` (2 or 3) characters in a text's code points."""
    n = len(codes) - width + 1
    return _hash([codes[k:k + n] for k in range(width)])


def _slot_marks(keys, width: int) -> np.ndarray:
    """A flag per hash slot: is it the slot of one of the keys (strings of ``width`` characters)?"""
    marks = np.zeros(1 << _SLOT_BITS, dtype=bool)
    codes = _code_points("".join(keys)).reshape(-1, width)  # one row per key
    marks[_hash([codes[:, k] for k in range(width)])] = True
    return marks


def _hash(columns: list[np.ndarray]) -> np.ndarray:
    """Hash slots of the code points in the columns side by side (21 bits each)."""
    key = columns[0].copy()
    for column in columns[1:]:
        key = key << np.uint64(21) | column
    return (key * _SLOT_HASH) >> np.uint64(64 - _SLOT_BITS)


@cache
def _gazetteer_entries(name: str) -> dict[str, tuple[str, int, str, frozenset]]:
    from policykg.extract import regions

    data = _read_yaml(name)
    entries: dict[str, tuple[str, int, str, frozenset]] = {}
    min_alias = data.get("region_alias_min_len", 2)
    priority = data.get("region_priority", 40)
    for surface, found in regions.all_names().items():
        if len(surface) < min_alias:
            continue
        provinces = frozenset(r.province for r in found)
        full = [r for r in found if r.name == surface and r.level != "town"]
        if any(r.level in ("province", "municipality") for r in found):
            kind = "always"
        elif full and len(surface) >= 3:
            kind = "always"
        elif any(r.level == "city" for r in found) and not full:
            kind = "always"  # a city's short name: 杭州, 三明
        elif all(r.level == "town" for r in found) and len(surface) < 3:
            continue
        else:
            kind = "local"
        entries[surface] = ("Region", priority, kind, provinces)
    for label, names in data.get("names", {}).items():
        for surface in names:
            entries[surface] = (label, data.get("name_priority", 60), "always", frozenset())
    for surface in data.get("not_names", []):
        entries.pop(surface, None)
    return entries


@cache
def _region_names(gazetteer: str) -> frozenset[str]:
    """Names of provinces, cities and counties (full and short)."""
    from policykg.extract import regions

    excluded = set(_read_yaml(gazetteer).get("not_names", []))
    return frozenset(
        surface
        for surface, found in regions.all_names().items()
        if len(surface) >= 2 and surface not in excluded and not all(r.level == "town" for r in found)
    )


@cache
def region_alternation(gazetteer: str) -> str:
    """Names of provinces, cities and counties (full and short), as one regex alternation.

    It opens with a lookahead on the names' first characters: inside a pattern (健康{REGION})
    re tries the ~900 first branches one by one, the class rules most places out at once.
    """
    names = _region_names(gazetteer)
    if not names:
        return alternation(names)
    firsts = "".join(re.escape(ch) for ch in sorted({name[0] for name in names}))
    return f"(?=[{firsts}]){alternation(names)}"


def safe_load_yaml(text) -> dict:
    """``yaml.safe_load``, through libyaml where PyYAML has it (10x quicker on the lexicon)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def _read_yaml(name: str) -> dict:
    with open(data_path(name), encoding="utf-8") as fh:
        return safe_load_yaml(fh)


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
    """Flat longest spans: among overlapping candidates keep the longest, then the best-ranked.

    Before that, candidates that are not names by the guidelines are dropped: generic nouns
    (公立医院, 互联网医院, 重点项目: generic modifiers in front of a generic head), plural
    addressees (各级疾控中心), slogans in quotes (“一老一小”, “应检尽检”, “十四五”), and programs
    guessed from a clause that swallow a named institution (瑞金医院技术平移项目).
    """

    def __init__(self, nlp: Language, name: str, lexicon: str, candidates_key: str, spans_key: str):
        lex = load_lexicon(lexicon)
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
        self.candidates_key = candidates_key
        self.spans_key = spans_key

    def _bare(self, text: str) -> str:
        t = text
        while len(t) > 2 and t[0] in "“‘\"" and t[-1] in "”’\"":
            t = t[1:-1]
        return t

    def keep(self, span: Candidate, doc_text: str) -> bool:
        start, end, label, rule = span.start, span.end, span.label, span.rule
        surface = doc_text[start:end]
        text = self._bare(surface) if surface[0] in "“‘\"" else surface
        if text in self.generic:
            return False
        if rule in LIST_RULES and self.modifiers_only and self.modifiers_only.fullmatch(text):
            return False  # 医疗、卫生等机构: a list of common words
        exact = label == "Region" or rule in ("gazetteer", "reg.title", "plan.title", "hosp.list", "org.list")
        if not exact and self.generic_re and self.generic_re.fullmatch(text):
            return False
        if not exact and self.generic_compound and self.generic_compound.fullmatch(text):
            return False
        if label in ("Agency", "Hospital", "Organization", "Program") and self.plural:
            before = doc_text[max(0, start - 8):start]
            if before.endswith(self.plural) or _PLURAL_JURISDICTIONS.search(before):
                return False  # 各级疾控中心, 各区（市）县疾控中心
        if rule in ("prog.action", "prog.special") and "的" in text:
            return False  # 打造为共同富裕的标志性工程: a clause guessed as a name runs through 的
        if rule == "reg.untitled" and self.drafting and self.drafting.search(doc_text, max(0, start - 6), start):
            return False  # a document still to be drafted (制定…实施方案) is no title yet
        if (rule == "reg.untitled" and len(text) < self.weak_min and "“" not in text
                and text.endswith(self.weak_heads)):
            return False
        if rule.startswith("prog.quoted") and self.slogan:
            q = doc_text.find("”", start) if rule == "prog.quoted_head" else -1
            inner = surface
            if rule == "prog.quoted_head":
                o = doc_text.find("“", start, end)
                inner = doc_text[o + 1:q] if 0 <= o < q else inner
            if (self.slogan_head if rule == "prog.quoted_head" else self.slogan).search(inner):
                return False
            if rule == "prog.quoted":
                nxt = end + 1
                if self.slogan_after and self.slogan_after.match(doc_text, nxt):
                    return False
                if (len(inner) <= 3 and nxt < len(doc_text) and "\u4e00" <= doc_text[nxt] <= "\u9fff"
                        and not (self.bare_ok_after and self.bare_ok_after.match(doc_text, nxt))):
                    return False  # a short quoted word that modifies what follows (“家门口”服务)
        return True

    def __call__(self, doc: Doc) -> Doc:
        doc_text = _doc_text(doc)
        candidates = doc.user_data.get(_user_key(self.candidates_key), [])
        kept = [s for s in candidates if self.keep(s, doc_text)]
        # A program guessed from a clause does not swallow a named institution.
        inst = sorted(((s.start, s.end, s) for s in kept
                       if s.label in ("Hospital", "Agency") and s.rule != "gazetteer"
                       or s.label == "Regulation" and s.rule in ("reg.untitled", "reg.title")),
                      key=lambda t: (t[0], t[1]))
        starts = [t[0] for t in inst]
        drop = set()
        for s in kept:
            if s.rule in ("prog.action", "prog.special", "reg.untitled", "org.head") and s.label in ("Program", "Organization", "Regulation"):
                i = bisect_left(starts, s.start)
                while i < len(inst) and inst[i][0] < s.end:
                    h = inst[i][2]
                    i += 1
                    if h.label == "Regulation" and (s.rule != "prog.action" or h.rule == s.rule):
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
        skips = _not_token_starts(doc, doc_text)
        flat = [self._span(doc, c, skips) for c in chosen]
        _set_ents(doc, flat)
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
        inner = [c for c in kept if c.rule in NESTED_RULES]
        titles = [c for c in chosen if c.rule == "reg.title"]
        return [c for c in inner if any(t.start < c.start and c.end < t.end for t in titles)]


def _not_token_starts(doc: Doc, text: str) -> list[int]:
    """The characters that start no character token (trailing spaces, the rest of a whitespace
    token), in order: the token of a chosen span's first character is its offset minus how many
    come before it (no search in the Doc for every span)."""
    skips = []
    if len(doc) != len(text):  # else every character is a token
        for m in _SPACE_RUN.finditer(text):
            start, end = m.span()
            if start and text[start] == " ":  # the trailing space of the character before
                skips.append(start)
                start += 1
            skips.extend(range(start + 1, end))
    if len(doc) != len(text) - len(skips):
        raise ValueError("policykg_select needs the character tokens of policykg.char_tokenizer.v1")
    return skips


def _set_ents(doc: Doc, spans: list[Span]) -> None:
    """``doc.set_ents(spans, default="outside")`` for flat spans: they become the entities,
    every other token is O.

    set_ents marks the other tokens one by one against a Python set, which for one token per
    character costs as much as finding the entities: the whole annotation goes in through one
    ``from_array`` instead, worked out by numpy (B, I or O per token, label, rule).
    """
    n = len(doc)
    if not spans:
        doc.from_array([ENT_IOB, ENT_TYPE, ENT_KB_ID], np.tile(np.array([2, 0, 0], dtype=np.uint64), (n, 1)))
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
    doc.from_array([ENT_IOB, ENT_TYPE, ENT_KB_ID], annotation)


@Language.factory(
    "policykg_select",
    default_config={"lexicon": "lexicon.yml", "candidates_key": CANDIDATES_KEY, "spans_key": ENTITIES_KEY},
)
def make_select(nlp: Language, name: str, lexicon: str, candidates_key: str, spans_key: str):
    return SpanSelector(nlp, name, lexicon, candidates_key, spans_key)
