"""Canonical forms and the data behind them: how a name is written once resolved.

Every canonical name is simplified Chinese with ASCII parentheses and hyphens (``clean``);
an entity's id is its label and canonical name. Relative references (区疾控中心, 市卫健委,
本市) are scoped to the plan's ``Jurisdiction``. The alias knowledge is data:
``resolve/data/aliases.yml`` and ``resolve/data/groupings.yml``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from policykg.extract import regions
from policykg.extract.datafiles import safe_load_yaml
from policykg.extract.document import Mention, PlanMeta

Named = list[tuple[Mention, str, str]]  # a mention, its canonical name, the rule that gave it

_WRAP = {"《": "》", "“": "”", '"': '"', "「": "」", "‘": "’", "〈": "〉"}
_DASH = re.compile("[\u2010-\u2015\u2212\uff0d~～]")
EDITION = re.compile(r"^第[0-9一二三四五六七八九十百]+届(?P<series>.+)$")
ROUND = re.compile(r"^(?P<pre>.*?)(?:第[0-9一二三四五六七八九十]+轮|新一轮)(?P<rest>.+?(?:行动计划|行动|计划|规划|方案))(?:\([0-9-]+年?\))?$")
YEARS = re.compile(r"^(?P<base>.+?(?:行动计划|行动|计划|规划|方案))\([0-9]{4}-[0-9]{4}年?\)$")
BRANCH = re.compile(r"^(?P<parent>.+?(?:医院|保健院|医学中心|中心))(?P<place>[\u4e00-\u9fff]{2,6}?)(?P<kind>分院|院区)$")


@cache
def aliases() -> dict:
    path = resources.files("policykg.resolve") / "data" / "aliases.yml"
    return safe_load_yaml(path.read_text(encoding="utf-8"))


@cache
def groupings() -> dict:
    path = resources.files("policykg.resolve") / "data" / "groupings.yml"
    return safe_load_yaml(path.read_text(encoding="utf-8"))


@cache
def grouping_synonyms() -> dict[str, str]:
    out = {}
    for name, spec in groupings()["groupings"].items():
        for alias in spec.get("aliases") or ():
            out[alias] = name
    return out


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
    def of(cls, meta: PlanMeta) -> Jurisdiction:
        if meta.level == "national":  # 省卫健委 in a national document is no one province's
            return cls(district=None, city=None, province=None)
        province = meta.province or (meta.region if meta.level in ("province", "municipality") and not meta.parent_region else None)
        if meta.level == "district":
            city = meta.parent_region
            prefix = city or province or ""  # 杭州市西湖区, 上海市青浦区: the city, not the province too
            county = regions.lookup(meta.region, within=city) if meta.region else None
            if county is not None and regions.county_alone(county):
                prefix = ""  # 青阳县卫健委: a county goes by its own name
                if county.name.endswith("市"):
                    city = county.name  # in a county-level city's plan 市政府 is its own
            return cls(district=f"{prefix}{meta.region}", city=city, province=province, local=meta.region)
        if meta.level == "municipality":
            return cls(district=None, city=meta.region, province=province or meta.region)
        return cls(district=None, city=None, province=meta.region)

    def expand(self, prefix: str) -> str | None:
        return {"区": self.district, "县": self.district, "市": self.city, "省": self.province}.get(prefix)

    @property
    def own(self) -> str | None:
        return self.district or self.city or self.province



def entity_id(label: str, name: str) -> str:
    return f"{label}:{name}"


def series_of(label: str, name: str) -> str | None:
    """The series an edition belongs to: 第五届中国国际进口博览会 → 中国国际进口博览会;
    第五轮加强公共卫生体系建设三年行动计划 and 上海市加强…三年行动计划(2020-2022年) → …三年行动计划."""
    if label == "Event":
        m = EDITION.match(name)
        return m.group("series") if m else None
    if label == "Regulation":
        m = ROUND.match(name)
        if m:
            return m.group("pre") + m.group("rest")
        m = YEARS.match(name)
        if m and "三年行动计划" in name:
            return m.group("base")
    return None
