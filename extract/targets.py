"""Quantitative targets (指标): every number a plan commits to, as a record that compares across plans.

``policykg_targets`` is a spaCy component (registered like the others, configured by
``data/indicators.yml``) that reads the normalised text clause by clause and writes
``doc.spans["targets"]`` and, per span, a ``Found`` record in ``doc.user_data[FOUND_KEY]``;
``pipeline.extract`` turns them into ``document.Target`` records on the plan, with offsets into
the original file and the plan year as the default deadline.

Two kinds of target:

* level: an indicator, a direction word and a value: 居民健康素养水平达30%以上, 某率控制在5‰以内,
  人均预期寿命提高到80岁. Lists share their parts: 甲率、乙率分别控制在1/10万、2‰以内 gives two.
* count: a thing to build or do and how many: 建成2—3个基地 (the thing after the count), 招聘医学
  毕业生300名以上 (the thing before it); 、/和 and commas continue a list under the same verb.

A number that measures nothing (a bare 35%, 2.0版, a year, a date, a number in quotes or in a
name such as 三级医院) gives no target. Numbers are Arabic or Chinese (cn2an), with 万/亿, as
ranges (2—3) or rates (8.5/10万).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from policykg.extract.datafiles import read_data, read_yaml, write_data
from policykg.extract.indicators import QTY, RANGE_SEP, Rules, compile_rules, load_rules, parse_value
from policykg.extract.spans import ENTITIES_KEY, TEXT_KEY

TARGETS_KEY = "targets"  # doc.spans
FOUND_KEY = "policykg_targets"  # doc.user_data: the Found record of each span, in order
AT_LEAST, AT_MOST, EXACTLY = "at_least", "at_most", "exactly"
LEVEL, COUNT = "level", "count"

# ------------------------------------------------------------------------------- extraction

@dataclass(slots=True)
class Found:
    """One target, on offsets of the normalised text."""

    start: int  # the target phrase: indicator (or verb) to value (or thing)
    end: int
    indicator: str  # as written (scope and light words cut off)
    canonical: str
    kind: str  # LEVEL | COUNT
    value: float
    low: float | None
    high: float | None
    unit: str
    direction: str
    deadline: int | None  # None: the plan year
    deadline_text: str
    scope: str  # "" : the plan's jurisdiction
    scope_start: int = -1  # a named place as scope: its range (linked to its Region)
    scope_end: int = -1
    reported: int | None = None  # the sentence reports this year's figures (2020年末，…): a target
    #                              only if the plan is of that year or earlier (pipeline.extract)


_SENTENCE = re.compile(r"[^。！？；\n]+")
_CLAUSE = re.compile(r"[^，：]+")
_THING_STOP = re.compile(rf"[、，。；：！？\n]|(?:和|及|与|以及)(?={QTY})")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_HEADING = re.compile(r"[ \t]*(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）)")


def _quoted(text: str, start: int, pos: int) -> bool:
    """Whether text[pos] stands inside “…” or 《…》 opened after ``start``."""
    return (text.count("“", start, pos) + text.count("《", start, pos)
            > text.count("”", start, pos) + text.count("》", start, pos))


def _direction(rules: Rules, verb: str, after: str) -> str:
    if after:
        return AT_LEAST if after in rules.at_least_after else AT_MOST
    word = _direction_part(rules, verb)
    if word in rules.at_least_verbs:
        return AT_LEAST
    return AT_MOST if word in rules.at_most_verbs else EXACTLY


def _per_population(indicator: str) -> str:
    """每千人口… → '/千人'; 每50万人口… → '/50万人'; '' otherwise."""
    m = re.match(rf"每((?:[\d.]+{RANGE_SEP})?[\d.]*[十百千万]*)(?:常住)?人口?", indicator)
    if not m or not m.group(1):
        return ""
    return f"/{m.group(1)}人"


def _canonical(rules: Rules, indicator: str) -> str:
    name = re.sub(r"\s+", "", indicator)
    return rules.aliases.get(name, name)


def find_targets(text: str, region_spans: Iterable[tuple[int, int]] = (), rules: Rules | None = None) -> list[Found]:
    """Every target in ``text`` (normalised plan text). ``region_spans``: (start, end) of places
    the pipeline found, so that a target for a named place has it as its scope."""
    rules = rules or load_rules()
    region_ends = dict(region_spans)  # start → end
    found: list[Found] = []
    for sentence in _SENTENCE.finditer(text):
        found.extend(_sentence_targets(text, sentence.start(), sentence.end(), region_ends, rules))
    return found


def _sentence_targets(text: str, s_start: int, s_end: int, region_spans, rules: Rules) -> list[Found]:
    if _HEADING.match(text, s_start) and (s_end == len(text) or text[s_end] == "\n"):
        return []  # a part heading names a theme (二、打造三个体系，提升…), not a target
    if not rules.worth_reading.search(text, s_start, s_end):
        return []
    deadlines: list[tuple[int, int | None, str]] = [(m.start(), int(m.group("year") or m.group("year2")), m.group())
                 for m in rules.deadline.finditer(text, s_start, s_end)]
    deadlines += [(m.start(), None, m.group()) for m in rules.plan_year_deadline.finditer(text, s_start, s_end)]
    deadlines.sort(key=lambda d: d[0])
    reported = rules.reported_year.match(text, s_start, s_end)
    out: list[Found] = []
    list_verb = ""  # a count verb that the next list member shares (招聘甲10名、乙20名，丙30名)
    for clause in _CLAUSE.finditer(text, s_start, s_end):
        c_start, c_end = clause.span()
        left = c_start  # where the text before the next value starts
        shared: list[str] = []  # indicators of 甲、乙分别… waiting for their values
        shared_verb = ""
        produced = False
        pos = c_start
        while True:
            m = rules.quantity.search(text, pos, c_end)
            if not m:
                break
            pos = m.end()
            if m.start() < left or _quoted(text, s_start, m.start()):
                continue
            target = _read(text, m, left, c_end, rules, list_verb, shared, shared_verb)
            if target is None:
                continue
            targets, left, list_verb, shared, shared_verb = target
            pos = max(pos, left)
            for found_target in targets:
                deadline = next(((y, t) for at, y, t in reversed(deadlines) if at < found_target.end), None)
                if deadline is None and deadlines:
                    deadline = deadlines[0][1:]
                if deadline:
                    found_target.deadline, found_target.deadline_text = deadline
                _place_scope(found_target, region_spans, text, rules)
                if reported:
                    found_target.reported = int(reported.group("year"))
                out.append(found_target)
                produced = True
        if not produced:
            list_verb = ""
    return out


def _place_scope(target: Found, region_spans: dict[int, int], text: str, rules: Rules) -> None:
    """A place named at the start of the target phrase is its scope (西湖区居民健康素养水平 …)."""
    start = target.start
    end = region_spans.get(start)
    if target.scope or end is None or end >= target.end:
        return
    target.scope, target.scope_start, target.scope_end = text[start:end], start, end
    rest = target.indicator.removeprefix(target.scope)
    if rest != target.indicator and _is_indicator(rules, rest):
        target.indicator, target.canonical = rest, _canonical(rules, rest)


def _strip_left(rules: Rules, text: str, start: int, end: int) -> tuple[int, str]:
    """Cut list separators, deadlines, light words, qualifiers and scopes off the front of
    text[start:end]; returns the new start and the area/jurisdiction scope cut off."""
    scope = ""
    while start < end:
        before = start
        while start < end and text[start] in "、和及与 ":
            start += 1
        for pattern in (rules.deadline, rules.plan_year_deadline, rules.lead, rules.qualifier):
            m = pattern.match(text, start, end)
            if m and m.end() > start:
                start = m.end()
        for pattern in (rules.jurisdiction, rules.area):
            m = pattern.match(text, start, end)
            if m and m.end() > start and not scope:
                scope = m.group()
                start = m.end()
        if start == before:
            break
    return start, scope


def _clean_indicator(rules: Rules, words: str) -> str:
    words = re.sub(rules.deadline, "", words)
    words = rules.trailing.sub("", words)
    return words.strip(" 的、")


def _is_indicator(rules: Rules, words: str) -> bool:
    return bool(words) and len(words) <= 40 and words not in rules.empty and len(_CJK.findall(words)) >= 2


def _read(text: str, m: re.Match, left: int, c_end: int, rules: Rules, list_verb: str,
          shared: list[str], shared_verb: str):
    """The target of quantity ``m`` and the state for the next quantity of the clause:
    (target or None, where the next one's text starts, the count verb a list shares, indicators
    of 甲、乙分别… still waiting for a value, their verb). None: the number is no target."""
    q_start, q_end = m.span()
    before = text[left:q_start]
    if before.endswith(rules.not_after):
        return None
    if m.group("pct") is not None:
        raw, unit, per = m.group("pct"), "%", ""
    else:
        raw, unit, per = m.group("value"), m.group("unit") or "", m.group("per") or ""
        if not unit and not per and not rules.verb_before.search(before):
            return None  # a bare number with no verb before it (一体化, 2.0版): nothing to read
        raw = rules.units.sub("", raw)
    parsed = parse_value(raw)
    if parsed is None:
        return None
    after_m = rules.after_word.match(text, q_end, c_end)
    after = after_m.group() if after_m else ""
    end = after_m.end() if after_m else q_end
    rest = text[end:c_end]
    at_boundary = not rest or rest[0] in "、和及与" or not _CJK.match(rest)
    unit += per

    # 甲、乙分别控制在 v1、v2: the values after the first take the next waiting indicators.
    if shared and before.strip("、和及 ") == "":
        direction = _direction(rules, shared_verb, after or _closing(rules, text, end, c_end))
        start = left + len(before) - len(before.lstrip("、和及 "))
        return [_target(rules, start, end, shared[0], LEVEL, parsed, unit, direction, "")], end, "", shared[1:], shared_verb

    verb_m = rules.verb_before.search(before)
    verb = verb_m.group() if verb_m else ""
    direction_word = _direction_part(rules, verb)
    count_word = _count_part(rules, verb)

    if direction_word and not count_word and (at_boundary or unit.split("/")[0] not in rules.count_units):
        # level: indicator, direction verb, value
        if not unit and not (at_boundary or after):
            return None
        words_start, scope = _strip_left(rules, text, _last_item(text, left, q_start - len(verb), "分别" in before),
                                         q_start - len(verb))
        words = text[words_start:q_start - len(verb)]
        if words.endswith(rules.reported_words):
            return None  # 已达83岁: a figure reached, not a target
        if "分别" in words or verb.startswith("分别"):
            names = [n for n in re.split("[、和及]", _clean_indicator(rules, words.replace("分别", ""))) if n]
            if len(names) >= 2 and all(_is_indicator(rules, n) for n in names):
                direction = _direction(rules, verb, after or _closing(rules, text, end, c_end))
                t = _target(rules, words_start, end, names[0], LEVEL, parsed, unit, direction, scope)
                return [t], end, "", names[1:], verb
        indicator = _clean_indicator(rules, words)
        if not _is_indicator(rules, indicator):
            return None
        if not per:
            unit += _per_population(indicator)
        direction = _direction(rules, verb, after) if verb not in rules.to_words else _to_direction(rules, words)
        if verb in rules.to_words:
            indicator = _clean_indicator(rules, rules.to_lead.sub("", indicator, count=1))
            if not _is_indicator(rules, indicator):
                return None
        t = _target(rules, words_start, end, indicator, LEVEL, parsed, unit, direction, scope)
        return [t], end, "", [], ""

    if verb and not direction_word and not count_word and at_boundary and unit:
        # a change: 金额增长20%以上 (the verb stays in the indicator)
        words_start, scope = _strip_left(rules, text, _last_item(text, left, q_start), q_start)
        measured = _clean_indicator(rules, text[words_start:q_start - len(verb)])
        if not _is_indicator(rules, measured):
            return None
        t = _target(rules, words_start, end, measured + verb, LEVEL, parsed, unit, _direction(rules, "", after), scope)
        return [t], end, "", [], ""

    if unit.split("/")[0] not in rules.count_units:
        return None
    if not at_boundary:
        # count, the thing after: (scope) verb (至少/不少于) value unit (以上) thing
        if not (count_word or direction_word) and list_verb and before and not before.strip("、和及与"):
            count_word = list_verb  # 打造3个甲、3家乙: the list shares its verb
        if not (count_word or direction_word):
            return None
        thing_end = _thing_end(text, end, c_end)
        thing = text[end:thing_end]
        if "的" in thing:  # 不低于10万管/日的基地: the qualifier is no part of the thing
            thing = thing.rsplit("的", 1)[1]
        thing = _clean_indicator(rules, thing)
        if not _is_indicator(rules, thing):
            return None
        scope_start, scope = _strip_left(rules, text, left, q_start - len(verb))
        scope_text = text[scope_start:q_start - len(verb)]
        unit += _per_population(scope_text)
        start = left + len(before) - len(before.lstrip("、和及与"))
        t = _target(rules, start, thing_end, thing, COUNT, parsed, unit, _direction(rules, verb, after), scope)
        return [t], thing_end, count_word, [], ""
    # count, the thing before: verb thing value unit (以上), or a list member under the same verb
    words_start, scope = _strip_left(rules, text, left, q_start)
    lead = rules.count_lead.match(text, words_start, q_start)
    start = words_start
    if lead:
        start, words_start, list_verb = lead.start("verbs"), lead.end(), lead.group("verbs")
    elif not list_verb:
        return None
    thing = _clean_indicator(rules, text[words_start:q_start])
    direction = _direction(rules, "", after)
    if thing.endswith("各"):  # 甲、乙、丙各3-5个: one target each
        names = [n for n in re.split("[、和及]", thing[:-1]) if n]
        if names and all(_is_indicator(rules, n) for n in names):
            return ([_target(rules, start, end, n, COUNT, parsed, unit, direction, scope) for n in names],
                    end, list_verb, [], "")
        return None
    if not _is_indicator(rules, thing):
        return None
    return [_target(rules, start, end, thing, COUNT, parsed, unit, direction, scope)], end, list_verb, [], ""


def _last_item(text: str, start: int, end: int, keep_list: bool = False) -> int:
    """Where the last item of a 、-list in text[start:end] starts (outside brackets): an
    indicator is one item (甲率达10%、乙量比例达30%). ``keep_list``: 甲、乙分别… keeps them all."""
    if keep_list:
        return start
    depth = 0
    cut = start
    for i in range(start, end):
        ch = text[i]
        if ch in "（“《":
            depth += 1
        elif ch in "）”》" and depth:
            depth -= 1
        elif ch == "、" and depth == 0:
            cut = i + 1
    return cut


def _to_direction(rules: Rules, words: str) -> str:
    """提升X至45% / 降低X到5%: the verb that leads the words gives the direction."""
    m = rules.to_lead.match(words)
    if not m:
        return EXACTLY
    return AT_LEAST if m.group() in rules.raise_verbs else AT_MOST


def _thing_end(text: str, start: int, c_end: int) -> int:
    """Where the thing after a count ends: at a list separator or punctuation outside quotes."""
    depth = 0
    for i in range(start, c_end):
        ch = text[i]
        if ch in "“《（":
            depth += 1
        elif ch in "”》）" and depth:
            depth -= 1
        elif depth == 0 and _THING_STOP.match(text, i, c_end):
            return i
    return c_end


def _closing(rules: Rules, text: str, pos: int, c_end: int) -> str:
    """The 以上/以内 closing a list of values: 分别控制在1/10万、2‰以内."""
    m = re.compile(rf"(?:[、和及]{rules.quantity.pattern})*").match(text, pos, c_end)
    end = m.end() if m else pos
    after = rules.after_word.match(text, end, c_end)
    return after.group() if after else ""


def _direction_part(rules: Rules, verb: str) -> str:
    """The direction word in a run of verbs (至少建成, 配置不少于, 达到 …), '' if none: the longest
    one (不超过, not 超过)."""
    words = [w for w in rules.direction_words if w in verb]
    return max(words, key=len) if words else ""


def _count_part(rules: Rules, verb: str) -> str:
    return next((w for w in rules.count_verbs_longest_first if w in verb), "")


def _target(rules: Rules, start: int, end: int, indicator: str, kind: str, parsed, unit: str, direction: str,
            scope: str) -> Found:
    value, low, high = parsed
    if not scope and kind == LEVEL:  # 重点人群签约率 is for 重点人群 (the words stay in the indicator)
        population = rules.population.match(indicator)
        scope = population.group() if population else ""
    return Found(start, end, indicator, _canonical(rules, indicator), kind, value, low, high, unit, direction,
                 None, "", scope)


# ---------------------------------------------------------------------------------- component

class TargetFinder:
    def __init__(self, nlp: Language, name: str, indicators: str, spans_key: str):
        self.name = name
        self.indicators_file = indicators
        self.data: dict | None = None  # {"indicators": …}: from initialize() or from_disk()
        self.rules: Rules | None = None
        self.spans_key = spans_key

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        self._set_data({"indicators": read_yaml(self.indicators_file)})

    def to_disk(self, path, *, exclude=()) -> None:
        if self.data is None:
            raise ValueError(f"{self.name} has no data yet: initialise the pipeline (nlp.initialize())")
        write_data(path, self.data, {"indicators": "json"})

    def from_disk(self, path, *, exclude=()) -> TargetFinder:
        self._set_data(read_data(path, {"indicators": "json"}))
        return self

    def _set_data(self, data: dict) -> None:
        self.rules = compile_rules(data["indicators"])
        self.data = data

    def __call__(self, doc: Doc) -> Doc:
        if self.rules is None:
            raise ValueError(f"{self.name} has no data: initialise the pipeline (nlp.initialize())")
        text = doc.user_data.get(TEXT_KEY)
        if text is None:  # (doc.text joins every token: the pipeline passes the text it made the Doc from)
            text = doc.text
        regions = [(s.start_char, s.end_char) for s in doc.spans.get(ENTITIES_KEY, []) if s.label_ == "Region"]
        found = find_targets(text, regions, self.rules)
        spans, kept = [], []
        for t in found:
            span = doc.char_span(t.start, t.end, label="TARGET", alignment_mode="expand")
            if span is not None:
                spans.append(span)
                kept.append(t)
        doc.spans[self.spans_key] = spans
        doc.user_data[FOUND_KEY] = kept
        return doc


@Language.factory(
    "policykg_targets",
    requires=["doc.spans"],
    assigns=["doc.spans", "doc.user_data"],
    default_config={"indicators": "indicators.yml", "spans_key": TARGETS_KEY},
)
def make_targets(nlp: Language, name: str, indicators: str, spans_key: str):
    return TargetFinder(nlp, name, indicators, spans_key)
