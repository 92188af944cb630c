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
from policykg.extract.document import Document, PlanMeta, Structure
from policykg.extract.header import (
    CJK,
    DATE,
    DATE_LINE,
    DOC_NUMBER,
    EIGHT,
    ISO,
    ISSUE_VERB,
    SPEECH_DATE,
    body_year,
    config,
    doc_type_of,
    field_values,
    find_title,
    header_fields,
    healthy_x_region,
    iso,
    joined_lines,
    title_years,
)

__all__ = ["extract_metadata", "doc_type_of", "NATIONAL"]

NATIONAL = "national"
_HEAD_CHARS = 1500  # how far a document without a numbered body is read for its head



# ---------------------------------------------------------------- issuers

_AGENCY_END = (r"(?:卫生健康委员会|卫生和计划生育委员会|卫生计生委|卫生健康委|卫健委|卫生健康局|卫生局|委员会办公室|委员会"
               r"|联席会议办公室|联席会议|领导小组办公室|领导小组|指挥部|人民政府办公厅|人民政府办公室|人民政府|政府办公室"
               r"|政府|办公厅|办公室|厅|局|委|办)")
_AGENCY = re.compile(rf"[{CJK}]{{1,30}}{_AGENCY_END}")
_LETTERHEAD = re.compile(rf"^(?P<org>[{CJK}]{{2,30}}{_AGENCY_END})文件$", re.MULTILINE)
_HEADING = re.compile(rf"^(?P<org>[{CJK}]{{2,40}}?{_AGENCY_END})\n?(?:关于|{ISSUE_VERB}《)", re.MULTILINE)
_SEAL = r"(?:[（(][^）)\n]{0,3}(?:代章|盖章|印章|章)[）)][ \t]*\n)?"
_SIGNATURE = re.compile(
    rf"^[ \t]*(?P<org>[{CJK}]{{2,40}}{_AGENCY_END})[ \t]*\n{_SEAL}[ \t]*(?:{DATE.pattern}|(?:19|20)\d{{6}}[ \t]*$)",
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
    if not m or value in config()["not_issuers"]:
        return None
    return m.group()


def _issuer_candidates(text: str, head: str, lines: list[str], fields: dict[str, list[str]],
                       title: str | None) -> list[str]:
    found = []
    m = _LETTERHEAD.search(head)
    if m:
        found.append(m.group("org"))
    for line in [*field_values(fields, "title"), head]:
        m = _HEADING.search(line)
        if m:
            found.append(m.group("org"))
            break
    found += [m.group("org") for m in _SIGNATURE.finditer(text)]
    for value in field_values(fields, "issuer"):
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
    return org is not None and org.startswith(tuple(config()["national_issuers"]))


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
    province = regions.province_abbreviations().get(first)
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
    fields = header_fields(head)
    lines = joined_lines(head)
    meta = PlanMeta()

    title = find_title(lines, head, fields)
    candidates = _issuer_candidates(text, head, lines, fields, title)
    meta.issued = _issued(text, head, fields)
    meta.doc_number = _doc_number(head, fields)

    counted: list = []

    def most() -> tuple[regions.Region | None, regions.Region | None]:  # (province, city) the text names most: counted once, and only if asked
        if not counted:
            counted.append(_mentioned_most(text))
        return counted[0]

    def home() -> list[regions.Region]:
        return [r for r in most()[::-1] if r is not None]

    region: regions.Region | None = None
    doubts: list[regions.Region] = []
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
            config()["national_number_prefix"]):
        national = candidates[0] if candidates else ""
    if region is None and national is None:
        region = (next(filter(None, (healthy_x_region(s) or _short_region(s) for s in (title, *candidates) if s)), None)
                  or _number_region(meta.doc_number, most()[0]))
    if region is None and national is None and title and healthy_x_region(title) is None and "健康中国" in title:
        national = ""
    if region is None and national is None:
        region = _fallback_region(candidates, *most(), text, home)

    meta.year, period, meta.summarised_year = title_years(title, meta.issued)
    if meta.year is None:
        meta.year = body_year(text, structure)
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
        meta.region = config()["country"]
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
    offsets = np.frombuffer(doc.offsets, dtype=np.intc)[: end + 1]
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
    signed = [m for m in DATE_LINE.finditer(text) if not text[max(0, m.start() - 4):m.start()].rstrip("\n").endswith(("：", ":"))]
    candidates = [m for m in signed if not m.group("print")]  # signature, not 印发 (printing) date
    candidates += list(EIGHT.finditer(head)) + list(SPEECH_DATE.finditer(head))
    for value in field_values(fields, "signed"):
        candidates += [m for m in (ISO.search(value), DATE.search(value)) if m]
    candidates += [m for m in signed if m.group("print")]
    for value in field_values(fields, "posted"):  # when a website posted it: the last resort
        candidates += [m for m in (ISO.search(value), DATE.search(value)) if m]
    return next((iso for iso in map(iso, candidates) if iso), None)


def _doc_number(head: str, fields: dict[str, list[str]]) -> str | None:
    for value in field_values(fields, "number"):
        m = DOC_NUMBER.search(value)
        if m:
            return m.group()
    for line in head.split("\n"):
        m = DOC_NUMBER.search(line)
        # A number on a line of its own (letterhead) is this document's; one inside a
        # sentence cites another document.
        if m and len(line.strip()) - len(m.group()) <= 8:
            return m.group()
    return None
