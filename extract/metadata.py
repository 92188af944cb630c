"""Plan metadata: title, issuer, jurisdiction, year, issue date and document number.

Read from the normalised text (simplified, canonical punctuation, page-header fields kept
on their own lines: see ``normalise``). The sources, in order of trust:

* title: a standalone title line before the body (a line naming a year, period or region
  and ending in a document-type word: 要点, 规划, 计划, 方案, 总结, 纲要, 意见 …); else the
  document quoted in a transmittal (关于印发《X》的通知, 现将《X》印发); else, for a body that
  plainly is an annual work plan but prints no title, ``{year}年{region}卫生健康工作要点``.
* issuer: letterhead (X文件), signature (a name line above the date line), transmittal
  heading (X关于印发…), the page-header field 发布机构, an agency named in the title; short
  forms are expanded (省卫生健康委 → 浙江省卫生健康委员会, 青浦区… → 上海市青浦区…). If none
  is printed, a health plan's issuer is inferred from its region.
* region: the most specific division named in the title, else in the issuer; ambiguous
  county names are resolved towards the province the document mentions most.
* year: from the title (2022年, or the first year of a range/five-year period), else from a
  body sentence that opens with a year (2025年是…).
* issued: the signature date, else 公开日期/成文日期, else 发布日期 (a posting date).
* doc_number: 文号 field, else a number line such as 青卫健发〔2021〕1号 in the head.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import cache

from policykg.extract import regions
from policykg.extract.document import Document, PlanMeta, Structure

__all__ = ["extract_metadata"]

_CJK = "\u4e00-\u9fff"
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}

# ---------------------------------------------------------------- dates and numbers

_DATE = re.compile(
    r"(?P<y>\d{4}|[〇零○O一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
)
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DATE_LINE = re.compile(rf"^[ \t]*{_DATE.pattern}[ \t]*(?P<print>印发)?[ \t]*$", re.MULTILINE)
_DOC_NUMBER = re.compile(rf"[{_CJK}]{{1,10}}[〔\[【（(]\d{{4}}[〕\]】）)]第?\d{{1,4}}号")
_FIELD = re.compile(rf"^(?P<label>(?:[{_CJK}]){{2,6}})：(?P<value>[^\n]*)$", re.MULTILINE)


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


def _fields(text: str) -> dict[str, str]:
    """Page-header fields (发布机构：…, 文号：…), first occurrence of each label."""
    out: dict[str, str] = {}
    for m in _FIELD.finditer(text):
        out.setdefault(m.group("label"), m.group("value").strip())
    return out


# ---------------------------------------------------------------- titles

# A document-type word ends a title, optionally followed by a bracketed period.
_DOC_TYPE = r"(?:工作要点|要点|规划|计划|方案|总结|纲要|意见|安排|报告|办法|措施|细则|规定)"
_PERIOD = r"(?:（[^）\n]{2,24}）)?"
_TITLE_LINE = re.compile(
    rf"^(?:附件\d*：?)?(?P<title>[^\n。；！？：]{{2,80}}?{_DOC_TYPE}{_PERIOD})$", re.MULTILINE
)
_YEARISH = re.compile(r"\d{4}年|[〇零一二三四五六七八九]{4}年|十[一二三四五六七八九]?五|年度|\d{4}[-—–至]\d{4}")
_TRANSMITTAL = re.compile(rf"关于印发(?P<q>《)?(?P<title>[^\n《》]{{4,80}}?{_DOC_TYPE}{_PERIOD})(?(q)》)的通知")
_QUOTED_IN_LETTER = re.compile(rf"现将《(?P<title>[^\n《》]{{4,80}}?{_DOC_TYPE}{_PERIOD})》(?:印发|发给|转发)")
_ENUM_START = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d{1,3}[.、](?!\d))")


def _title_candidates(head: str) -> list[str]:
    out = []
    for m in _TITLE_LINE.finditer(head):
        title = m.group("title").strip()
        if _ENUM_START.match(title) or "关于" in title or "通知" in title:
            continue
        if _YEARISH.search(title) or regions.find_in(title):
            out.append(title)
    return out


def _find_title(text: str, head: str) -> str | None:
    lines = _title_candidates(head)
    if lines:
        # The attachment's own title line, right above the body, is the plan's title.
        return lines[-1]
    for pattern in (_TRANSMITTAL, _QUOTED_IN_LETTER):
        m = pattern.search(text)
        if m:
            return m.group("title")
    return None


# ---------------------------------------------------------------- years

_FIVE_YEAR = re.compile(r"十([一二三四五六七八九]?)五")


def _year_of(title: str | None) -> int | None:
    if not title:
        return None
    m = re.search(r"(\d{4})(?:[-—–至]\d{4})?年", title) or re.search(r"(\d{4})[-—–至]\d{4}", title)
    if m:
        return int(m.group(1))
    m = re.search(r"([〇零一二三四五六七八九]{4})年", title)
    if m:
        return _cn_number(m.group(1))
    m = _FIVE_YEAR.search(title)
    if m:
        # The n-th five-year plan starts in 1981 + 5 (n - 6) (六五 = 1981, 十四五 = 2021).
        n = 10 + (_CN_DIGITS[m.group(1)] if m.group(1) else 0)
        return 1981 + 5 * (n - 6)
    return None


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


# ---------------------------------------------------------------- issuers

_AGENCY_END = r"(?:卫生健康委员会|卫生和计划生育委员会|卫生计生委|卫生健康委|卫健委|卫生健康局|卫生局|委员会|人民政府|政府|办公厅|办公室|厅|局|委)"
_AGENCY = re.compile(rf"[{_CJK}]{{1,24}}{_AGENCY_END}")
_LETTERHEAD = re.compile(rf"^(?P<org>[{_CJK}]{{2,30}}{_AGENCY_END})文件$", re.MULTILINE)
_SIGNATURE = re.compile(rf"^(?P<org>[{_CJK}]{{2,30}}{_AGENCY_END})\n{_DATE.pattern}", re.MULTILINE)
_HEADING = re.compile(rf"^(?P<org>[{_CJK}]{{2,30}}?{_AGENCY_END})\n?关于", re.MULTILINE)
_SHORT_FORMS = (("卫生健康委", "卫生健康委员会"), ("卫健委", "卫生健康委员会"),
                ("卫生计生委", "卫生和计划生育委员会"))
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
    if org[0] in "省市区县" and org[0] in _LEVEL_CHAR.get(region.level, ""):
        org = region.name + org[1:]
    named = regions.find_in(org, within=region.province)
    # Districts of the four municipalities carry the municipality in their official names
    # (上海市青浦区卫生健康委员会); other counties and cities go by their own name.
    if named and named[0].level == "county" and named[0].parent in regions.MUNICIPALITIES:
        org = named[0].parent + org
    return org


def _issuer_candidates(text: str, head: str, fields: dict[str, str], title: str | None) -> list[str]:
    found = []
    for pattern in (_LETTERHEAD, _HEADING):
        m = pattern.search(head)
        if m:
            found.append(m.group("org"))
    found += [m.group("org") for m in _SIGNATURE.finditer(text)]
    if fields.get("发布机构"):
        m = _AGENCY.match(fields["发布机构"])
        if m:
            found.append(m.group())
    if title:
        # An agency inside a title (上海市卫生健康委员会2022年工作要点) must be named by its
        # jurisdiction; a bare 局/委 there is usually part of another word (布局).
        for m in _AGENCY.finditer(title):
            org = m.group()
            if org[0] in "省市区县" or regions.find_in(org[:6]):
                found.append(org)
                break
    return found


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

def _home_province(text: str) -> str | None:
    """The province-level unit the document mentions most (by full name or alias)."""
    names, scan = _province_surfaces()
    # One regex pass finds the few provinces present; only those are counted exactly.
    present = {names[m.group()] for m in scan.finditer(text)}
    counts: Counter[str] = Counter()
    for p in regions.provinces():
        if p.name in present:
            counts[p.name] = sum(text.count(s) for s in (p.name, *p.aliases) if len(s) >= 2)
    if not counts:
        return None
    name, n = counts.most_common(1)[0]
    return name if n else None


@cache
def _province_surfaces() -> tuple[dict[str, str], re.Pattern]:
    names = {s: p.name for p in regions.provinces() for s in (p.name, *p.aliases) if len(s) >= 2}
    return names, re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))


def _region_from(strings: list[str | None], home: str | None) -> regions.Region | None:
    for s in strings:
        if not s:
            continue
        found = [r for r in regions.find_in(s, within=home) if r.level != "town"]
        if found:
            return max(found, key=lambda r: _SPECIFICITY[r.level])
    return None


_SPECIFICITY = {"province": 0, "municipality": 0, "city": 1, "county": 2}


# ---------------------------------------------------------------- main

def extract_metadata(doc: Document, structure: Structure) -> PlanMeta:
    text = doc.text
    body_start = structure.parts[0].start if structure.parts else (
        structure.tasks[0].start if structure.tasks else len(text))
    # The head (letterhead, transmittal, title) precedes the numbered body; a document with
    # no numbered body gets a bounded head so that headings deep inside are not titles.
    head = text[: body_start if body_start < len(text) else 1500]
    fields = _fields(head)
    meta = PlanMeta()

    title = _find_title(text, head)
    home = _home_province(text)
    candidates = _issuer_candidates(text, head, fields, title)
    region = _region_from([title, *candidates], home)
    if region is None and home and candidates and candidates[0][0] in "省市":
        # 省卫生健康委员会 / 市卫健委 with no region named anywhere else: the province-level
        # unit the text keeps mentioning is the jurisdiction.
        top = regions.lookup(home)
        if top is not None and (candidates[0][0] == "省") == (top.level == "province"):
            region = top

    meta.year = _year_of(title) or _body_year(text, structure)
    if title is None and meta.year and region and _looks_like_work_plan(text, structure):
        # No title is printed (a bare body), but the body is plainly the annual work plan of
        # the region's health administration: name it the way such plans are titled.
        title = f"{meta.year}年{region.name}卫生健康工作要点"
    meta.title = title

    if candidates:
        meta.issuer = _expand_agency(candidates[0], region)
    elif region is not None:
        meta.issuer = _infer_issuer(region, title)

    if region is not None:
        meta.region = region.name
        meta.level = regions.plan_level(region)
        meta.province = region.province
        meta.parent_region = region.parent  # None for provinces and the four municipalities
        meta.region_code = region.code

    meta.issued = _issued(text, fields)
    meta.doc_number = _doc_number(head, fields)
    return meta


def _looks_like_work_plan(text: str, structure: Structure) -> bool:
    """Numbered parts and tasks, and an opening paragraph about the year's health work."""
    if len(structure.parts) < 2 or len(structure.tasks) < 3:
        return False
    opening = text[: structure.parts[0].start]
    return bool(re.match(r"\s*\d{4}年", opening)) and "卫生健康" in opening and "工作" in opening


def _issued(text: str, fields: dict[str, str]) -> str | None:
    signed = list(_DATE_LINE.finditer(text))
    candidates = [m for m in signed if not m.group("print")]  # signature, not 印发 (printing) date
    for label in ("公开日期", "成文日期", "发文日期", "印发日期"):
        candidates += [m for m in (_ISO.search(fields.get(label, "")), _DATE.search(fields.get(label, ""))) if m]
    candidates += [m for m in signed if m.group("print")]
    for label in ("发布日期", "发布时间"):  # when a website posted it: the last resort
        candidates += [m for m in (_ISO.search(fields.get(label, "")), _DATE.search(fields.get(label, ""))) if m]
    return next((iso for iso in map(_iso, candidates) if iso), None)


def _doc_number(head: str, fields: dict[str, str]) -> str | None:
    for label in ("文号", "发文字号", "发文号"):
        m = _DOC_NUMBER.search(fields.get(label, ""))
        if m:
            return m.group()
    for line in head.split("\n"):
        m = _DOC_NUMBER.search(line)
        # A number on a line of its own (letterhead) is this document's; one inside a
        # sentence cites another document.
        if m and len(line.strip()) - len(m.group()) <= 8:
            return m.group()
    return None
