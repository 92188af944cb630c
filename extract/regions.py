"""China's administrative divisions, from the dictionary bundled with the jionlp package.

jionlp's ``china_location_loader`` gives provinces, prefecture-level cities and counties with
admin codes and short aliases (青浦区 / 青浦); towns and sub-districts (徐泾镇, 盈浦街道) come
from the same file, read lazily because they are only needed for town lookups.

Shape of the data as this module presents it:

* The four municipalities (北京市, 天津市, 上海市, 重庆市) appear in jionlp as a province with a
  city of the same name; they are collapsed into one ``Region`` of level ``municipality``, so
  青浦区's parent is 上海市.
* Placeholder units (省直辖行政区划, 市直辖行政区划) are skipped: 仙桃市's parent is 湖北省, and
  东莞市's towns hang directly under 东莞市.
* ``level`` is one of province | municipality | city | county | town; ``plan_level`` maps it
  to the three plan levels of the project.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
from dataclasses import dataclass
from functools import cache

from policykg.extract.anchors import alternation
from policykg.extract.datafiles import load_lexicon

__all__ = ["Region", "lookup", "candidates", "parents", "all_names", "plan_level", "find_in", "names_in", "provinces",
           "full_name", "division", "province_abbreviations"]

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_LEVEL_RANK = {"province": 0, "municipality": 0, "city": 1, "county": 2, "town": 3}


@dataclass(frozen=True, slots=True)
class Region:
    name: str  # full name: 青浦区
    code: str | None  # admin code (None for towns: the dataset has none)
    level: str  # province | municipality | city | county | town
    parent: str | None  # full name of the parent unit, None for province-level units
    province: str  # the province-level unit it lies in (itself for provinces)
    aliases: tuple[str, ...] = ()


@dataclass(slots=True)
class _Index:
    by_name: dict[str, list[Region]]  # full names and aliases, provinces..counties
    by_key: dict[tuple[str, str | None], Region]  # (name, parent name) → region
    parent_of: dict[Region, Region]  # every non-province region → its parent, towns once loaded


def _load_jionlp():
    # jionlp prints a banner on import; stdout may be carrying JSON lines.
    with contextlib.redirect_stdout(io.StringIO()):
        from jionlp.dictionary import dictionary_loader
    return dictionary_loader


def _placeholder(name: str) -> bool:
    return "直辖" in name  # 省直辖行政区划, 自治区直辖县级行政区划, 市直辖行政区划


def _aliases(raw) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    return tuple(a for a in items if a)


@cache
def _index() -> _Index:
    loader = _load_jionlp()
    with contextlib.redirect_stdout(io.StringIO()):
        data = loader.china_location_loader(detail=False)
    regions: list[Region] = []
    parent_of: dict[Region, Region] = {}
    for pname, pv in data.items():
        municipality = pname in MUNICIPALITIES
        level = "municipality" if municipality else "province"
        province = Region(pname, pv["_admin_code"], level, None, pname, _aliases(pv["_alias"]))
        regions.append(province)
        for cname, cv in pv.items():
            if cname.startswith("_"):
                continue
            if (municipality and cname == pname) or _placeholder(cname):
                city = province  # collapsed / placeholder: counties hang under the province
            else:
                city = Region(cname, cv["_admin_code"], "city", pname, pname, _aliases(cv["_alias"]))
                regions.append(city)
                parent_of[city] = province
            for kname, kv in cv.items():
                if kname.startswith("_") or _placeholder(kname):
                    continue
                county = Region(kname, kv["_admin_code"], "county", city.name, pname, _aliases(kv["_alias"]))
                regions.append(county)
                parent_of[county] = city
    by_name: dict[str, list[Region]] = {}
    by_key: dict[tuple[str, str | None], Region] = {}
    for r in regions:
        by_key[(r.name, r.parent)] = r
        for surface in dict.fromkeys((r.name, *r.aliases)):
            by_name.setdefault(surface, []).append(r)
    return _Index(by_name, by_key, parent_of)


_TOWN_LINE = re.compile(r"^(\t{0,3})(?!\t)([^\t\n]+)", re.MULTILINE)


@cache
def _towns() -> dict[str, list[Region]]:
    """Towns and sub-districts (level 4 of the file), read straight from jionlp's data file."""
    loader = _load_jionlp()
    path = os.path.join(loader.GRAND_DIR_PATH, "dictionary", "china_location.txt")
    with open(path, encoding="utf-8") as fh:
        raw = fh.read()
    index = _index()
    towns: dict[str, list[Region]] = {}
    province = city = county = None
    for m in _TOWN_LINE.finditer(raw):
        depth, name = len(m.group(1)), m.group(2).strip()
        if depth == 0:
            province, city, county = name, None, None
        elif depth == 1:
            city = province if name == province or _placeholder(name) else name
            county = city
        elif depth == 2:
            county = city if _placeholder(name) else name
        elif county is not None:
            parent = index.by_key.get((county, city)) or index.by_key.get((county, province))
            if parent is None:
                continue
            town = Region(name, None, "town", parent.name, parent.province)
            towns.setdefault(name, []).append(town)
            index.parent_of.setdefault(town, parent)
    return towns


def _candidates(name: str) -> list[Region]:
    found = _index().by_name.get(name)
    if found:
        return found
    if name.endswith(("镇", "乡", "街道")):
        return _towns().get(name, [])
    return []


def candidates(name: str) -> list[Region]:
    """Every division ``name`` may denote (full-name matches only, where there are any):
    朝阳区 → the districts of 北京市 and of 长春市."""
    found = _candidates(name)
    return [r for r in found if r.name == name] or list(found)


def _inside(region: Region, within: str) -> bool:
    """Is ``region`` (or one of its parents) the unit named ``within`` (full name or alias)?"""
    chain = [region, *parents(region)]
    return any(r.name == within or within in r.aliases for r in chain)


def lookup(name: str, within: str | None = None) -> Region | None:
    """The division called ``name`` (full name or short alias), or None if unknown/ambiguous.

    An exact full-name match beats an alias match (吉林市 is the city, not 吉林省). Among
    several matches, those lying in ``within`` are preferred; a single survivor wins.
    """
    if not name:
        return None
    found = _candidates(name)
    if not found:
        return None
    full = [r for r in found if r.name == name]
    pool = full or found
    if within:
        inside = [r for r in pool if _inside(r, within)]
        if len(inside) == 1:
            return inside[0]
        if inside:
            pool = inside
    if len(pool) == 1:
        return pool[0]
    # Same name at several levels (a province alias and its capital's): the higher one.
    top = min(_LEVEL_RANK[r.level] for r in pool)
    best = [r for r in pool if _LEVEL_RANK[r.level] == top]
    return best[0] if len(best) == 1 and len({_LEVEL_RANK[r.level] for r in pool}) > 1 else None


def parents(region: Region) -> list[Region]:
    """The units above ``region``, nearest first, ending with its province-level unit."""
    up = _index().parent_of
    if region.level == "town":
        _towns()  # towns register their parents when loaded
    out: list[Region] = []
    current = up.get(region)
    while current is not None:
        out.append(current)
        current = up.get(current)
    return out


def all_names(towns: bool = True) -> dict[str, list[Region]]:
    """Every full name and alias → the regions it may denote (a gazetteer's raw material)."""
    names = {k: list(v) for k, v in _index().by_name.items()}
    if towns:
        for k, v in _towns().items():
            names.setdefault(k, []).extend(v)
    return names


@cache
def provinces() -> tuple[Region, ...]:
    """The 34 province-level units (provinces, autonomous regions, municipalities, SARs)."""
    return tuple(sorted({r for rs in _index().by_name.values() for r in rs if r.parent is None},
                  key=lambda r: r.code or ""))


def plan_level(region: Region) -> str:
    """province | municipality | district: the level a plan of this unit's government has
    (the four municipalities are municipalities; county-level cities and counties, districts)."""
    if region.level == "province":
        return "province"
    if region.level in ("municipality", "city"):
        return "municipality"
    return "district"


@cache
def _scanner() -> re.Pattern[str]:
    # Full names of provinces, cities and counties, longest first. Two-character county
    # names (宁县, 城区, 郊区, 东区) are left out: inside running text they are mostly parts of
    # other words.
    names = [n for n, rs in _index().by_name.items()
             if any(r.name == n for r in rs) and len(n) >= 3]
    return re.compile(alternation(names))  # a trie: the longest name wherever one starts


def names_in(text: str) -> list[str]:
    """Full names of divisions (three characters or more) in ``text``, in order, ambiguous ones too."""
    return [m.group() for m in _scanner().finditer(text)]


def find_in(text: str, within: str | None = None) -> list[Region]:
    """Regions named in full in ``text``, in order; each earlier hit narrows the next lookup.

    ``上海市宝山区卫生健康委员会`` → [上海市, 宝山区 (of 上海市)].
    """
    out: list[Region] = []
    context = within
    for m in _scanner().finditer(text):
        region = lookup(m.group(), within=context)
        if region is None and out:
            region = lookup(m.group(), within=out[-1].province)
        if region is not None:
            out.append(region)
            context = region.name
    return out


def full_name(region: Region) -> str:
    """The name a plan would print in full: 上海市青浦区, 苏州市吴江区, 上海市奉贤区青村镇."""
    if region.level in ("province", "city", "municipality"):
        return region.name
    chain = [r.name for r in parents(region) if r.level != "province" or r.name.endswith("市")]
    names = list(dict.fromkeys(chain[::-1] + [region.name])) if chain else [region.name]
    return "".join(names[-3:] if region.level == "town" else names[-2:])


def county_alone(county: Region) -> bool:
    """Counties, banners and county-level cities under a prefecture: their bodies go by the
    county's own name (青阳县卫生健康委员会, not 池州市青阳县…); districts keep their city
    (杭州市西湖区). The place itself is still named in full (嘉兴市嘉善县, ``full_name``)."""
    return county.level == "county" and not county.name.endswith("区") and any(
        r.level == "city" for r in parents(county)[:1])



def division(name: str) -> Region | None:
    """The division a canonical region name stands for: 上海市青浦区 → 青浦区 within 上海市."""
    for i in range(len(name) - 1):
        region = lookup(name[i:], within=name[:i] or None)
        if region is not None and full_name(region) == name:
            return region
    return None


@cache
def province_abbreviations() -> dict[str, str]:
    """The standard one-character 简称 of the province-level units (沪 → 上海市), from data."""
    return dict(load_lexicon("provinces.yml")["province_abbreviations"])
