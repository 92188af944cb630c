"""The ``policykg_candidates`` component: labelled character ranges proposed as names.

Candidates come from regex patterns (``data/patterns.jsonl``: a head such as 医院/行动/条例 plus
a left boundary rule, ``patterns.py``), gazetteers (``gazetteer.py``), members of lists closed by
a class noun (甲、乙、丙等市级医院, 甲、乙等高校) and the plan's own title. It works on the plain
text, not on tokens; the plan's context (province, title) comes in ``doc.user_data[CONTEXT_KEY]``.

Rules read ``doc.text``: the normalised text (simplified, unwrapped, full-width Chinese
punctuation), so one pattern covers traditional, web and hard-wrapped inputs alike.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from policykg.extract.anchors import alternation
from policykg.extract.datafiles import data_path, load_lexicon, read_data, read_jsonl, read_yaml, write_data
from policykg.extract.gazetteer import Gazetteer, gazetteer_entries, region_alternation, region_names
from policykg.extract.patterns import TITLE_MARK, Boundaries, Pattern, close_quote, compile_patterns, outside_titles
from policykg.extract.spans import (
    CANDIDATES_KEY,
    CONTEXT_KEY,
    EXACT,
    Candidate,
    char_token_span,
    plain_text,
    traits_of,
    user_key,
)

_FULL_NAME_ENDS = ("省", "市", "区", "县", "州", "盟", "旗")


def body_macros(bodies: dict) -> dict[str, str]:
    """The standard bodies of ``data/bodies.yml`` as macros of the patterns: {DEPT} … ."""
    return {key: f"(?:{alternation(words)})" for key, words in bodies.items()}


class CandidateProposer:
    """Its data (patterns, lexicon, gazetteer, bodies) comes from the files its config names when the
    pipeline is initialised, or from a saved pipeline (``from_disk``); ``to_disk`` saves it."""

    def __init__(self, nlp: Language, name: str, patterns: str, lexicon: str, gazetteer: str,
                 spans_key: str, bodies: str = "bodies.yml"):
        self.name = name
        self.spans_key = spans_key
        self.files = {"patterns": patterns, "lexicon": lexicon, "gazetteer": gazetteer, "bodies": bodies}
        self.data: dict | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        self._set_data({"patterns": read_jsonl(data_path(self.files["patterns"])),
                        "lexicon": load_lexicon(self.files["lexicon"]),
                        "gazetteer": read_yaml(self.files["gazetteer"]),
                        "bodies": read_yaml(self.files["bodies"])})

    def _set_data(self, data: dict) -> None:
        lex, gazetteer = data["lexicon"], data["gazetteer"]
        names = region_names(frozenset(gazetteer.get("not_names", ())))
        macros = {**lex.get("macros", {}), **body_macros(data["bodies"]), "REGION": region_alternation(names)}
        self.patterns = compile_patterns(data["patterns"], macros)
        self.boundaries = Boundaries(lex, owners=[n for n in names if n.endswith(_FULL_NAME_ENDS)])
        self.gazetteer = Gazetteer(gazetteer_entries(gazetteer))
        self.region_names = names
        self.member_lists = [MemberList(spec) for spec in lex.get("member_lists", ())]
        self.not_members = frozenset(lex.get("list_not_members", ()))
        self.data = data

    def to_disk(self, path, *, exclude=()) -> None:
        write_data(path, self._data(), {"patterns": "jsonl", "lexicon": "json", "gazetteer": "json", "bodies": "json"})

    def from_disk(self, path, *, exclude=()) -> CandidateProposer:
        self._set_data(read_data(path, {"patterns": "jsonl", "lexicon": "json", "gazetteer": "json", "bodies": "json"}))
        return self

    def _data(self) -> dict:
        if self.data is None:
            raise ValueError(f"{self.name} has no data yet: initialise the pipeline (nlp.initialize())")
        return self.data

    def propose(self, text: str, context: dict | None = None) -> list[Candidate]:
        found: list[Candidate] = []
        title_marks = [m.start() for m in TITLE_MARK.finditer(text)]
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
                    left, end = self._left_edge(text, start, end, p)
                    if left is None:
                        continue
                    start = left
                if "title" not in p.traits:
                    left = outside_titles(title_marks, start, end)
                    if left is None:
                        continue
                    start = left
                if p.require is not None and not p.require.search(text[start:end]):
                    continue
                if end - start >= 2:
                    found.append(Candidate(start, end, p.label, p.priority, p.id, p.traits))
        for member_list in self.member_lists:
            found.extend(self._list_members(text, member_list))
        for title in (context or {}).get("titles", ()):
            if len(title) >= 4:  # every occurrence, left to right, none overlapping
                k = text.find(title)
                while k >= 0:
                    found.append(Candidate(k, k + len(title), "Plan", 100, "plan.title", EXACT))
                    k = text.find(title, k + len(title))
        found.extend(self.gazetteer.find(text, context or {}))
        return found

    def _left_edge(self, text: str, start: int, end: int, p: Pattern) -> tuple[int | None, int]:
        """Where the name whose head is ``text[start:end]`` starts; a program whose head sits in a
        quotation takes the closing quote when a name of its own leads it (母婴安全提升“五大行动”)."""
        quoted_end = close_quote(text, start, end, p.max_left) if p.label == "Program" else end
        if quoted_end != end:
            left = self.boundaries.left_edge(text, start, quoted_end, p.boundary, p.max_left, p.conjoined)
            if left is not None and text.find("“", left, start) - left >= 4:
                return left, quoted_end
        return self.boundaries.left_edge(text, start, end, p.boundary, p.max_left, p.conjoined), end

    def _list_members(self, text: str, member_list: MemberList) -> list[Candidate]:
        """The items of 甲、乙、丙等<class noun>, each a name of the class's label."""
        out = []
        label, rule, traits = member_list.label, member_list.rule, member_list.traits
        for m in member_list.finditer(text):
            pos = m.start(1)
            for i, item in enumerate(m.group(1).split("、")):
                start, end = pos, pos + len(item)
                pos = end + 1
                if i == 0:  # the first item may carry the verb that opens the clause (借助甲、乙…)
                    start = self.boundaries.left_edge(text, end, end, "name", len(item)) or end
                if end - start >= 2 and text[start:end] not in self.not_members:
                    out.append(Candidate(start, end, label, 30, rule, traits))
        return out

    def __call__(self, doc: Doc) -> Doc:
        self._data()
        text = plain_text(doc)  # Doc.text joins every token again: compute it once, share it
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
        # candidates on the same range share one value.
        last = {(c.start, c.end): c.priority for c in out}
        for c in out:
            c.priority = last[c.start, c.end]
        doc.user_data[user_key(self.spans_key)] = out
        return doc



class MemberList:
    """A list of names closed by 等 + a class noun (甲、乙、丙等市级医院), from ``member_lists``.

    ``finditer`` yields what ``regex.finditer`` would, but tries the regex only in the stretch
    before each tail (等 + class noun, rare): a list of names may start anywhere, so ``re``
    alone would try it at every character.
    """

    REACH = 15 * 9 + 8  # the longest list: 15 items of 8 characters with their 、, and one more

    def __init__(self, spec: dict):
        self.label, self.rule = spec["label"], spec["rule"]
        self.traits = traits_of(spec, f"member list {spec['rule']}")
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



@Language.factory(
    "policykg_candidates",
    assigns=["doc.user_data"],
    default_config={
        "patterns": "patterns.jsonl",
        "lexicon": "lexicon.yml",
        "gazetteer": "gazetteer.yml",
        "bodies": "bodies.yml",
        "spans_key": CANDIDATES_KEY,
    },
)
def make_candidates(nlp: Language, name: str, patterns: str, lexicon: str, gazetteer: str,
                    spans_key: str, bodies: str):
    return CandidateProposer(nlp, name, patterns, lexicon, gazetteer, spans_key, bodies)
