"""Document → mentions: the spaCy pipeline plus the plan's own title and provenance.

``build_nlp`` assembles ``spacy.blank("zh")`` (nothing downloaded) with the project's
tokenizer (``tokenizer.CharTokenizer``: zh's character tokens, made quicker) and registered
components; ``extract`` runs it on one normalised ``Document`` and returns an
``ExtractedPlan`` whose mentions carry offsets into the original text and the
part/task/sentence they stand in.

The tokens stay one per character. Coarser tokens (runs between whitespace, split at the
entities afterwards) would cost more than they save: every distinct token string becomes a
lexeme of the vocab (spaCy computes its lexical attributes in Python, and it stays in
memory), and in plan text nearly every run of characters is new, while the characters of
一二三 or 医院 recur. The components read the plain text instead (``candidates``, ``selector``).

Metadata is read before the NLP pipeline runs, so that the rules know the plan: its
province (a county's short alias such as 合作 or 新建 is a place only in the plan's own
province) and its title (occurrences of the title are Plan mentions). They travel in
``doc.user_data[CONTEXT_KEY]``.
"""
from __future__ import annotations

import re
from functools import cache

import spacy
from spacy.language import Language

from policykg.extract import candidates, regions, selector, targets, tokenizer  # noqa: F401  (candidates, selector, targets, tokenizer: register)
from policykg.extract.document import Document, ExtractedPlan, Mention, PlanMeta, Structure, Target
from policykg.extract.implements import mark_implements
from policykg.extract.metadata import extract_metadata
from policykg.extract.spans import CONTEXT_KEY, ENTITIES_KEY, TEXT_KEY
from policykg.extract.structure import locator, parse_structure

LABELS = ("Hospital", "Agency", "Program", "Regulation", "Region", "Event", "Organization", "Plan")
_SPACES = re.compile(r"\s+")


def make_nlp(candidates_config: dict | None = None) -> Language:
    """A new pipeline, its components initialised from their data files; ``candidates_config``
    overrides the candidates component's config (other data files)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "policykg.char_tokenizer.v1"}}})
    nlp.add_pipe("policykg_candidates", config=candidates_config or {})
    nlp.add_pipe("policykg_select")
    nlp.add_pipe("policykg_targets")
    nlp.initialize()
    return nlp


@cache
def build_nlp() -> Language:
    """The pipeline and the data extraction reads, built once per process (and per worker)."""
    nlp = make_nlp()
    regions.find_in("")  # compiles the metadata's scanner of region names now, not on the first plan
    return nlp


_YEAR = re.compile(r"(?:19|20)[0-9]{2}年")
_JOINED = re.compile(r"(?<=[结告点划案])(?:和|及|暨|与)(?=(?:19|20)[0-9]{2}年)")


def _plan_title_variants(meta: PlanMeta) -> set[str]:
    """The title and the forms a plan prints it in: the jurisdiction by name or as 全省/全市/全区/全县
    (2023年浙江省卫生健康工作要点 ↔ 2023年全省卫生健康工作要点), and each half of a "summary and
    plan" title (2023年X工作总结和2024年X工作要点) that names its year and is more than a year
    and a genre word."""
    if not meta.title:
        return set()
    title = _SPACES.sub("", meta.title)
    found = {title}
    region = meta.region or ""
    whole = f"全{region[-1]}" if region[-1:] in ("省", "市", "区", "县") else None
    if whole and region in title:
        found.add(title.replace(region, whole, 1))
    elif whole and whole in title:
        found.add(title.replace(whole, region, 1))
    for variant in list(found):
        parts = _JOINED.split(variant)
        if len(parts) > 1:
            found.update(p for p in parts if _YEAR.search(p) and len(_YEAR.sub("", p)) > 6)
    return found


def extract(document: Document, nlp: Language | None = None, structure: Structure | None = None) -> ExtractedPlan:
    """The plan's mentions, metadata and outline; ``structure`` if the caller parsed it already."""
    nlp = nlp or build_nlp()
    if structure is None:
        structure = parse_structure(document)
    meta = extract_metadata(document, structure)
    titles = _plan_title_variants(meta)
    context = {"province": meta.province, "region": meta.region, "level": meta.level, "titles": sorted(titles)}
    mentions = []
    text = document.text  # == doc.text: slice it rather than join each span's tokens again
    name = document.name
    locate = locator(structure)
    spans: list[tuple[int, int, str]] = []
    found: list[tuple[int, targets.Found]] = []
    for offset, doc in _docs(nlp, text, context):
        spans.extend((span.start_char + offset, span.end_char + offset, span.label_) for span in doc.spans[ENTITIES_KEY])
        found.extend((offset, t) for t in doc.user_data.get(targets.FOUND_KEY, ()))
    for span_start, span_end, span_label in spans:
        surface = text[span_start:span_end]  # == span.text
        start, end = document.original_span(span_start, span_end)
        label = "Plan" if surface in titles else span_label
        part, task, sentence = locate(span_start)
        mentions.append(
            Mention(
                doc=name,
                text=document.original[start:end],
                label=label,
                start=start,
                end=end,
                norm=surface,
                sentence=sentence,
                task=task,
                part=part,
            )
        )
    plan = ExtractedPlan(document=document, meta=meta, structure=structure, mentions=mentions,
                         targets=_targets(found, document, meta, locate))
    mark_implements(plan)
    return plan


def _docs(nlp: Language, text: str, context: dict):
    """(offset, Doc) of ``text``, a piece of at most ``nlp.max_length`` characters at a time:
    spaCy refuses longer texts (E088), and a Doc costs memory per character. Pieces end at line
    breaks, which no entity or target crosses; most plans are one piece."""
    for offset, piece in _pieces(text, nlp.max_length):
        doc = nlp.make_doc(piece)
        doc.user_data[CONTEXT_KEY] = context
        doc.user_data[TEXT_KEY] = piece
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        yield offset, doc


def _pieces(text: str, limit: int):
    """(offset, piece) covering ``text``, each piece at most ``limit`` characters, cut after the
    last line break that fits (else after the last 。, else at the limit)."""
    start, n = 0, len(text)
    while n - start > limit:
        cut = text.rfind("\n", start, start + limit) + 1
        if cut <= start:
            cut = text.rfind("。", start, start + limit) + 1
        if cut <= start:
            cut = start + limit
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def _targets(found: list, document: Document, meta: PlanMeta, locate) -> list[Target]:
    """The targets component's records, with offsets into the original and the plan year as the
    deadline the text leaves unsaid."""
    out = []
    for offset, t in found:
        if t.reported is not None and meta.year and t.reported < meta.year:
            continue  # a figure of an earlier year the plan reviews
        start, end = document.original_span(t.start + offset, t.end + offset)
        scope_start, scope_end = (document.original_span(t.scope_start + offset, t.scope_end + offset)
                                  if t.scope_start >= 0 else (-1, -1))
        part, task, sentence = locate(t.start + offset)
        out.append(Target(t.indicator, t.canonical, t.kind, t.value, t.low, t.high, t.unit, t.direction,
                          t.deadline if t.deadline is not None else meta.year, t.deadline_text, t.scope,
                          document.original[start:end], start, end, sentence, task, part, scope_start, scope_end))
    return out
