"""What travels between the candidates and select components, on character offsets.

Candidates are plain records (``Candidate`` in ``doc.user_data["policykg_candidates"]``), already
widened to whole tokens as ``doc.char_span(..., alignment_mode="expand")`` would
(``char_token_span``); only the chosen entities become spaCy Spans. That relies on the
pipeline's tokens being characters (``tokenizer.CharTokenizer``, spaCy's zh "char" tokens).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

CANDIDATES_KEY = "candidates"
# What the selector knows of a candidate besides its label (``data/patterns.md`` says what each does).
TRAITS = frozenset({"title", "nested", "exact", "list_member", "guessed", "yields_to_documents", "clause",
                    "shields", "untitled_document", "quoted", "quoted_head"})
EXACT = frozenset({"exact"})
TEXT_KEY = "policykg_text"  # doc.user_data: doc.text as the candidates component read it
CONTEXT_KEY = "policykg_context"  # doc.user_data: {"province": 上海市, "region": 青浦区} of the plan
ENTITIES_KEY = "entities"


@dataclass(slots=True)
class Candidate:
    """A character range proposed as a name; the candidates component widens it to whole
    tokens, as ``doc.char_span(..., "expand")`` would."""

    start: int
    end: int
    label: str
    priority: int
    rule: str  # the pattern's (or list's) id: recorded, never selected by
    traits: frozenset[str] = frozenset()


def traits_of(spec: dict, where: str) -> frozenset[str]:
    """The ``traits`` of a pattern or member list, every one known."""
    traits = frozenset(spec.get("traits", ()))
    unknown = traits - TRAITS
    if unknown:
        raise ValueError(f"{where}: unknown trait{'s' if len(unknown) > 1 else ''} {', '.join(sorted(unknown))}")
    return traits



def plain_text(doc: Doc) -> str:
    """``doc.text``, from ``doc.user_data[TEXT_KEY]`` when the caller put it there."""
    text = doc.user_data.get(TEXT_KEY)
    size = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
    if not isinstance(text, str) or len(text) != size or (size and text[-1] != doc[-1].text_with_ws[-1]):
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text



def user_key(key: str) -> str:
    return "policykg_" + key



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
            m = SPACE_RUN.match(text, end - 1)
            assert m is not None  # text[end - 1] is whitespace
            end = m.end()
    return start, end


SPACE_RUN = re.compile(r"\s+")


def _whitespace_run_start(text: str, pos: int) -> int:
    """Where the run of whitespace that holds ``pos`` begins."""
    while pos and text[pos - 1].isspace():
        pos -= 1
    return pos

