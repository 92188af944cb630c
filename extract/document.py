"""The typed records that flow between the stages.

files → ``Document`` (normalised text + offset map) → spaCy ``Doc`` with spans →
``Mention`` (with provenance) → resolved ``Entity`` → graph model.

All character offsets a user ever sees point into ``Document.original``, the decoded file
text, so ``original[start:end] == text`` holds for every mention. The normalised ``text`` is
what the rules read: simplified characters, unwrapped lines, unified punctuation.
"""
from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field

# C int, 32 bits: a text is far below 2**31 characters, and 64-bit offsets were the largest part
# of a plan in memory (8 bytes for each character of the text).
OFFSET_TYPE = "i"


@dataclass(slots=True)
class Document:
    """One plan, decoded and normalised.

    ``offsets[i]`` is the index in ``original`` of the character ``text[i]`` came from;
    ``offsets[len(text)]`` is ``len(original)`` so that end offsets map too. An ``array`` of
    ``OFFSET_TYPE``: compact, and it pickles as one block of bytes.
    """

    path: str
    original: str
    text: str
    offsets: array
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)
    # What reading lost or changed that a user must hear of (a build reports one line each):
    # "3 undecodable bytes replaced by U+FFFD".
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open range of ``text`` back to ``original``."""
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(slots=True)
class Section:
    """A unit of document structure, as a range of the normalised text."""

    kind: str  # "part" | "task" | "point" | "sentence"
    start: int
    end: int
    number: str = ""  # as printed: "一", "3", "（2）", "一是"
    headline: str = ""  # the task's lead phrase, e.g. 强化疫情监测预警处置


@dataclass(slots=True)
class Structure:
    parts: list[Section] = field(default_factory=list)
    tasks: list[Section] = field(default_factory=list)
    sentences: list[Section] = field(default_factory=list)


@dataclass(slots=True)
class PlanMeta:
    title: str | None = None
    issuer: str | None = None
    level: str | None = None  # "national" | "province" | "municipality" | "district"
    region: str | None = None  # e.g. 青浦区
    parent_region: str | None = None  # e.g. 上海市
    province: str | None = None  # the province-level unit the region lies in (上海市, 浙江省)
    region_code: str | None = None
    year: int | None = None
    issued: str | None = None  # ISO date
    doc_number: str | None = None
    doc_type: str | None = None  # genre from the title's words: work_plan, summary_and_plan, five_year_plan …
    period: str | None = None  # a multi-year plan's years: "2021-2025"
    summarised_year: int | None = None  # the year a "summary + plan" document sums up
    region_doubt: list[str] | None = None  # other divisions of the region's name, when nothing settled it


@dataclass(slots=True)
class Mention:
    """One entity mention with provenance. ``start``/``end`` index ``Document.original``."""

    doc: str
    text: str  # surface exactly as in the original
    label: str
    start: int
    end: int
    norm: str  # simplified, cleaned surface used for resolution
    sentence: int = -1  # index into Structure.sentences
    task: int = -1  # index into Structure.tasks, -1 outside any task
    part: int = -1
    canonical: str | None = None
    entity_id: str | None = None
    implements: bool = False  # the sentence commits to carrying it out (落实, 贯彻 …)


@dataclass(slots=True)
class Target:
    """One quantitative target (指标) a plan sets. ``start``/``end`` index ``Document.original``
    (the phrase from indicator to value); ``deadline`` is the plan year unless the text says."""

    indicator: str  # as written, scope and light words cut off: 居民健康素养水平
    canonical: str  # the indicator's canonical name (extract/data/indicators.yml aliases)
    kind: str  # "level" (indicator 达 value) | "count" (建成 N 个 thing: the thing is the indicator)
    value: float  # a range's low end
    low: float | None
    high: float | None
    unit: str  # %, ‰, 岁, 个, /10万, 人/千人 …
    direction: str  # "at_least" | "at_most" | "exactly"
    deadline: int | None
    deadline_text: str  # 到2025年, 年底前; "" when the plan year is implied
    scope: str  # 全省, 设区市, 重点人群, a named place; "" for the plan's jurisdiction
    text: str  # the phrase as in the original
    start: int
    end: int
    sentence: int = -1  # index into Structure.sentences
    task: int = -1
    part: int = -1
    scope_start: int = -1  # a named place as scope: its range in the original (linked to its Region)
    scope_end: int = -1


@dataclass(slots=True)
class Entity:
    """One real-world thing: every mention that resolves here shares its id."""

    id: str
    label: str
    name: str  # canonical, simplified
    aliases: set[str] = field(default_factory=set)
    rules: set[str] = field(default_factory=set)  # why surfaces were merged here
    props: dict = field(default_factory=dict)


@dataclass(slots=True)
class ExtractedPlan:
    """Everything extraction knows about one document."""

    document: Document
    meta: PlanMeta
    structure: Structure
    mentions: list[Mention]
    targets: list[Target] = field(default_factory=list)
    # Each mention's (canonical name, rule) given this plan alone, once resolution's per-plan
    # part (``resolver.name_plan``) has run where the plan was extracted; None until then.
    names: list[tuple[str, str]] | None = None

    def norm_span(self, m: Mention) -> tuple[int, int]:
        """A mention's offsets in the normalised text."""
        offsets = self.document.offsets
        i = bisect.bisect_left(offsets, m.start, 0, max(0, len(offsets) - 1))
        return i, i + len(m.norm)
