"""What the head of a document prints: dates, document numbers, header fields, the title, and
the years, period and genre the title gives (``metadata`` puts them together).

Header fields (``data/metadata.yml``): 发布机构：X, ``[制定机关]X``, table rows split at ``|``, a
label on a line of its own with its value on the next. Title: the document's own title as the
transmittal names it (X关于印发Y的通知, X印发《Y》, 现将《Y》印发给你们), else the title line above the
body (a line ending in a genre word: 要点, 规划, 方案, 总结, 报告, 任务分解, 行动(2019-2030年) …).
"""
from __future__ import annotations

import re
from functools import cache

from policykg.extract import regions
from policykg.extract.datafiles import load_lexicon
from policykg.extract.document import Structure

CJK = "\u4e00-\u9fff"
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}


@cache
def config() -> dict:
    return load_lexicon("metadata.yml")


# ---------------------------------------------------------------- dates and numbers

DATE = re.compile(
    r"(?P<y>\d{4}|[〇零○O一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
)
ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
EIGHT = re.compile(r"^[ \t]*((?:19|20)\d{2})(\d{2})(\d{2})[ \t]*$", re.MULTILINE)  # 20211221 under a signature
DATE_LINE = re.compile(rf"^[ \t]*[（(]?{DATE.pattern}[）)]?[ \t]*(?P<print>印发)?[ \t]*$", re.MULTILINE)
# A report's subtitle: ——2024年11月21日在…会议上
SPEECH_DATE = re.compile(rf"^[ \t]*[—－-]{{1,2}}{DATE.pattern}", re.MULTILINE)
DOC_NUMBER = re.compile(rf"(?P<prefix>[{CJK}]{{1,10}})[〔\[【（(]\d{{4}}[〕\]】）)]第?\d{{1,4}}号")


def _cn_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if len(s) == 4:  # a year written digit by digit: 二〇二一
        return int("".join(str(_CN_DIGITS.get(c, 0)) for c in s))
    tens, _, ones = s.partition("十")
    if "十" not in s:
        return _CN_DIGITS.get(s, 0)
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def iso(m: re.Match) -> str | None:
    y, mo, d = (_cn_number(m.group(i)) for i in (1, 2, 3))
    if not (1949 < y < 2200 and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"

# ---------------------------------------------------------------- header fields


@cache
def _field_regex() -> tuple[re.Pattern, dict[str, str]]:
    kinds = {label: kind for kind, labels in config()["fields"].items() for label in labels}
    alternation = "|".join(sorted(map(re.escape, kinds), key=len, reverse=True))
    return re.compile(rf"\[?(?P<label>{alternation})[\]】]?"), kinds


def header_fields(head: str) -> dict[str, list[str]]:
    """Header fields by label, every value in order: 发布机构：X, [制定机关]X, |发布机构：|X|,
    a label alone on its line (发布单位) with the value on the next line."""
    regex, kinds = _field_regex()
    colon_only = set(config()["colon_only"])
    out: dict[str, list[str]] = {}
    for m in regex.finditer(head):
        label = m.group("label")
        before = head[m.start() - 1] if m.start() else "\n"
        after = head[m.end():m.end() + 1]
        marked = after in "：:|" or m.group().startswith("[") or m.group().endswith(("]", "】"))
        at_start = before in "\n|•·[【 \t" or before.isascii() or head[max(0, m.start() - 6):m.start()].endswith(
            tuple(kinds))
        if not marked and (label in colon_only or not at_start):
            continue
        pos = m.end()
        while pos < len(head) and head[pos] in "：:| \t":
            pos += 1
        end = head.find("\n", pos)
        end = len(head) if end < 0 else end
        if pos == end and end < len(head) and (at_start and (marked or head[m.end():end].strip("：:| \t") == "")):
            # the value is on the next line, unless that line is a field of its own
            nxt_end = head.find("\n", end + 1)
            nxt = head[end + 1: nxt_end if nxt_end >= 0 else len(head)]
            if not regex.match(nxt.lstrip("•·| \t")):
                pos, end = end + 1, end + 1 + len(nxt)
        value = head[pos:end]
        value = value.split("|", 1)[0]
        later = regex.search(value)
        while later and later.start() == 0:
            later = regex.search(value, 1)
        if later:
            value = value[: later.start()]
        out.setdefault(label, []).append(value.strip(" \t•·"))
    return out


def field_values(fields: dict[str, list[str]], kind: str) -> list[str]:
    return [v for label in config()["fields"][kind] for v in fields.get(label, ()) if v]

# ---------------------------------------------------------------- titles

# A genre word ends a title, optionally followed by a bracketed period or edition.
_DOC_TYPE = (r"(?:工作要点|要点|规划|计划|方案|总结|纲要|意见|安排|报告|办法|措施|细则|规定|任务分解|任务清单|清单"
             r"|行动(?=[（(]\d{4}))")
_PERIOD = r"(?:[（(][^）)\n]{2,24}[）)])?"
_TITLE_LINE = re.compile(
    rf"^(?:附件\d*：?)?(?P<title>[^\n。；！？：>|]{{2,80}}?{_DOC_TYPE}{_PERIOD})$", re.MULTILINE
)
_YEARISH = re.compile(r"\d{4}年|[〇零一二三四五六七八九]{4}年|十[一二三四五六七八九]?五|年度|\d{4}[-—–至]\d{4}")
ISSUE_VERB = r"(?:印发|转发|下发|发布|公布|修订印发)"
_TRANSMITTAL = re.compile(rf"关于{ISSUE_VERB}(?P<title>[^\n]{{2,100}}?)的通知")
_PRINTS = re.compile(rf"{ISSUE_VERB}《(?P<title>[^\n《》]{{2,100}})》")  # X印发《Y》(的通知)
_QUOTED_IN_LETTER = re.compile(
    r"(?:现将|现把|将)《(?P<title>[^\n《》]{2,100})》(?:[^\n《》。]{0,6})(?:印发|发给|下发|转发|发布)"
    r"|《(?P<title2>[^\n《》]{2,100})》(?:已经|经)[^\n。]{0,40}?(?:通过|同意|审定)"
    r"|制定了《(?P<title3>[^\n《》]{2,100})》")
_ENUM_START = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d{1,3}[.、](?!\d)|[—－-])")
_NOT_TITLE = re.compile(rf"关于{ISSUE_VERB}|通知$|^(?:各|现将|根据|为)")


def _clean_title(title: str) -> str:
    title = re.sub(r"\s+", "", title).strip("，,。：")
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]
    title = title.replace("（", "(").replace("）", ")")
    return re.sub(r"(?<=\d)[—–－~～至](?=\d)", "-", title)


def joined_lines(head: str) -> list[str]:
    """The head's lines, with a line that a title or transmittal heading continues joined to the
    next (湖州市卫生健康委关于印发 / 2023年全市卫生健康工作要点的通知)."""
    lines = [line.strip(" \t•·") for line in head.split("\n")]
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if nxt and len(line) <= 40 and len(nxt) <= 60 and not re.search(r"[。；！？：|>]", line + nxt):
            joined = line + nxt
            opens = re.search(rf"{ISSUE_VERB}$|关于$", line) and "的通知" in nxt
            title_split = (not _TITLE_LINE.match(line) and _TITLE_LINE.match(joined) and not _ENUM_START.match(nxt)
                           and not (_YEARISH.search(nxt) or regions.names_in(nxt)))
            if opens or title_split:
                out.append(joined)
                i += 2
                continue
        out.append(line)
        i += 1
    return out


def _transmittal_titles(lines: list[str], letter: str, fields: dict[str, list[str]]) -> list[str]:
    """Titles named by the transmittal: its heading (also in a 名称 field), X印发《Y》, 现将《Y》…"""
    out = []
    for line in [*field_values(fields, "title"), *lines]:
        for m in (_TRANSMITTAL.search(line), _PRINTS.search(line)):
            # not a notice cited in 《》 (根据《X关于印发Y的通知》要求): this document's own heading
            if m and line.count("《", 0, m.start()) <= line.count("》", 0, m.start()):
                out.append(m.group("title"))
                break
    m = _QUOTED_IN_LETTER.search(letter)
    if m:
        out.append(m.group("title") or m.group("title2") or m.group("title3"))
    return [t for t in map(_clean_title, out) if len(t) >= 4]


def _heading_titles(lines: list[str], fields: dict[str, list[str]]) -> list[str]:
    out = []
    for line in [*field_values(fields, "title"), *lines]:
        m = _TITLE_LINE.match(line)
        if not m:
            continue
        title = _clean_title(m.group("title"))
        if _ENUM_START.match(title) or _NOT_TITLE.search(title) or _header_row(title):
            continue
        if _YEARISH.search(title) or regions.names_in(title) or healthy_x_region(title):
            out.append(title)
    return out


def _header_row(line: str) -> bool:
    """A row of page-header fields (索引号…发布机构…主题分类…), not a title."""
    regex, _ = _field_regex()
    colon_only = set(config()["colon_only"])
    return any(m.group("label") not in colon_only for m in regex.finditer(line))


def find_title(lines: list[str], head: str, fields: dict[str, list[str]]) -> str | None:
    found = _transmittal_titles(lines, head, fields) or _heading_titles(lines, fields)
    return found[0] if found else None

# ---------------------------------------------------------------- years, period, genre


_FIVE_YEAR = re.compile(r"十([一二三四五六七八九]?)五")
_RANGE = re.compile(r"(\d{4})年?\s*[-—–~～至到]\s*(\d{4})年?")
_SINCE = re.compile(r"\d{4}年(?:以来|来|度?以来)")
_COMBINED = re.compile(r"(\d{4})年[^\n]{0,30}?总结[^\n]{0,6}?(?:和|及|暨|与|、|并)[^\n]{0,20}?(\d{4})年")


def _period(title: str) -> tuple[int, int] | None:
    m = _RANGE.search(title)
    if m and int(m.group(1)) < int(m.group(2)) <= int(m.group(1)) + 30:
        return int(m.group(1)), int(m.group(2))
    m = _FIVE_YEAR.search(title)
    if m:
        # The n-th five-year plan starts in 1981 + 5 (n - 6) (六五 = 1981, 十四五 = 2021).
        n = 10 + (_CN_DIGITS[m.group(1)] if m.group(1) else 0)
        start = 1981 + 5 * (n - 6)
        return start, start + 4
    return None


def title_years(title: str | None, issued: str | None) -> tuple[int | None, tuple[int, int] | None, int | None]:
    """(year, period, summarised year) of a document."""
    issued_year = int(issued[:4]) if issued else None
    if not title:
        return issued_year, None, None
    m = _COMBINED.search(title)
    if m and int(m.group(1)) < int(m.group(2)):
        return int(m.group(2)), None, int(m.group(1))
    period = _period(title)
    rest = _SINCE.sub("", _RANGE.sub("", title))
    single = re.search(r"(\d{4})年", rest) or re.search(r"([〇零一二三四五六七八九]{4})年", rest)
    if single:
        return _cn_number(single.group(1)), period, None
    if period:
        if issued_year and period[0] - 1 <= issued_year <= period[1]:
            return issued_year, period, None
        return period[0], period, None
    return issued_year, None, None


def body_year(text: str, structure: Structure) -> int | None:
    """A year that opens a sentence before the first part: 2025年是…, 2024年，区卫生健康工作…"""
    first_part = structure.parts[0].start if structure.parts else len(text)
    for s in structure.sentences:
        if s.start >= first_part:
            break
        m = re.match(r"(\d{4})年", text[s.start:s.end])
        if m:
            return int(m.group(1))
    return None


@cache
def _doc_type_rules() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((kind, re.compile(rx)) for kind, rx in config()["doc_types"])


def doc_type_of(title: str | None) -> str | None:
    """The genre a title's own words name: work_plan, summary_and_plan, five_year_plan …"""
    if not title:
        return None
    return next((kind for kind, rx in _doc_type_rules() if rx.search(title)), None)


def healthy_x_region(s: str) -> regions.Region | None:
    """健康广东行动 / 健康青海 → the division named short inside a Healthy-X name."""
    for m in re.finditer(rf"健康(?=[{CJK}]{{2}})", s):
        for n in (4, 3, 2):
            region = regions.lookup(s[m.end():m.end() + n])
            if region is not None and region.level != "town":
                return region
    return None
