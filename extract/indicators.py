"""What a target is made of: numbers as plans write them (Arabic or Chinese through cn2an, with
万/亿, ranges 2—3, rates 8.5/10万) and the indicator rules of ``data/indicators.yml`` (direction,
change and count verbs, units, deadlines, scopes, canonical indicators and their aliases).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

import cn2an

from policykg.extract.anchors import alternation
from policykg.extract.datafiles import read_yaml

_NUM_AR = r"\d+(?:\.\d+)?"
_NUM_CN = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
QTY = rf"(?:{_NUM_AR}|{_NUM_CN})"
_MAGNITUDE = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_NUMBER = re.compile(rf"(?P<num>{_NUM_AR}|{_NUM_CN})(?P<mag>[万亿]?)")
RANGE_SEP = r"(?:[-—–~～]{1,2}|至|到)"
_CLAUSE_END = "，。；！？：\n"


# ---------------------------------------------------------------------------------- numbers

def parse_number(text: str) -> float | None:
    """'37' → 37, '8.5' → 8.5, '10万' → 100000, '三十' → 30, '两千' → 2000, '1.5万' → 15000;
    None for anything that is not one number."""
    text = text.strip()
    m = _NUMBER.fullmatch(text)
    if not m:
        return None
    num, mag = m.group("num"), m.group("mag")
    if num[0].isdigit():
        try:
            value = Decimal(num)
        except InvalidOperation:
            return None
    else:
        if mag and num[-1] in "万亿":  # 三十万万 is no number
            return None
        try:
            value = Decimal(str(cn2an.cn2an(num, "smart")))
        except (ValueError, KeyError, IndexError, TypeError):
            return None
    if mag:
        value *= _MAGNITUDE[mag]
    return float(value)


def parse_value(text: str) -> tuple[float, float | None, float | None] | None:
    """A value or range: '37' → (37, None, None); '2—3' → (2, 2, 3); None if it is neither.

    A range's value is its low end (what the plan at least commits to)."""
    parts = re.split(RANGE_SEP, text.strip(), maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        low, high = parse_number(parts[0]), parse_number(parts[1])
        if low is None or high is None or low > high:
            return None
        return low, low, high
    value = parse_number(text)
    return None if value is None else (value, None, None)


# ------------------------------------------------------------------------------------ rules

@dataclass(frozen=True, slots=True)
class Rules:
    quantity: re.Pattern
    worth_reading: re.Pattern  # a sentence without it has no target (most sentences)
    units: re.Pattern  # a unit inside a range (30%—50%)
    at_least_verbs: frozenset
    at_most_verbs: frozenset
    exact_verbs: frozenset
    direction_words: tuple  # all of them and the bare 至/到
    verb_before: re.Pattern  # direction, change and count verbs right before a value
    at_least_after: tuple
    at_most_after: tuple
    after_word: re.Pattern
    change_verbs: frozenset
    to_words: frozenset  # 至, 到 after the indicator: 提升X至45%
    raise_verbs: frozenset
    to_lead: re.Pattern  # the raising or lowering verb that opens 提升X至45%
    count_verbs: frozenset
    count_verbs_longest_first: tuple
    count_lead: re.Pattern  # count verbs opening the text before a value
    count_units: frozenset
    deadline: re.Pattern
    plan_year_deadline: re.Pattern
    reported_year: re.Pattern
    reported_words: tuple
    jurisdiction: re.Pattern
    area: re.Pattern
    population: re.Pattern
    qualifier: re.Pattern
    lead: re.Pattern
    trailing: re.Pattern
    not_after: tuple
    empty: frozenset
    aliases: dict  # alias → canonical


@cache
def load_rules(name: str = "indicators.yml") -> Rules:
    return compile_rules(read_yaml(name))


def compile_rules(data: dict) -> Rules:
    """The rules from the data of ``indicators.yml``."""
    units = alternation(data["units"])
    value = rf"{QTY}[万亿]?"
    quantity = re.compile(
        rf"(?<![\d.／/])(?:百分之(?P<pct>{QTY}(?:{RANGE_SEP}{QTY})?)"
        rf"|(?P<value>{value}(?:(?:{units})?{RANGE_SEP}{value})?)(?P<unit>{units})?"
        rf"(?P<per>/[\d.]*[十百千万]*(?:人口|人)?)?)(?![\d.年月日号时])")
    direction_verbs = data["at_least_verbs"] + data["at_most_verbs"] + data["exact_verbs"]
    verbs = alternation(direction_verbs + data["change_verbs"] + data["count_verbs"] + data["to_words"])
    aliases = {}
    for canonical, names in (data.get("aliases") or {}).items():
        aliases[canonical] = canonical
        for alias in names or ():
            aliases[alias] = canonical
    return Rules(
        quantity=quantity,
        worth_reading=re.compile(rf"\d|百分之|[零〇一二两三四五六七八九十百千][万亿]?(?:{units})"),
        units=re.compile(units),
        at_least_verbs=frozenset(data["at_least_verbs"]),
        at_most_verbs=frozenset(data["at_most_verbs"]),
        exact_verbs=frozenset(data["exact_verbs"]),
        direction_words=tuple(direction_verbs + data["to_words"]),
        verb_before=re.compile(rf"(?:{verbs})+\Z"),
        at_least_after=tuple(data["at_least_after"]),
        at_most_after=tuple(data["at_most_after"]),
        after_word=re.compile(alternation(data["at_least_after"] + data["at_most_after"])),
        change_verbs=frozenset(data["change_verbs"]),
        to_words=frozenset(data["to_words"]),
        raise_verbs=frozenset(data["raise_verbs"]),
        to_lead=re.compile(rf"(?:{alternation(data['lead_words'])})*(?:{alternation(data['raise_verbs'] + data['lower_verbs'])})"),
        count_verbs=frozenset(data["count_verbs"]),
        count_verbs_longest_first=tuple(sorted(data["count_verbs"], key=len, reverse=True)),
        count_lead=re.compile(rf"(?:{alternation(data['lead_words'])})*(?P<verbs>(?:{alternation(data['count_verbs'])})+)"),
        count_units=frozenset(data["count_units"]),
        deadline=re.compile(data["deadline"]),
        plan_year_deadline=re.compile(data["plan_year_deadline"]),
        reported_year=re.compile(data["reported_year"]),
        reported_words=tuple(data["reported_words"]),
        jurisdiction=re.compile(rf"(?:{alternation(data['jurisdiction_scopes'])})"),
        area=re.compile(rf"(?:{alternation(data['area_scopes'])})"),
        population=re.compile(alternation(data["population_scopes"])),
        qualifier=re.compile(data["qualifier_prefix"]),
        lead=re.compile(rf"(?:{alternation(data['lead_words'])})+"),
        trailing=re.compile(rf"(?:{alternation(data['trailing_words'])})+\Z"),
        not_after=tuple(data["not_after"]),
        empty=frozenset(data["empty_indicators"]),
        aliases=aliases,
    )


def indicator_aliases(canonical: str, rules: Rules | None = None) -> list[str]:
    """The names the data knows for an indicator (its canonical name first)."""
    rules = rules or load_rules()
    return [canonical] + sorted(a for a, c in rules.aliases.items() if c == canonical and a != canonical)
