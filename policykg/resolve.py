"""Mentions → entities: one node per real-world thing.

Every canonical name is simplified Chinese with ASCII parentheses and hyphens. A merge records
the rule that made it (``Entity.rules``) so a user can ask why two surfaces became one node.
Relative references (区疾控中心, 市卫健委, 本市) are scoped to the plan's jurisdiction.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from policykg.extract import regions
from policykg.extract.document import Entity, ExtractedPlan, Mention, PlanMeta

_WRAP = {"《": "》", "“": "”", '"': '"', "「": "」", "‘": "’", "〈": "〉"}
_DASH = re.compile("[\u2010-\u2015\u2212\uff0d~～]")
_HEALTHY_X = re.compile(r"^(?:新一轮)?健康(?P<x>[\u4e00-\u9fff]{2,4}?)(?:[0-9]+项)?(?:建设行动|行动|建设)?(?:专项项目)?(?:\([0-9-]+年?\))?$")


@cache
def aliases() -> dict:
    path = resources.files("policykg") / "data" / "aliases.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def clean(surface: str) -> str:
    """Wrapping quotes off, full-width forms to ASCII, dashes unified, spaces dropped."""
    s = surface.strip()
    while len(s) > 1 and _WRAP.get(s[0]) == s[-1]:
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

    @classmethod
    def of(cls, meta: PlanMeta) -> "Jurisdiction":
        province = meta.province or (meta.region if meta.level in ("province", "municipality") and not meta.parent_region else None)
        if meta.level == "district":
            city = meta.parent_region
            prefix = city if city == province else f"{province or ''}{city or ''}"
            return cls(district=f"{prefix}{meta.region}", city=city, province=province)
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
    data = aliases()
    synonym = data["synonyms"].get(label, {}).get(name)
    if synonym:
        return synonym, "synonym"
    if label == "Program":
        m = _HEALTHY_X.match(name)
        if m and regions.lookup(m.group("x")):
            return f"健康{m.group('x')}行动", "healthy-x"
    if label == "Region":
        region = regions.lookup(name, within=where.province)
        if region:
            return full_name(region), "division"
        return name, "surface"
    if label in ("Agency", "Hospital", "Event", "Organization"):
        heads = data["heads"].get(label, {})
        for short in sorted(heads, key=len, reverse=True):
            if name.endswith(short) and not name.endswith(heads[short]):
                name = name[: -len(short)] + heads[short]
                break
    if label in ("Agency", "Hospital"):
        bare = data["jurisdictional"].get(label, {})
        if name in bare.values() and where.own:
            return f"{where.own}{name}", "jurisdiction"
        if name[0] in "省市区县" and where.expand(name[0]):
            return f"{where.expand(name[0])}{name[1:]}", "jurisdiction"
        region = _leading_region(name, where)
        if region:
            return region, "jurisdiction"
    return name, "surface" if name == clean(norm) else "abbreviation"


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


def full_name(region: "regions.Region") -> str:
    """The name a plan would print in full: 上海市青浦区, 苏州市吴江区, 上海市奉贤区青村镇."""
    if region.level in ("province", "city", "municipality"):
        return region.name
    chain = [r.name for r in regions.parents(region) if r.level != "province" or r.name.endswith("市")]
    names = list(dict.fromkeys(chain[::-1] + [region.name])) if chain else [region.name]
    return "".join(names[-3:] if region.level == "town" else names[-2:])


def entity_id(label: str, name: str) -> str:
    return f"{label}:{name}"


def resolve(plans: list[ExtractedPlan]) -> dict[str, Entity]:
    """Give every mention its canonical name and entity id; return the entities by id."""
    entities: dict[str, Entity] = {}
    for plan in plans:
        where = Jurisdiction.of(plan.meta)
        for mention in plan.mentions:
            resolve_mention(mention, where, entities)
    return entities


def resolve_mention(mention: Mention, where: Jurisdiction, entities: dict[str, Entity]) -> Entity:
    if mention.label == "Plan":
        name, rule = clean(mention.norm), "plan-title"
    else:
        name, rule = canonical(mention.label, mention.norm, where)
    key = entity_id(mention.label, name)
    entity = entities.get(key)
    if entity is None:
        entity = entities[key] = Entity(id=key, label=mention.label, name=name)
    entity.aliases.add(mention.text.strip())
    entity.rules.add(rule)
    mention.canonical = name
    mention.entity_id = key
    return entity
