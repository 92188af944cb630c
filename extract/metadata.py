"""Document metadata: title, issuer, jurisdiction, year, period, genre, issue date and number.

Read from the normalised text (simplified, canonical punctuation, page-header fields kept on
their own lines: see ``normalise``). What a page may print, and where it is read:

* header fields (``data/metadata.yml``): 发布机构：X, ``[制定机关]X``, table rows split at ``|``
  (发布机构：|X|), a label on a line of its own with its value on the next;
* a letterhead (X文件), a transmittal heading (X关于印发Y的通知, X印发《Y》, split over two
  lines), the letter's 《Y》 (现将《Y》印发给你们, 《Y》已经…通过);
* a signature block: the issuer's line, an optional seal note (（代章）), the date
  (2023年4月27日, 20211221);
* the title itself (上海市X区人民政府关于…的实施方案, 杭州市卫生健康委员会2023年工作总结…);
* a breadcrumb (首页>…>X卫生健康委员会>…).

Title: the document's own title as the transmittal names it, else the title line above the
body (a line ending in a genre word: 要点, 规划, 方案, 总结, 报告, 任务分解, 行动(2019-2030年)
…), simplified, ASCII brackets; None when no title is printed (a bare body that plainly is an
annual work plan is given the title such plans have: {year}年{region}卫生健康工作要点).

Jurisdiction: the most specific division named in the title, else in the issuer, else named
short inside a Healthy-X name (健康广东行动 → 广东省) or by the document number's prefix
(浙卫发 → 浙江省, 湖卫健发 → 湖州市 in 浙江省), else the province or city the text names most,
else the first body named in full. A name several divisions share (朝阳区) is settled by the
province or city the text names; when it names none, by the larger parent, and the doubt is
kept (``PlanMeta.region_doubt``). Issuers of the central government (国务院, 国家卫生健康委,
健康中国行动推进委员会 …) make a national document.

Year: the year the document is for. "2023年工作总结和2024年工作要点" is 2024 (the summarised
year kept as ``summarised_year``); a multi-year plan (2021-2025年, 十四五) is the year it was
issued, its ``period`` kept; a title without a year takes the issue date's year.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import cache

from policykg.extract import regions
from policykg.extract.anchors import alternation
from policykg.extract.components import load_lexicon
from policykg.extract.document import Document, PlanMeta, Structure

__all__ = ["extract_metadata", "doc_type_of", "NATIONAL"]

_CJK = "\u4e00-\u9fff"
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}
NATIONAL = "national"
_HEAD_CHARS = 1500  # how far a document without a numbered body is read for its head


@cache
def _config() -> dict:
    return load_lexicon("metadata.yml")


@cache
def _province_abbreviations() -> dict[str, str]:
    from policykg.resolve import groupings  # the standard one-character 简称 of the provinces

    return dict(groupings()["province_abbreviations"])

# ---------------------------------------------------------------- dates and numbers

_DATE = re.compile(
    r"(?P<y>\d{4}|[〇零○O一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
)
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_EIGHT = re.compile(r"^[ \t]*((?:19|20)\d{2})(\d{2})(\d{2})[ \t]*$", re.MULTILINE)  # 20211221 under a signature
_DATE_LINE = re.compile(rf"^[ \t]*[（(]?{_DATE.pattern}[）)]?[ \t]*(?P<print>印发)?[ \t]*$", re.MULTILINE)
# A report's subtitle: ——2024年11月21日在…会议上
_SPEECH_DATE = re.compile(rf"^[ \t]*[—－-]{{1,2}}{_DATE.pattern}", re.MULTILINE)
_DOC_NUMBER = re.compile(rf"(?P<prefix>[{_CJK}]{{1,10}})[〔\[【（(]\d{{4}}[〕\]】）)]第?\d{{1,4}}号")


def _cn_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if len(s) == 4:  # a year written digit by digit: 二〇二一
        return int("".join(str(_CN_DIGITS.get(c, 0)) for c in s))
    tens, _, ones = s.partition("十")
    if "十" not in s:
        return _CN_DIGITS.get(s, 0)
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _iso(m: re.Match) -> str | None:
    y, mo, d = (_cn_number(m.group(i)) for i in (1, 2, 3))
    if not (1949 < y < 2200 and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"

# ---------------------------------------------------------------- header fields


@cache
def _field_regex() -> tuple[re.Pattern, dict[str, str]]:
    kinds = {label: kind for kind, labels in _config()["fields"].items() for label in labels}
    alternation = "|".join(sorted(map(re.escape, kinds), key=len, reverse=True))
    return re.compile(rf"\[?(?P<label>{alternation})[\]】]?"), kinds


def _fields(head: str) -> dict[str, list[str]]:
    """Header fields by label, every value in order: 发布机构：X, [制定机关]X, |发布机构：|X|,
    a label alone on its line (发布单位) with the value on the next line."""
    regex, kinds = _field_regex()
    colon_only = set(_config()["colon_only"])
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


def _field_values(fields: dict[str, list[str]], kind: str) -> list[str]:
    return [v for label in _config()["fields"][kind] for v in fields.get(label, ()) if v]

# ---------------------------------------------------------------- titles

# A genre word ends a title, optionally followed by a bracketed period or edition.
_DOC_TYPE = (r"(?:工作要点|要点|规划|计划|方案|总结|纲要|意见|安排|报告|办法|措施|细则|规定|任务分解|任务清单|清单"
             r"|行动(?=[（(]\d{4}))")
_PERIOD = r"(?:[（(][^）)\n]{2,24}[）)])?"
_TITLE_LINE = re.compile(
    rf"^(?:附件\d*：?)?(?P<title>[^\n。；！？：>|]{{2,80}}?{_DOC_TYPE}{_PERIOD})$", re.MULTILINE
)
_YEARISH = re.compile(r"\d{4}年|[〇零一二三四五六七八九]{4}年|十[一二三四五六七八九]?五|年度|\d{4}[-—–至]\d{4}")
_ISSUE_VERB = r"(?:印发|转发|下发|发布|公布|修订印发)"
_TRANSMITTAL = re.compile(rf"关于{_ISSUE_VERB}(?P<title>[^\n]{{2,100}}?)的通知")
_PRINTS = re.compile(rf"{_ISSUE_VERB}《(?P<title>[^\n《》]{{2,100}})》")  # X印发《Y》(的通知)
_QUOTED_IN_LETTER = re.compile(
    rf"(?:现将|现把|将)《(?P<title>[^\n《》]{{2,100}})》(?:[^\n《》。]{{0,6}})(?:印发|发给|下发|转发|发布)"
    rf"|《(?P<title2>[^\n《》]{{2,100}})》(?:已经|经)[^\n。]{{0,40}}?(?:通过|同意|审定)"
    rf"|制定了《(?P<title3>[^\n《》]{{2,100}})》")
_ENUM_START = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d{1,3}[.、](?!\d)|[—－-])")
_NOT_TITLE = re.compile(rf"关于{_ISSUE_VERB}|通知$|^(?:各|现将|根据|为)")


def _clean_title(title: str) -> str:
    title = re.sub(r"\s+", "", title).strip("，,。：")
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]
    title = title.replace("（", "(").replace("）", ")")
    return re.sub(r"(?<=\d)[—–－~～至](?=\d)", "-", title)


def _joined_lines(head: str) -> list[str]:
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
            opens = re.search(rf"{_ISSUE_VERB}$|关于$", line) and "的通知" in nxt
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
    for line in [*_field_values(fields, "title"), *lines]:
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
    for line in [*_field_values(fields, "title"), *lines]:
        m = _TITLE_LINE.match(line)
        if not m:
            continue
        title = _clean_title(m.group("title"))
        if _ENUM_START.match(title) or _NOT_TITLE.search(title) or _header_row(title):
            continue
        if _YEARISH.search(title) or regions.names_in(title) or _healthy_x_region(title):
            out.append(title)
    return out


def _header_row(line: str) -> bool:
    """A row of page-header fields (索引号…发布机构…主题分类…), not a title."""
    regex, _ = _field_regex()
    colon_only = set(_config()["colon_only"])
    return any(m.group("label") not in colon_only for m in regex.finditer(line))


def _find_title(lines: list[str], head: str, fields: dict[str, list[str]]) -> str | None:
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


def _years(title: str | None, issued: str | None) -> tuple[int | None, tuple[int, int] | None, int | None]:
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


def _body_year(text: str, structure: Structure) -> int | None:
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
    return tuple((kind, re.compile(rx)) for kind, rx in _config()["doc_types"])


def doc_type_of(title: str | None) -> str | None:
    """The genre a title's own words name: work_plan, summary_and_plan, five_year_plan …"""
    if not title:
        return None
    return next((kind for kind, rx in _doc_type_rules() if rx.search(title)), None)

# ---------------------------------------------------------------- issuers

_AGENCY_END = (r"(?:卫生健康委员会|卫生和计划生育委员会|卫生计生委|卫生健康委|卫健委|卫生健康局|卫生局|委员会办公室|委员会"
               r"|联席会议办公室|联席会议|领导小组办公室|领导小组|指挥部|人民政府办公厅|人民政府办公室|人民政府|政府办公室"
               r"|政府|办公厅|办公室|厅|局|委|办)")
_AGENCY = re.compile(rf"[{_CJK}]{{1,30}}{_AGENCY_END}")
_LETTERHEAD = re.compile(rf"^(?P<org>[{_CJK}]{{2,30}}{_AGENCY_END})文件$", re.MULTILINE)
_HEADING = re.compile(rf"^(?P<org>[{_CJK}]{{2,40}}?{_AGENCY_END})\n?(?:关于|{_ISSUE_VERB}《)", re.MULTILINE)
_SEAL = r"(?:[（(][^）)\n]{0,3}(?:代章|盖章|印章|章)[）)][ \t]*\n)?"
_SIGNATURE = re.compile(
    rf"^[ \t]*(?P<org>[{_CJK}]{{2,40}}{_AGENCY_END})[ \t]*\n{_SEAL}[ \t]*(?:{_DATE.pattern}|(?:19|20)\d{{6}}[ \t]*$)",
    re.MULTILINE)
_BREADCRUMB = re.compile(r"^[^\n]*(?:首页|位置)[^\n]*>[^\n]*$", re.MULTILINE)
_SHORT_FORMS = (("卫生健康委", "卫生健康委员会"), ("卫健委", "卫生健康委员会"),
                ("卫生计生委", "卫生和计划生育委员会"), ("区政府", "区人民政府"), ("县政府", "县人民政府"),
                ("市政府", "市人民政府"), ("省政府", "省人民政府"))
_LEVEL_CHAR = {"province": "省", "municipality": "市", "city": "市", "county": "区县"}


def _expand_agency(org: str, region: regions.Region | None) -> str:
    """Full official name: short suffixes spelled out, a bare 省/市/区 or a bare district
    name prefixed with its jurisdiction."""
    for short, full in _SHORT_FORMS:
        if org.endswith(short) and not org.endswith(full):
            org = org[: -len(short)] + full
            break
    if region is None:
        return org
    if org.startswith("自治区") and region.level == "province" and region.name.endswith("自治区"):
        org = region.name + org[3:]  # 自治区卫生健康委员会 → 新疆维吾尔自治区卫生健康委员会
    elif org[0] in "省市区县" and org[0] in _LEVEL_CHAR.get(region.level, ""):
        org = region.name + org[1:]
    elif region.level in _LEVEL_CHAR and org.startswith(region.name.removesuffix("市")) and not org.startswith(region.name):
        org = region.name + org[len(region.name) - 1:]  # 湖州卫生健康委 → 湖州市…
    names = regions.names_in(org[:12])
    if names and names[0] == region.name and region.level == "county" and region.parent in regions.MUNICIPALITIES:
        # Districts of the four municipalities carry the municipality in their official names
        # (上海市青浦区卫生健康委员会); other counties and cities go by their own name.
        org = region.parent + org
    return org


def _is_agency(value: str) -> str | None:
    m = _AGENCY.match(value)
    if not m or value in _config()["not_issuers"]:
        return None
    return m.group()


def _issuer_candidates(text: str, head: str, lines: list[str], fields: dict[str, list[str]],
                       title: str | None) -> list[str]:
    found = []
    m = _LETTERHEAD.search(head)
    if m:
        found.append(m.group("org"))
    for line in [*_field_values(fields, "title"), head]:
        m = _HEADING.search(line)
        if m:
            found.append(m.group("org"))
            break
    found += [m.group("org") for m in _SIGNATURE.finditer(text)]
    for value in _field_values(fields, "issuer"):
        org = _is_agency(value)
        if org:
            found.append(org)
    if title:
        # An agency inside a title (上海市卫生健康委员会2022年工作要点) must be named by its
        # jurisdiction; a bare 局/委 there is usually part of another word (布局).
        for m in _AGENCY.finditer(title):
            org = m.group()
            if org[0] in "省市区县" or regions.names_in(org[:8]) or _short_region(org):
                found.append(org)
                break
    for crumb in _BREADCRUMB.findall(head):
        for part in re.split(r">+|»", crumb):
            org = _is_agency(part.strip())
            if org and org == part.strip() and regions.names_in(org):
                found.append(org)
    return found


def _is_national(org: str | None) -> bool:
    return bool(org) and org.startswith(tuple(_config()["national_issuers"]))


def _infer_issuer(region: regions.Region, title: str | None) -> str | None:
    # Only a health plan's issuer can be guessed: the health commission of its government.
    # Counties and districts outside the municipalities call theirs 卫生健康局.
    if not title or "卫生健康" not in title:
        return None
    if region.level == "county":
        if region.parent in regions.MUNICIPALITIES:
            return f"{region.parent}{region.name}卫生健康委员会"
        return f"{region.name}卫生健康局"
    if region.level in ("province", "municipality", "city"):
        return f"{region.name}卫生健康委员会"
    return None

# ---------------------------------------------------------------- regions

_SPECIFICITY = {"province": 0, "municipality": 0, "city": 1, "county": 2}


@cache
def _top_surfaces() -> tuple[dict[str, list[regions.Region]], re.Pattern]:
    """Names and two-character-plus aliases of provinces and prefecture-level cities."""
    names: dict[str, list[regions.Region]] = {}
    for surface, found in regions.all_names(towns=False).items():
        tops = [r for r in found if r.level in ("province", "municipality", "city")]
        if tops and len(surface) >= 2:
            names[surface] = tops
    firsts = "".join(re.escape(ch) for ch in sorted({name[0] for name in names}))
    return names, re.compile(f"(?=[{firsts}]){alternation(names)}")  # a trie, behind a first-character class


def _mentioned_most(text: str) -> tuple[regions.Region | None, regions.Region | None]:
    """The province-level unit and the prefecture-level city the text names most."""
    names, scan = _top_surfaces()
    counts: Counter[regions.Region] = Counter()
    for m in scan.finditer(text):
        found = names[m.group()]
        if len(found) == 1:
            counts[found[0]] += 1
    province = next((r for r, _ in counts.most_common() if r.parent is None), None)
    city = next((r for r, _ in counts.most_common() if r.level == "city"
                 and (province is None or r.province == province.name)), None)
    return province, city


def _settle(options: list[regions.Region], home) -> tuple[regions.Region | None, list[regions.Region]]:
    """One division among several of the same name: the one inside a unit the text names;
    else the one with the larger parent (a district of a municipality, a provincial capital's).
    Returns it and the others that it might have been."""
    if len(options) <= 1:
        return (options[0] if options else None), []
    for unit in home():
        inside = [r for r in options if r.province == unit.name or r.parent == unit.name]
        if len(inside) == 1:
            return inside[0], []
    ranked = sorted(options, key=lambda r: (r.parent not in regions.MUNICIPALITIES, r.code or ""))
    return ranked[0], ranked[1:]


def _regions_named(s: str, home) -> tuple[list[regions.Region], list[regions.Region]]:
    """Divisions named in full in ``s``, each earlier one narrowing the next; and the doubts.
    ``home()``: the units the text names most, asked only when a name is ambiguous."""
    out: list[regions.Region] = []
    doubts: list[regions.Region] = []
    for name in regions.names_in(s):
        options = [r for r in regions.candidates(name) if r.level != "town"]
        if out:
            inside = [r for r in options if r.province == out[-1].province]
            options = inside or options
        region, others = _settle(options, home)
        if region is not None:
            out.append(region)
            doubts += others
    return out, doubts


def _healthy_x_region(s: str) -> regions.Region | None:
    """健康广东行动 / 健康青海 → the division named short inside a Healthy-X name."""
    for m in re.finditer(rf"健康(?=[{_CJK}]{{2}})", s):
        for n in (4, 3, 2):
            region = regions.lookup(s[m.end():m.end() + n])
            if region is not None and region.level != "town":
                return region
    return None


def _short_region(org: str) -> regions.Region | None:
    """湖州卫生健康委 → 湖州市: a division's short name opening an agency's name."""
    for n in (4, 3, 2):
        region = regions.lookup(org[:n])
        if region is not None and region.level in ("province", "municipality", "city", "county") and org[:n] != region.name:
            if org[n:n + 1] not in "省市区县":
                return region
    return None


def _number_region(doc_number: str | None, home: regions.Region | None) -> regions.Region | None:
    """浙卫发 → 浙江省 (a province's one-character 简称); 湖卫健发 → 湖州市, the one city of the
    province the text names whose short name starts with that character."""
    if not doc_number:
        return None
    first = doc_number[0]
    province = _province_abbreviations().get(first)
    if province:
        return regions.lookup(province)
    if home is None:
        return None
    names, _ = _top_surfaces()
    cities = {r for surface, found in names.items() if surface[0] == first
              for r in found if r.level == "city" and r.province == home.name}
    return next(iter(cities)) if len(cities) == 1 else None


def _first_full_body(text: str, home) -> regions.Region | None:
    """The division of the first body named in full in the text (青海省卫生健康委员会 …)."""
    for m in _AGENCY.finditer(text[:_HEAD_CHARS * 2]):
        found, _ = _regions_named(m.group(), home)
        if found:
            return max(found, key=lambda r: _SPECIFICITY[r.level])
    return None

# ---------------------------------------------------------------- main


def extract_metadata(doc: Document, structure: Structure) -> PlanMeta:
    text = doc.text
    outline = [s.start for s in (*structure.parts[:1], *structure.tasks[:1]) if s.kind != "paragraph"]
    body_start = min(outline, default=len(text))
    # The head (letterhead, transmittal, title) precedes the numbered body; a document with
    # no numbered body gets a bounded head so that headings deep inside are not titles.
    head = _head(doc, body_start if body_start < len(text) else _HEAD_CHARS)
    fields = _fields(head)
    lines = _joined_lines(head)
    meta = PlanMeta()

    title = _find_title(lines, head, fields)
    candidates = _issuer_candidates(text, head, lines, fields, title)
    meta.issued = _issued(text, head, fields)
    meta.doc_number = _doc_number(head, fields)

    counted: list = []

    def most() -> tuple:  # (province, city) the text names most: counted once, and only if asked
        if not counted:
            counted.append(_mentioned_most(text))
        return counted[0]

    def home() -> list[regions.Region]:
        return [r for r in most()[::-1] if r is not None]

    region, doubts = None, []
    # A central body's document is national even where its title names a province
    # (国家卫生健康委关于支持浙江省…的意见).
    national = candidates[0] if candidates and _is_national(candidates[0]) else None
    for s in (title, *candidates) if national is None else ():
        if s:
            found, doubts = _regions_named(s, home)
            if found:
                region = max(found, key=lambda r: _SPECIFICITY[r.level])
                break
    if national is None and region is None and meta.doc_number and meta.doc_number.startswith(
            _config()["national_number_prefix"]):
        national = candidates[0] if candidates else ""
    if region is None and national is None:
        region = (next(filter(None, (_healthy_x_region(s) or _short_region(s) for s in (title, *candidates) if s)), None)
                  or _number_region(meta.doc_number, most()[0]))
    if region is None and national is None and title and _healthy_x_region(title) is None and "健康中国" in title:
        national = ""
    if region is None and national is None:
        region = _fallback_region(candidates, *most(), text, home)

    meta.year, period, meta.summarised_year = _years(title, meta.issued)
    if meta.year is None:
        meta.year = _body_year(text, structure)
    meta.period = f"{period[0]}-{period[1]}" if period else None
    if title is None and meta.year and region and _looks_like_work_plan(text, structure):
        # No title is printed (a bare body), but the body is plainly the annual work plan of
        # the region's health administration: name it the way such plans are titled.
        title = f"{meta.year}年{region.name}卫生健康工作要点"
    meta.title = title
    meta.doc_type = doc_type_of(title)

    if candidates:
        meta.issuer = _expand_agency(candidates[0], region)
    elif region is not None:
        meta.issuer = _infer_issuer(region, title)

    if national is not None:
        meta.level = NATIONAL
        meta.region = _config()["country"]
    elif region is not None:
        meta.region = region.name
        meta.level = regions.plan_level(region)
        meta.province = region.province
        meta.parent_region = region.parent  # None for provinces and the four municipalities
        meta.region_code = region.code
        meta.region_doubt = [_full_name(r) for r in doubts if r.name == region.name] or None
    return meta


def _head(doc: Document, end: int) -> str:
    """``text[:end]`` with the line breaks back where the original had a blank line: a page's
    header row and the title under it are two lines even where normalising joined them."""
    import numpy as np

    end = min(end, len(doc.text))
    offsets = np.frombuffer(doc.offsets, dtype=np.int64)[: end + 1]
    gaps = np.flatnonzero(np.diff(offsets) > 2) + 1  # text[i] came from well after text[i-1]
    cuts = [int(i) for i in gaps if i < end and doc.text[i - 1] != "\n" and doc.text[i] != "\n"
            and doc.original.count("\n", int(offsets[i - 1]) + 1, int(offsets[i])) >= 2]
    if not cuts:
        return doc.text[:end]
    pieces, last = [], 0
    for i in cuts:
        pieces.append(doc.text[last:i])
        last = i
    pieces.append(doc.text[last:end])
    return "\n".join(pieces)


def _full_name(region: regions.Region) -> str:  # 长春市朝阳区
    return f"{region.parent or ''}{region.name}"


def _fallback_region(candidates: list[str], province, city, text: str, home) -> regions.Region | None:
    """Nothing names the jurisdiction in the head: a relative issuer (省卫生健康委, 市卫健委)
    belongs to the unit of its level the text names most; else that province or city; else the
    body the text first names in full."""
    first = candidates[0][0] if candidates else ""
    if candidates and candidates[0].startswith("自治区"):
        first = "省"  # an autonomous region is a province-level unit
    if first == "省" and province is not None and province.level == "province":
        return province
    if first == "市" and (city or (province if province and province.level == "municipality" else None)):
        return city or province
    if first and first in "区县":
        body = _first_full_body(text, home)
        return body if body is not None and body.level == "county" else None
    if first:
        return None
    return city or province or _first_full_body(text, home)


def _looks_like_work_plan(text: str, structure: Structure) -> bool:
    """Numbered parts and tasks, and an opening paragraph about the year's health work."""
    if len(structure.parts) < 2 or len(structure.tasks) < 3:
        return False
    opening = text[: structure.parts[0].start]
    return bool(re.match(r"\s*\d{4}年", opening)) and "卫生健康" in opening and "工作" in opening


def _issued(text: str, head: str, fields: dict[str, list[str]]) -> str | None:
    # A date on a line of its own, but not a field's value under its label (发布时间：\n2019年9月29日).
    signed = [m for m in _DATE_LINE.finditer(text) if not text[max(0, m.start() - 4):m.start()].rstrip("\n").endswith(("：", ":"))]
    candidates = [m for m in signed if not m.group("print")]  # signature, not 印发 (printing) date
    candidates += list(_EIGHT.finditer(head)) + list(_SPEECH_DATE.finditer(head))
    for value in _field_values(fields, "signed"):
        candidates += [m for m in (_ISO.search(value), _DATE.search(value)) if m]
    candidates += [m for m in signed if m.group("print")]
    for value in _field_values(fields, "posted"):  # when a website posted it: the last resort
        candidates += [m for m in (_ISO.search(value), _DATE.search(value)) if m]
    return next((iso for iso in map(_iso, candidates) if iso), None)


def _doc_number(head: str, fields: dict[str, list[str]]) -> str | None:
    for value in _field_values(fields, "number"):
        m = _DOC_NUMBER.search(value)
        if m:
            return m.group()
    for line in head.split("\n"):
        m = _DOC_NUMBER.search(line)
        # A number on a line of its own (letterhead) is this document's; one inside a
        # sentence cites another document.
        if m and len(line.strip()) - len(m.group()) <= 8:
            return m.group()
    return None
