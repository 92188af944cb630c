"""Document → mentions: the spaCy pipeline plus the plan's own title and provenance.

``build_nlp`` assembles ``spacy.blank("zh")`` (nothing downloaded) with the project's
tokenizer (``tokenizer.CharTokenizer``: zh's character tokens, made quicker) and registered
components; ``extract`` runs it on one normalised ``Document`` and returns an
``ExtractedPlan`` whose mentions carry offsets into the original text and the
part/task/sentence they stand in.

The tokens stay one per character. Coarser tokens (runs between whitespace, split at the
entities afterwards) were measured and not taken: every distinct token string becomes a
lexeme of the vocab (~12 µs each: spaCy computes its lexical attributes in Python, and it
stays in memory), and in plan text nearly every run of characters is new. On the five seed
plans such a Doc cost ~6 times as much as ``CharTokenizer``'s (16.7 vs 2.8 ms, warm vocab).
Components read the plain text instead (see ``components``).

Metadata is read before the NLP pipeline runs, so that the rules know the plan: its
province (a county's short alias such as 合作 or 新建 is a place only in the plan's own
province) and its title (occurrences of the title are Plan mentions). They travel in
``doc.user_data[components.CONTEXT_KEY]``.
"""
from __future__ import annotations

import gc
import re
from functools import cache

import spacy
from spacy.language import Language

from policykg.extract import components, regions, targets, tokenizer  # noqa: F401  (components, tokenizer: register)
from policykg.extract.document import Document, ExtractedPlan, Mention, PlanMeta, Structure, Target
from policykg.extract.metadata import extract_metadata
from policykg.extract.structure import locator, parse_structure

LABELS = ("Hospital", "Agency", "Program", "Regulation", "Region", "Event", "Organization", "Plan")
_SPACES = re.compile(r"\s+")


@cache
def build_nlp() -> Language:
    """The pipeline and the data extraction reads, built once per process (and per worker)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "policykg.char_tokenizer.v1"}}})
    nlp.add_pipe("policykg_candidates")
    nlp.add_pipe("policykg_select")
    nlp.add_pipe("policykg_targets")
    regions.find_in("")  # compiles the metadata's scanner of region names now, not on the first plan
    # Its data (~45,000 place names, the divisions dataset: some 200,000 objects) lives as long
    # as the process. Frozen out of the collector's generations, it is not walked again by
    # every full collection while plans are extracted (~5% of extraction time).
    gc.collect()
    gc.freeze()
    return nlp


def _plan_title_variants(meta: PlanMeta) -> set[str]:
    if not meta.title:
        return set()
    title = _SPACES.sub("", meta.title)
    return {title}


def extract(document: Document, nlp: Language | None = None, structure: Structure | None = None) -> ExtractedPlan:
    """The plan's mentions, metadata and outline; ``structure`` if the caller parsed it already."""
    nlp = nlp or build_nlp()
    if structure is None:
        structure = parse_structure(document)
    meta = extract_metadata(document, structure)
    titles = _plan_title_variants(meta)
    doc = nlp.make_doc(document.text)
    doc.user_data[components.CONTEXT_KEY] = {"province": meta.province, "region": meta.region,
                                             "level": meta.level, "titles": sorted(titles)}
    doc.user_data[components.TEXT_KEY] = document.text
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    mentions = []
    text = document.text  # == doc.text: slice it rather than join each span's tokens again
    name = document.name
    locate = locator(structure)
    for span in doc.spans[components.ENTITIES_KEY]:
        span_start, span_end = span.start_char, span.end_char
        surface = text[span_start:span_end]  # == span.text
        start, end = document.original_span(span_start, span_end)
        label = "Plan" if surface in titles else span.label_
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
    return ExtractedPlan(document=document, meta=meta, structure=structure, mentions=mentions,
                         targets=_targets(doc, document, meta, locate))


def _targets(doc, document: Document, meta: PlanMeta, locate) -> list[Target]:
    """The targets component's records, with offsets into the original and the plan year as the
    deadline the text leaves unsaid."""
    out = []
    for t in doc.user_data.get(targets.FOUND_KEY, ()):
        if t.reported is not None and meta.year and t.reported < meta.year:
            continue  # a figure of an earlier year the plan reviews
        start, end = document.original_span(t.start, t.end)
        scope_start, scope_end = document.original_span(t.scope_start, t.scope_end) if t.scope_start >= 0 else (-1, -1)
        part, task, sentence = locate(t.start)
        out.append(Target(t.indicator, t.canonical, t.kind, t.value, t.low, t.high, t.unit, t.direction,
                          t.deadline if t.deadline is not None else meta.year, t.deadline_text, t.scope,
                          document.original[start:end], start, end, sentence, task, part, scope_start, scope_end))
    return out
