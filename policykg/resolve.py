"""Mentions → entities: one node per real-world thing.

Every canonical name is simplified Chinese with ASCII parentheses and hyphens. A merge records
the rule that made it (``Entity.rules``) so a user can ask why two surfaces became one node.
Relative references (区疾控中心, 市卫健委, 本市) are scoped to the plan's jurisdiction.

Rules (the name recorded in ``Entity.rules``), in the order ``canonical`` tries them:

- ``surface``: nothing allowed an expansion; the canonical is the cleaned surface.
- ``repeat``: a doubled word is a typo (工作工作人员 → 工作人员, …试点工作试点 → …试点).
- ``synonym``: a whole-name synonym from ``data/aliases.yml`` or a grouping alias from
  ``data/groupings.yml`` (长三角地区 → 长三角).
- ``pattern:<name>``: a pattern rule of ``aliases.yml`` (市六院 → 上海市第六人民医院,
  国家卫生区 → 国家卫生城镇创建, “5.15”国际家庭日 → 国际家庭日).
- ``quoted-name``: a quoted name with a generic head (“智慧卫监”系统建设项目 → 智慧卫监).
- ``healthy-x``: every Healthy-X form (健康上海, 健康上海建设, 新一轮健康上海行动专项项目) → 健康上海行动.
- ``division``: a region of the dataset, in full (青浦 → 上海市青浦区); ``region-list``: a list of
  abbreviated members (沪港澳, 苏浙皖三省, 青-吴-嘉) → their names joined with 、.
- ``abbreviation``: an abbreviated head expanded (卫健委 → 卫生健康委员会).
- ``jurisdiction``: a relative or bare name scoped to the plan (区疾控中心, 监督所, 市级…,
  青浦区中医医院 → 上海市青浦区中医医院); ``town``: a town-prefixed hospital gets its district;
  ``city-hospital``: a bare ordinal or specialty hospital is the municipality's.
- ``branch-short``: X青浦分院 → X医院青浦分院.
- ``designation-context`` (per plan): 综合医改试点 next to 综合医改试点省份 is that designation.
- ``teaching-hospital``: a teaching hospital's short name in its province (中山医院, 仁济,
  中山医院青浦分院 → 复旦大学附属中山医院…), from ``teaching_hospitals`` in ``aliases.yml``.
- ``university``: a well-known university abbreviation (复旦儿科医院 → 复旦大学附属儿科医院).
- ``campaign-years``: a recurring campaign drops its leading years (2025-2027年X服务年 → X服务年).
- ``edition-by-year`` (corpus): 第五轮X in a 2021 plan → the corpus's {city}X(2020-2022年).
- ``edition-context`` (per plan): a bare series name (进博会) in a plan that names exactly one
  edition of it (第五届进博会) is that edition.
- ``shared-head`` (per plan): quoted names in a run share its leading word and head
  (中医药“A”“B”项目 → 中医药“A”项目, 中医药“B”项目); ``issuer`` (per plan): a 关于 title cited
  right after its issuers is named with them (中共中央国务院关于X的意见).
- ``variant`` (corpus): “X”系列活动 joins “X”活动 when both occur.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

from policykg.extract import regions
from policykg.extract.components import Boundaries, load_lexicon, safe_load_yaml
from policykg.extract.document import Entity, ExtractedPlan, Mention, PlanMeta

_WRAP = {"《": "》", "“": "”", '"': '"', "「": "」", "‘": "’", "〈": "〉"}
_DASH = re.compile("[\u2010-\u2015\u2212\uff0d~～]")
_HEALTHY_X = re.compile(r"^(?:新一轮)?健康(?P<x>[\u4e00-\u9fff]{2,4}?)(?:[0-9]+项|“?[0-9一二三四五六七八九十]+大)?(?:建设行动|行动|建设)?”?(?:专项项目)?(?:\([0-9-]+年?\))?$")
_REPEAT = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
_REPEAT_TAIL = re.compile(r"(试点|项目|工程|行动)工作\1$")  # 管理试点工作试点: a doubled head
_CLAUSE_END = re.compile(r"[，。；;！？!?：:,\n]")
_EDITION = re.compile(r"^第[0-9一二三四五六七八九十百]+届(?P<series>.+)$")
_ROUND = re.compile(r"^(?P<pre>.*?)(?:第[0-9一二三四五六七八九十]+轮|新一轮)(?P<rest>.+?(?:行动计划|行动|计划|规划|方案))(?:\([0-9-]+年?\))?$")
_YEARS = re.compile(r"^(?P<base>.+?(?:行动计划|行动|计划|规划|方案))\([0-9]{4}-[0-9]{4}年?\)$")
_BRANCH = re.compile(r"^(?P<parent>.+?(?:医院|保健院|医学中心|中心))(?P<place>[\u4e00-\u9fff]{2,6}?)(?P<kind>分院|院区)$")
_PLACE_PREFIXES = ("区域", "区级", "市场", "市民", "市级", "省级", "县级", "县域", "市区", "区县")


@cache
def aliases() -> dict:
    path = resources.files("policykg") / "data" / "aliases.yml"
    return safe_load_yaml(path.read_text(encoding="utf-8"))


@cache
def groupings() -> dict:
    path = resources.files("policykg") / "data" / "groupings.yml"
    return safe_load_yaml(path.read_text(encoding="utf-8"))


@cache
def _grouping_synonyms() -> dict[str, str]:
    out = {}
    for name, spec in groupings()["groupings"].items():
        for alias in spec.get("aliases") or ():
            out[alias] = name
    return out


@cache
def _patterns() -> dict[str, list[tuple[re.Pattern, str, str]]]:
    return {label: [(re.compile(p["match"]), p["canonical"], p["rule"]) for p in items]
            for label, items in (aliases().get("patterns") or {}).items()}


@cache
def _city_hospital() -> tuple[re.Pattern, frozenset]:
    spec = aliases()["city_hospitals"]
    return re.compile(spec["ordinal"]), frozenset(spec["kinds"])


@cache
def _quoted_head() -> re.Pattern:
    heads = sorted(aliases()["quoted_heads"], key=len, reverse=True)
    n = int(aliases().get("quoted_head_descriptor", 4))
    descriptor = rf"[\u4e00-\u9fff]{{0,{n}}}"
    alternatives = "|".join(re.escape(h) if h != "品牌" else descriptor + "品牌" for h in heads)
    return re.compile(rf"^[\u4e00-\u9fff]{{0,2}}“(?P<core>[^“”]{{2,20}})”(?:{alternatives})$")


def clean(surface: str, wrappers: dict[str, str] = _WRAP) -> str:
    """Wrapping quotes off, full-width forms to ASCII, dashes unified, spaces dropped."""
    s = surface.strip()
    while len(s) > 1 and wrappers.get(s[0]) == s[-1]:
        s = s[1:-1].strip()
    s = unicodedata.normalize("NFKC", s)
    s = _DASH.sub("-", s)
    return re.sub(r"\s+", "", s)


@dataclass(slots=True)
class Jurisdiction:
    """Where a plan's relative references point: 区 → its district, 市 → its city, 省 → province."""

    district: str | None  # full prefix, e.g. 上海市青浦区
    city: str | None  # 上海市, 杭州市
    province: str | None  # 浙江省, 上海市
    local: str | None = None  # the district as the dataset names it: 青浦区

    @classmethod
    def of(cls, meta: PlanMeta) -> "Jurisdiction":
        if meta.level == "national":  # 省卫健委 in a national document is no one province's
            return cls(district=None, city=None, province=None)
        province = meta.province or (meta.region if meta.level in ("province", "municipality") and not meta.parent_region else None)
        if meta.level == "district":
            city = meta.parent_region
            prefix = city if city == province else f"{province or ''}{city or ''}"
            return cls(district=f"{prefix}{meta.region}", city=city, province=province, local=meta.region)
        if meta.level == "municipality":
            return cls(district=None, city=meta.region, province=province or meta.region)
        return cls(district=None, city=None, province=meta.region)

    def expand(self, prefix: str) -> str | None:
        return {"区": self.district, "县": self.district, "市": self.city, "省": self.province}.get(prefix)

    @property
    def own(self) -> str | None:
        return self.district or self.city or self.province


def canonical(label: str, norm: str, where: Jurisdiction) -> tuple[str, str]:
    """The canonical name of a mention and the rule that produced it."""
    name = clean(norm)
    rule = "surface"
    deduped = _REPEAT_TAIL.sub(r"\1", _REPEAT.sub(r"\1", name))
    if deduped != name:
        name, rule = deduped, "repeat"
    data = aliases()
    synonym = data["synonyms"].get(label, {}).get(name)
    if synonym:
        return synonym, "synonym"
    if label == "Region" and name in groupings()["groupings"]:
        return name, "grouping"
    if label == "Region" and name in _grouping_synonyms():
        return _grouping_synonyms()[name], "synonym"
    for pattern, template, pattern_rule in _patterns().get(label, ()):
        m = pattern.match(name)
        if m:
            fill = {"city": where.city, "province": where.province, "district": where.district,
                    "city_short": (where.city or "").removesuffix("市") or None, **m.groupdict()}
            needed = re.findall(r"{(\w+)}", template)
            if all(fill.get(k) for k in needed):
                return template.format(**fill), f"pattern:{pattern_rule}"
    if label == "Hospital":
        teaching = _teaching_hospital(name, where)
        if teaching:
            return teaching, "teaching-hospital"
    if label in ("Organization", "Hospital"):
        university = _university(name, where)
        if university:
            return university, "university"
    if label == "Program":
        years = _LEADING_YEARS.match(name)
        if years:
            name, rule = years.group("x"), "campaign-years"
        for level in ("市级", "省级", "区级"):
            if name.startswith(level) and where.expand(level[0]) and len(name) > 4:
                return f"{where.expand(level[0])}{name[2:]}", "jurisdiction"
        for modifier in data.get("program_modifiers") or ():
            if name.startswith(modifier) and len(name) - len(modifier) >= 4:
                name, rule = name[len(modifier):], "modifier"
                break
        m = _quoted_head().match(name)
        if m:
            return m.group("core"), "quoted-name"
        m = _HEALTHY_X.match(name)
        if m and (m.group("x") == "中国" or regions.lookup(m.group("x"))):
            return f"健康{m.group('x')}行动", "healthy-x"
    if label == "Region":
        region = regions.lookup(name, within=where.province)
        if region:
            return full_name(region), "division"
        listed = region_list(name)
        if listed:
            return listed, "region-list"
        return name, rule
    if label == "Regulation":
        m = _ROUND.match(name)
        if m and not m.group("pre") and where.district is None and where.city:
            return f"{where.city}{name}", "jurisdiction"
        return name, rule
    if label in ("Agency", "Hospital", "Event", "Organization"):
        heads = data["heads"].get(label, {})
        for short in sorted(heads, key=len, reverse=True):
            if name.endswith(short) and not name.endswith(heads[short]):
                name, rule = name[: -len(short)] + heads[short], "abbreviation"
                break
    if label in ("Agency", "Hospital", "Organization"):
        scoped = _scope(label, name, where)
        if scoped:
            return scoped
    return name, rule


_LEADING_YEARS = re.compile(r"^[0-9]{4}-[0-9]{4}年(?P<x>[\u4e00-\u9fff].{3,})$")


def _university(name: str, where: Jurisdiction) -> str | None:
    """复旦 → 复旦大学; 复旦儿科医院 → 复旦大学附属儿科医院; 交大公共卫生学院 → 上海交通大学公共卫生学院."""
    table = aliases().get("universities") or {}
    for short in sorted(table, key=len, reverse=True):
        if not name.startswith(short) or name.startswith(short + "学") or name.startswith(short + "大学"):
            continue
        full = table[short]
        if isinstance(full, dict):
            full = full.get(where.province or "")
        if not full:
            continue
        rest = name[len(short):]
        if not rest:
            return full
        if rest.endswith(("医院", "院区", "分院")) and not rest.startswith("附属"):
            return f"{full}附属{rest}"
        if rest.endswith(("学院", "研究院", "研究所", "中心")):
            return f"{full}{rest}"
    return None


@cache
def _teaching_hospitals(province: str) -> dict[str, str]:
    """Short form or own name → official name, for the teaching hospitals of one province.

    A hospital's own name counts as a short form unless it names a kind or an ordinal that
    other hospitals share (第一医院, 儿童医院, 人民医院).
    """
    ordinal, kinds = _city_hospital()
    table = (aliases().get("teaching_hospitals") or {}).get(province) or {}
    names = [(owner, own, shorts) for owner, hospitals in table.items() for own, shorts in hospitals.items()]
    own_count = Counter(own for _, own, _ in names)
    out = {}
    for owner, own, shorts in names:
        full = owner + own
        forms = list(shorts or ())
        if own_count[own] == 1 and own not in kinds and not ordinal.match(own) and own not in ("人民医院", "中心医院"):
            forms.append(own)
        for form in forms:
            out.setdefault(form, full)
    return out


def _teaching_hospital(name: str, where: Jurisdiction) -> str | None:
    """中山医院 → 复旦大学附属中山医院; 中山医院X分院 → 复旦大学附属中山医院X分院 (in its province)."""
    table = _teaching_hospitals(where.province or "")
    if not table:
        return None
    if name in table:
        return table[name]
    branch = _BRANCH.match(name) or _BRANCH.match(_branch_short(name, where) or "")
    if branch and branch.group("parent") in table:
        return table[branch.group("parent")] + branch.group("place") + branch.group("kind")
    return None


def _scope(label: str, name: str, where: Jurisdiction) -> tuple[str, str] | None:
    """Relative and bare names of a plan's own bodies, with the plan's jurisdiction in front."""
    bare = aliases()["jurisdictional"].get(label, {})
    if where.own and (name in bare or name in bare.values()):
        return f"{where.own}{bare.get(name, name)}", "jurisdiction"
    for level in ("市级", "省级", "区级", "县级"):
        if name.startswith(level) and where.expand(level[0]) and len(name) > 2:
            return f"{where.expand(level[0])}{name[2:]}", "jurisdiction"
    if name[0] in "省市区县" and where.expand(name[0]) and not name.startswith(_PLACE_PREFIXES):
        return f"{where.expand(name[0])}{name[1:]}", "jurisdiction"
    region = _leading_region(name, where)
    if region:
        return region, "jurisdiction"
    if label == "Hospital":
        branch = _branch_short(name, where)
        if branch:
            return branch, "branch-short"
        town = _town_prefixed(name, where)
        if town:
            return town, "town"
        ordinal, kinds = _city_hospital()
        if where.city and (name in kinds or ordinal.match(name)):
            return f"{where.city}{name}", "city-hospital"
    return None


def _leading_region(name: str, where: Jurisdiction) -> str | None:
    """青浦区中医医院 → 上海市青浦区中医医院: a county-level prefix gets its parents."""
    for size in (3, 4, 2, 5):
        head = name[:size]
        region = regions.lookup(head, within=where.province)
        if region and region.level == "county" and head == region.name:
            full = full_name(region)
            if full != head:
                return full + name[size:]
    return None


_TOWN_HOSPITAL = ("医院", "社区卫生服务中心", "卫生院")


def _town_prefixed(name: str, where: Jurisdiction) -> str | None:
    """A hospital named after a town of the plan's district: 朱家角人民医院 → 上海市青浦区朱家角人民医院.

    Community health centres carry the town's full name (大场第三社区卫生服务中心 →
    …大场镇第三社区卫生服务中心); service stations (…服务站) are left alone.
    """
    if not (where.district and where.local) or not name.endswith(_TOWN_HOSPITAL):
        return None
    for size in (4, 3, 2):
        head, rest = name[:size], name[size:]
        if len(rest) < 2:
            continue
        if head.endswith(("镇", "乡", "街道")):
            town = regions.lookup(head, within=where.local)
            if town and town.level == "town" and town.parent == where.local:
                return f"{where.district}{name}"
            continue
        for suffix in ("镇", "乡", "街道"):
            town = regions.lookup(head + suffix, within=where.local)
            if town and town.level == "town" and town.parent == where.local:
                insert = suffix if suffix != "街道" and "社区卫生服务中心" in rest else ""
                return f"{where.district}{head}{insert}{rest}"
    return None


def _branch_short(name: str, where: Jurisdiction) -> str | None:
    """X青浦分院 → X医院青浦分院: a branch named after a county-level place, hospital word left out."""
    for kind in ("分院", "院区"):
        if not name.endswith(kind):
            continue
        stem = name[: -len(kind)]
        for size in (2, 3):
            place = stem[-size:]
            parent = stem[:-size]
            if len(parent) < 2 or parent.endswith(("院", "中心")):
                continue
            region = regions.lookup(place, within=where.province)
            if region and region.level in ("county", "city"):
                return f"{parent}医院{place}{kind}"
    return None


def region_list(name: str) -> str | None:
    """沪港澳 → 上海市、香港特别行政区、澳门特别行政区; 青-吴-嘉 → members of the grouping they abbreviate."""
    core = re.sub(r"(?:[两三四五六七八九十]省[一二三四]?市?|[两三四五六七八九十]地|地区|区域)$", "", name)
    chars = [c for c in re.split(r"[-、·]", core) if c]
    if len(chars) == 1:
        chars = list(chars[0])
    if len(chars) < 2 or any(len(c) != 1 for c in chars):
        return None
    for spec in groupings()["groupings"].values():
        members = [m for m in spec["members"]]
        short = [_dataset_name(m) for m in members]
        picked = []
        for c in chars:
            hits = [s for s in short if s.startswith(c)]
            if len(hits) != 1:
                break
            picked.append(hits[0])
        else:
            if len(set(picked)) == len(picked):
                return "、".join(picked)
    abbreviations = groupings()["province_abbreviations"]
    if all(c in abbreviations for c in chars):
        return "、".join(abbreviations[c] for c in chars)
    return None


@cache
def _dataset_name(full: str) -> str:
    """上海市青浦区 → 青浦区 (the dataset's own name of a canonical region name)."""
    for i in range(len(full) - 1):
        region = regions.lookup(full[i:], within=full[:i] or None)
        if region is not None and full_name(region) == full:
            return region.name
    return full


def full_name(region: "regions.Region") -> str:
    """The name a plan would print in full: 上海市青浦区, 苏州市吴江区, 上海市奉贤区青村镇."""
    if region.level in ("province", "city", "municipality"):
        return region.name
    chain = [r.name for r in regions.parents(region) if r.level != "province" or r.name.endswith("市")]
    names = list(dict.fromkeys(chain[::-1] + [region.name])) if chain else [region.name]
    return "".join(names[-3:] if region.level == "town" else names[-2:])


def entity_id(label: str, name: str) -> str:
    return f"{label}:{name}"


def series_of(label: str, name: str) -> str | None:
    """The series an edition belongs to: 第五届中国国际进口博览会 → 中国国际进口博览会;
    第五轮加强公共卫生体系建设三年行动计划 and 上海市加强…三年行动计划(2020-2022年) → …三年行动计划."""
    if label == "Event":
        m = _EDITION.match(name)
        return m.group("series") if m else None
    if label == "Regulation":
        m = _ROUND.match(name)
        if m:
            return m.group("pre") + m.group("rest")
        m = _YEARS.match(name)
        if m and "三年行动计划" in name:
            return m.group("base")
    return None


def resolve(plans: list[ExtractedPlan]) -> dict[str, Entity]:
    """Give every mention its canonical name and entity id; return the entities by id."""
    named: list[tuple[Mention, str, str]] = []
    for plan in plans:
        where = Jurisdiction.of(plan.meta)
        mine = []
        for mention in plan.mentions:
            if mention.label == "Plan":
                name, rule = clean(mention.norm), "plan-title"
            else:
                name, rule = canonical(mention.label, mention.norm, where)
            mine.append((mention, name, rule))
        mine = _own_prefix(plan, where, mine)
        mine = _designation_context(_edition_context(_issuers(plan, _shared_head(plan, mine))))
        _mark_implements(plan)
        named.extend(mine)
    named = _edition_by_year(_variants(named), plans)
    entities: dict[str, Entity] = {}
    for mention, name, rule in named:
        _attach(mention, name, rule, entities)
    return entities


_OWN = {"本市": "city", "本省": "province"}  # 全市/全省 mean "city-wide", not "the city's"
_OWN_HEADS = re.compile(r"(?:行动|计划|规划|方案|项目|工程|条例|办法|意见)(?:\([0-9-]+年?\))?$")
_NATIONAL = ("国家", "全国", "中国", "中华人民共和国", "中共中央", "国务院")


def _norm_span(plan: ExtractedPlan, m: Mention) -> tuple[int, int]:
    """A mention's offsets in the normalised text."""
    offsets = plan.document.offsets
    i = bisect.bisect_left(offsets, m.start, 0, max(0, len(offsets) - 1))
    return i, i + len(m.norm)


def _before(plan: ExtractedPlan, m: Mention, n: int) -> str:
    """Up to ``n`` characters of normalised text before a mention, within its sentence."""
    i = _norm_span(plan, m)[0]
    sentences = plan.structure.sentences
    lo = sentences[m.sentence].start if 0 <= m.sentence < len(sentences) else 0
    return plan.document.text[max(lo, i - n):i]


def _issuers(plan: ExtractedPlan, named: list[tuple[Mention, str, str]]):
    """中共中央、国务院《关于X的意见》: a 关于 title cited right after its issuers is named with them
    (中共中央国务院关于X的意见), as the issuers head the official title."""
    agencies = {m.end: m for m in plan.mentions if m.label == "Agency"}
    original = plan.document.original
    out = []
    for m, name, rule in named:
        if m.label == "Regulation" and name.startswith("关于"):
            issuers, pos = [], m.start - (1 if m.start and original[m.start - 1] in "《〈" else 0)
            while pos in agencies or (original[pos - 1:pos] == "、" and pos - 1 in agencies):
                agency = agencies.get(pos) or agencies[pos - 1]
                issuers.insert(0, clean(agency.norm))
                pos = agency.start
            if issuers:
                out.append((m, "".join(issuers) + name, "issuer"))
                continue
        out.append((m, name, rule))
    return out


_PROGRAM_HEADS = re.compile(r"项目|工程|行动|活动|计划|专项")


def _quotation_run(text: str, start: int, end: int) -> tuple[int, int, int, str] | None:
    """The run of adjacent quotations (“A”“B”、“C”) around the quoted name at text[start:end]:
    (its first “, the end of its last ”, how many quotations, the name's own quoted text)."""
    lo = start - 1 if text[start - 1:start] == "“" else start
    if text[lo:lo + 1] != "“":
        return None
    close = text.find("”", lo)
    if close < 0 or close > end:
        return None
    core, hi, items = text[lo + 1:close], close + 1, 1
    while True:  # quotations before it
        gap = 2 if text[lo - 2:lo] == "”、" else 1 if text[lo - 1:lo] == "”" else 0
        prev = text.rfind("“", 0, lo - gap) if gap else -1
        if prev < 0 or "”" in text[prev:lo - gap - 1]:
            break
        lo, items = prev, items + 1
    while True:  # and after it
        gap = 2 if text[hi:hi + 2] == "、“" else 1 if text[hi:hi + 1] == "“" else 0
        close = text.find("”", hi + gap) if gap else -1
        if close < 0 or "“" in text[hi + gap + 1:close]:
            break
        hi, items = close + 1, items + 1
    return lo, hi, items, core


@cache
def _boundaries() -> Boundaries:
    return Boundaries(load_lexicon())


def _shared_head_name(text: str, start: int, end: int) -> str | None:
    run = _quotation_run(text, start, end)
    if run is None or run[2] < 2:
        return None
    lo, hi, _, core = run
    head = _PROGRAM_HEADS.match(text, hi)
    if not head:
        return None
    left = _boundaries().left_edge(text, lo, lo, "clause", 12)
    prefix = text[left:lo] if left is not None else ""
    return f"{prefix}“{core}”{head.group()}"


def _shared_head(plan: ExtractedPlan, named: list[tuple[Mention, str, str]]):
    """中医药“A”“B”“C”项目: each quoted name of the run shares the word before and the head after
    (中医药“A”项目, 中医药“B”项目 …)."""
    out = []
    for m, name, rule in named:
        shared = _shared_head_name(plan.document.text, *_norm_span(plan, m)) if m.label == "Program" else None
        out.append((m, shared, "shared-head") if shared else (m, name, rule))
    return out


def _own_prefix(plan: ExtractedPlan, where: Jurisdiction, named: list[tuple[Mention, str, str]]):
    """本市X / 全省X: a name right after 本市 (本省 …) is the plan's own city's (province's) X."""
    out = []
    for m, name, rule in named:
        if (m.label in ("Program", "Regulation") and rule in ("surface", "repeat")
                and not any(n in name for n in _NATIONAL) and _OWN_HEADS.search(name)):
            own = _OWN.get(_before(plan, m, 3).rstrip("《“")[-2:])
            unit = getattr(where, own) if own else None
            if unit and not regions.find_in(name[:6]):
                out.append((m, f"{unit}{name}", "jurisdiction"))
                continue
        out.append((m, name, rule))
    return out


def _edition_context(named: list[tuple[Mention, str, str]]) -> list[tuple[Mention, str, str]]:
    """A bare series name in a plan that names exactly one of its editions is that edition."""
    editions: dict[tuple[str, str], set[str]] = {}
    for m, name, _ in named:
        series = series_of(m.label, name) if m.label == "Event" else None
        if series:
            editions.setdefault((m.label, series), set()).add(name)
    out = []
    for m, name, rule in named:
        found = editions.get((m.label, name))
        if found and len(found) == 1:
            out.append((m, next(iter(found)), "edition-context"))
        else:
            out.append((m, name, rule))
    return out


_QUOTED = re.compile(r"^(?P<mod>[\u4e00-\u9fff]{0,3})“(?P<core>[^“”]{2,20})”(?P<head>[\u4e00-\u9fff]{1,6})$")


_DESIGNATION_HOLDERS = ("省份", "城市", "县(区)", "省", "市", "县", "区")


def _designation_context(named: list[tuple[Mention, str, str]]) -> list[tuple[Mention, str, str]]:
    """综合医改试点 in a plan that also names 综合医改试点省份 is that designation."""
    names = {(m.label, name) for m, name, _ in named if m.label == "Program"}
    out = []
    for m, name, rule in named:
        if m.label == "Program" and name.endswith(("试点", "示范", "示范区")):
            longer = [name + h for h in _DESIGNATION_HOLDERS if (m.label, name + h) in names]
            if len(longer) == 1:
                out.append((m, longer[0], "designation-context"))
                continue
        out.append((m, name, rule))
    return out


def _variants(named: list[tuple[Mention, str, str]]) -> list[tuple[Mention, str, str]]:
    """Forms of one quoted name that differ only by a short modifier in front or 系列 in the head
    (国家“X”活动, “X”系列活动) become one node “X”活动 when two or more such forms occur."""
    groups: dict[tuple[str, str, str], set[str]] = {}
    for m, name, _ in named:
        q = _QUOTED.match(name) if m.label == "Program" else None
        if q:
            groups.setdefault((m.label, q.group("core"), q.group("head").replace("系列", "")), set()).add(name)
    out = []
    for m, name, rule in named:
        q = _QUOTED.match(name) if m.label == "Program" else None
        if q:
            key = (m.label, q.group("core"), q.group("head").replace("系列", ""))
            if len(groups[key]) > 1:
                plain = f"“{key[1]}”{key[2]}"
                out.append((m, plain, "variant" if plain != name else rule))
                continue
        out.append((m, name, rule))
    return out


_DATED_EDITION = re.compile(r"^(?P<pre>.*?)(?P<base>[^()]+)\((?P<y1>[0-9]{4})-(?P<y2>[0-9]{4})年?\)$")


def _edition_by_year(named: list[tuple[Mention, str, str]], plans: list[ExtractedPlan]) -> list[tuple[Mention, str, str]]:
    """第五轮X (no place named) in a plan of year Y → the corpus's dated edition {city}X(Y1-Y2年)
    of the plan's own city or province whose years cover Y."""
    editions: dict[str, set[tuple[str, int, int]]] = {}  # {city}X → its dated editions
    for m, name, _ in named:
        if m.label != "Regulation":
            continue
        d = _DATED_EDITION.match(name)
        if d:
            editions.setdefault(d.group("pre") + d.group("base"), set()).add(
                (name, int(d.group("y1")), int(d.group("y2"))))
    if not editions:
        return named
    meta = {p.document.name: p.meta for p in plans}
    out = []
    for m, name, rule in named:
        r = _ROUND.match(name) if m.label == "Regulation" else None
        info = meta.get(m.doc)
        if r and not r.group("pre") and info and info.year:
            where = Jurisdiction.of(info)
            heads = {h for h in (where.city, where.province) if h}
            hits = {e for h in heads for e, y1, y2 in editions.get(h + r.group("rest"), ())
                    if y1 <= info.year <= y2}
            if len(hits) == 1:
                out.append((m, hits.pop(), "edition-by-year"))
                continue
        out.append((m, name, rule))
    return out


def _mark_implements(plan: ExtractedPlan) -> None:
    """``Mention.implements``: a trigger (落实, 贯彻, 实施 …) stands before the name in its clause,
    outside any title (《浙江省实施〈X法〉办法》 does not commit a plan to carrying out X)."""
    data = aliases()
    triggers = sorted(data.get("implements_triggers") or (), key=len, reverse=True)
    window = int(data.get("implements_window", 8))
    text = plan.document.text
    sentences = plan.structure.sentences
    for m in plan.mentions:
        if m.label not in ("Program", "Regulation"):
            continue
        i = _norm_span(plan, m)[0]
        lo = sentences[m.sentence].start if 0 <= m.sentence < len(sentences) else 0
        start = max(lo, i - window)
        cut = list(_CLAUSE_END.finditer(text, start, i))
        if cut:
            start = cut[-1].end()
        before = text[start:i]
        m.implements = any(k >= 0 and not _inside_title(text, lo, start + k)
                           for k in (before.rfind(t) for t in triggers))


def _inside_title(text: str, lo: int, pos: int) -> bool:
    """Whether ``pos`` stands inside a 《》 or 〈〉 title opened after ``lo``."""
    head = text[lo:pos]
    return head.count("《") > head.count("》") or head.count("〈") > head.count("〉")


def _attach(mention: Mention, name: str, rule: str, entities: dict[str, Entity]) -> Entity:
    key = entity_id(mention.label, name)
    entity = entities.get(key)
    if entity is None:
        entity = entities[key] = Entity(id=key, label=mention.label, name=name)
    entity.aliases.add(mention.text.strip())
    entity.aliases.add(clean(mention.norm))  # the simplified form finds 中山醫院 too
    entity.rules.add(rule)
    mention.canonical = name
    mention.entity_id = key
    return entity


def resolve_mention(mention: Mention, where: Jurisdiction, entities: dict[str, Entity]) -> Entity:
    """One mention on its own (no per-plan or corpus rules)."""
    if mention.label == "Plan":
        name, rule = clean(mention.norm), "plan-title"
    else:
        name, rule = canonical(mention.label, mention.norm, where)
    return _attach(mention, name, rule, entities)
