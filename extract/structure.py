"""The outline of a plan: parts (一、…), tasks (1. / 1、 / （1）) and sentences.

Everything works on ``Document.text``, whose lines are already unwrapped and whose
punctuation is canonical (``normalise``): a heading starts a line, ``1．`` reads ``1.`` and
``(1)`` reads ``（1）``. Ranges are half-open indices into ``text``.

* A part runs from its heading to the next part heading or the closing signature block.
* A task runs from its numbered line to the next task or part, or the signature block;
  unnumbered paragraphs after a task belong to it. Which marker style numbers the tasks is
  decided per document: ``1.``/``1、`` if present, else ``（1）``; the other style then
  numbers sub-items and does not start tasks.
* A part ``一、`` whose items are ``（一）`` (and no ``1.`` / ``（1）`` anywhere) has those items as
  its tasks: eight ``（一）…（八）`` under one ``一、`` are eight tasks, not one heading.
* A text with no numbered outline at all (web excerpts, summaries, reports) has its paragraphs
  as its tasks (number ``""``, kind ``paragraph``), so every mention still has a unit.
* Sentences end at 。！？； (with any closing quotes/brackets) or at a line end, so a sentence
  never crosses a task boundary. The first sentence of a task includes its number.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from policykg.extract.document import Document, Section, Structure

__all__ = ["parse_structure", "has_outline", "locate", "locator"]

_NUM = "一二三四五六七八九十"
_PART = re.compile(rf"^[ \t]*([{_NUM}]{{1,3}})、", re.MULTILINE)
_PART_PAREN = re.compile(rf"^[ \t]*（([{_NUM}]{{1,3}})）", re.MULTILINE)
_TASK_DOT = re.compile(r"^[ \t]*(\d{1,3})[.、](?!\d)", re.MULTILINE)
_TASK_PAREN = re.compile(r"^[ \t]*（(\d{1,3})）", re.MULTILINE)
# A paragraph unit of an outline-less text: a line that reads as prose (a sentence end in it, or
# long enough), not a page-header field or a short title line.
_PARAGRAPH = re.compile(r"^[ \t]*(?=[^\n]*[。；！？]|[^\n]{40})[^\n]{12,}$", re.MULTILINE)
_PARAGRAPH_HEADLINE = 30  # characters of a paragraph kept as its Task's name
# Closing block: an optional signer line, then a date line (2025年3月3日 / 二〇二五年三月三日).
_DATE_LINE = re.compile(
    r"^[ \t]*(?:\d{4}|[〇零一二三四五六七八九○Ｏ]{4})年[\d一二三四五六七八九十]{1,3}月"
    r"[\d一二三四五六七八九十]{1,3}日[ \t]*(?:印发)?[ \t]*$",
    re.MULTILINE,
)
_SIGNER = re.compile(r"^[^\n。，；：！？]{2,40}(?:委员会|委|局|厅|政府|办公室|办|中心)[ \t]*\n\Z")
_SENTENCE = re.compile(r"[^。！？；\n]+(?:[。！？；]+[”’」）》]*)?|[。！？；]+[”’」）》]*")
_HEADLINE_END = re.compile(r"[。！？；\n]")


def _tail_start(text: str, first_task: int, task_re: re.Pattern[str]) -> int:
    """Where the closing signature block starts (len(text) if there is none)."""
    for m in _DATE_LINE.finditer(text, first_task):
        start = m.start()
        line_before = text.rfind("\n", 0, max(start - 1, 0)) + 1
        if start and _SIGNER.match(text[line_before:start]):
            start = line_before
        # Only a block at the very end is a signature (a dated line mid-text is content).
        if not task_re.search(text, m.end()):
            return start
    return len(text)


def _headline(text: str, body: int) -> str:
    """The lead phrase of a task or part: up to the first 。 (or ：/line end) after the number."""
    m = _HEADLINE_END.search(text, body)
    end = m.start() if m else len(text)
    colon = text.find("：", body, end)
    if 0 <= colon - body <= 30:
        end = colon
    return text[body:end].strip(" *")


def _sections(kind: str, matches: list[re.Match], stops: list[int], text: str) -> list[Section]:
    out = []
    for m in matches:
        i = bisect_right(stops, m.start())
        end = stops[i] if i < len(stops) else len(text)
        while end > m.start() and text[end - 1].isspace():
            end -= 1
        paren = m.group().lstrip().startswith("（")
        out.append(Section(kind, m.start(), end,
                           number=f"（{m.group(1)}）" if paren else m.group(1),
                           headline=_headline(text, m.end())))
    return out


def parse_structure(doc: Document) -> Structure:
    text = doc.text
    parts = list(_PART.finditer(text)) or list(_PART_PAREN.finditer(text))
    task_re = _TASK_DOT if _TASK_DOT.search(text) else _TASK_PAREN
    tasks = list(task_re.finditer(text))
    if parts:  # numbered lines above the first part belong to the transmittal letter
        tasks = [m for m in tasks if m.start() > parts[0].start()]
    if parts and not tasks and parts[0].re is _PART:
        # 一、 with （一） items and nothing numbered below them: the items are the tasks.
        tasks = [m for m in _PART_PAREN.finditer(text, parts[0].start())]
        task_re = _PART_PAREN
    if not parts and not tasks:
        return _paragraph_structure(text)
    first = min([m.start() for m in parts[:1] + tasks[:1]], default=len(text))
    tail = _tail_start(text, first, task_re) if first < len(text) else len(text)
    parts = [m for m in parts if m.start() < tail]
    tasks = [m for m in tasks if m.start() < tail]

    part_starts = [m.start() for m in parts]
    task_starts = [m.start() for m in tasks]
    structure = Structure()
    structure.parts = _sections("part", parts, part_starts + [tail], text)
    structure.tasks = _sections("task", tasks, sorted(task_starts + part_starts + [tail]), text)
    structure.sentences = _sentences(text)
    return structure


def _paragraph_structure(text: str) -> Structure:
    """No numbered outline: each prose paragraph is a unit (a Task of the lexical layer)."""
    structure = Structure()
    for m in _PARAGRAPH.finditer(text):
        start, end = _strip(text, *m.span())
        headline = text[start:end]
        cut = _HEADLINE_END.search(headline)
        headline = headline[: cut.start() if cut else len(headline)][:_PARAGRAPH_HEADLINE]
        structure.tasks.append(Section("paragraph", start, end, number="", headline=headline))
    structure.sentences = _sentences(text)
    return structure


def has_outline(structure: Structure) -> bool:
    """Numbered parts or tasks, not only the paragraph units of an outline-less text."""
    return bool(structure.parts) or any(t.kind != "paragraph" for t in structure.tasks)


def _sentences(text: str) -> list[Section]:
    sentences = []
    for m in _SENTENCE.finditer(text):
        start, end = m.span()
        if text[start].isspace() or text[end - 1].isspace():  # rare: normalised text has few spaces
            start, end = _strip(text, start, end)
        if start < end:  # not whitespace only
            sentences.append(Section("sentence", start, end))
    return sentences


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def locator(structure: Structure):
    """``locate`` for many positions of one plan: the sections' starts listed once."""
    kinds = [([s.start for s in sections], sections)
             for sections in (structure.parts, structure.tasks, structure.sentences)]

    def find(pos: int) -> tuple[int, int, int]:
        found = []
        for starts, sections in kinds:
            i = bisect_right(starts, pos) - 1
            found.append(i if i >= 0 and pos < sections[i].end else -1)
        return tuple(found)

    return find


def locate(structure: Structure, pos: int) -> tuple[int, int, int]:
    """(part, task, sentence) indices of the sections containing ``text[pos]``; -1 if none.

    Sections are sorted and disjoint within each kind, so a bisection on starts suffices.
    """
    return locator(structure)(pos)
