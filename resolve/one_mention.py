"""One mention on its own → its canonical name and the rule that gave it (``canonical``).

The rules need nothing but the mention and its plan's ``Jurisdiction``: synonyms and pattern
rules of ``data/aliases.yml`` (市六院 → 上海市第六人民医院), Healthy-X forms, divisions in full
(青浦 → 上海市青浦区), abbreviated heads (卫健委 → 卫生健康委员会), relative names scoped to the plan
(区疾控中心), teaching hospitals and universities by their short names. ``resolver`` lists every
rule with an example.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import cache

from policykg.extract import regions
from policykg.extract.regions import full_name
from policykg.resolve.names import BRANCH, ROUND, Jurisdiction, aliases, clean, grouping_synonyms, groupings

_HEALTHY_X = re.compile(r"^(?:新一轮)?健康(?P<x>[\u4e00-\u9fff]{2,4}?)(?:[0-9]+项|“?[0-9一二三四五六七八九十]+大)?(?:建设行动|行动|建设)?”?(?:专项项目)?(?:\([0-9-]+年?\))?$")
_REPEAT = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
_REPEAT_TAIL = re.compile(r"(试点|项目|工程|行动)工作\1$")  # 管理试点工作试点: a doubled head
_RELATIVE_ISSUER = re.compile(r"^([省市区县])(?=卫生健康委|卫健委|卫生计生委|人民政府|政府)")
_REVISION = re.compile(r"\((?:修订|修正|修订版|修订稿|征求意见稿|草案|送审稿)\)$")
_PLACE_PREFIXES = ("区域", "区级", "市场", "市民", "市级", "省级", "县级", "县域", "市区", "区县")


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
    if label == "Event":
        hosted = (data.get("events_by_province") or {}).get(where.province or "", {}).get(name)
        if hosted:
            return hosted, "hosted-event"
    if label == "Region" and name in groupings()["groupings"]:
        return name, "grouping"
    if label == "Region" and name in grouping_synonyms():
        return grouping_synonyms()[name], "synonym"
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
        revised = _REVISION.search(name)
        if revised:  # 《X条例(修订)》 is the regulation X, revised
            name, rule = name[:revised.start()], "revision"
        issuer = _RELATIVE_ISSUER.match(name)
        if issuer and where.expand(issuer.group(1)):  # 区卫生健康委X制度: the plan's own body issued it
            return f"{where.expand(issuer.group(1))}{name[1:]}", "jurisdiction"
        m = ROUND.match(name)
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


_AFFILIATED = re.compile(r"^(?:(?P<n>[一二三四五六七八九十])附院|附(?P<m>[一二三四五六七八九十])院|附院)(?P<tail>.*)$")
_WHOLE = re.compile(r"全([省市区县])")


def plan_title(norm: str, where: Jurisdiction) -> str:
    """A plan's own title as it names its jurisdiction: 2023年全市X → 2023年湖州市X, 县卫健委…总结 →
    青阳县卫健委…总结 (the variants of one title become one node)."""
    name = clean(norm)
    own = where.local or where.city or where.province
    if not own:
        return name
    name = _WHOLE.sub(lambda m: own if own.endswith(m.group(1)) else m.group(), name, count=1)
    if name[:1] in ("省", "市", "区", "县") and own.endswith(name[0]) and not name.startswith(own):
        name = own + name[1:]
    return name


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
        affiliated = _AFFILIATED.match(rest)
        if affiliated:  # 郑大一附院 → 郑州大学第一附属医院, 温医大附一院 → 温州医科大学附属第一医院
            n, m, tail = affiliated.group("n"), affiliated.group("m"), affiliated.group("tail")
            hospital = f"第{n}附属医院" if n else f"附属第{m}医院" if m else "附属医院"
            return f"{full}{hospital}{tail}"
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
    out: dict[str, str] = {}
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
    branch = BRANCH.match(name) or BRANCH.match(_branch_short(name, where) or "")
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
        local = _district_hospital(name, where)
        if local:
            return local, "district-hospital"
        ordinal, kinds = _city_hospital()
        if where.city and (name in kinds or ordinal.match(name)):
            return f"{where.city}{name}", "city-hospital"
        campus = BRANCH.match(name)
        if where.city and campus and campus.group("parent") in kinds:
            return f"{where.city}{name}", "city-hospital"  # 胸科医院X分院: a branch of the city's
    return None


@cache
def _district_rules() -> tuple[frozenset, re.Pattern, re.Pattern]:
    spec = aliases()["city_hospitals"]
    return frozenset(spec["district_kinds"]), re.compile(spec["district_named"]), re.compile(spec["district_centres"])


def _district_hospital(name: str, where: Jurisdiction) -> str | None:
    """In a district or county plan: 人民医院 is the district's 人民医院, X区域医疗中心 its
    centre at X, a hospital named by two characters alone its own."""
    if not (where.district and where.local):
        return None
    kinds, named, centres = _district_rules()
    if name in kinds or (named.match(name) and name not in _city_hospital()[1] and not regions.lookup(name[:2])):
        return f"{where.district}{name}"
    if centres.match(name):
        return f"{where.local}{name}"
    return None


_GOVERNMENT_HEAD = re.compile(r"(?:委员会|局|厅|人民政府|政府|办公室|办公厅)$")


def _leading_region(name: str, where: Jurisdiction) -> str | None:
    """青浦区中医医院 → 上海市青浦区中医医院: a district prefix gets its city (a county goes by its
    own name: 青阳县卫生健康委员会); 湖州卫生健康委员会 → 湖州市…: a government body named after a
    city's or province's short name takes the full name."""
    for size in (3, 4, 2, 5):
        head = name[:size]
        region = regions.lookup(head, within=where.province)
        if region is None:
            continue
        if region.level == "county" and head == region.name and not regions.county_alone(region):
            full = full_name(region)
            if full != head:
                return full + name[size:]
        if (region.level in ("city", "province", "municipality") and head != region.name
                and head in region.aliases and _GOVERNMENT_HEAD.search(name)
                and not name[size:].startswith(("省", "市", "区", "县", "州", "盟", "旗"))):
            return region.name + name[size:]
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
    abbreviations = regions.province_abbreviations()
    if all(c in abbreviations for c in chars):
        return "、".join(abbreviations[c] for c in chars)
    return None




@cache
def _dataset_name(full: str) -> str:
    """上海市青浦区 → 青浦区 (the dataset's own name of a canonical region name)."""
    region = regions.division(full)
    return region.name if region is not None else full
