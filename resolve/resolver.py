"""Mentions → entities: one node per real-world thing (the resolution stage's entry point).

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

from policykg.extract.document import Entity, ExtractedPlan, Mention
from policykg.resolve import across_plans, in_plan
from policykg.resolve.names import Jurisdiction, Named, clean, entity_id
from policykg.resolve.one_mention import canonical, plan_title

# Renaming a plan's mentions given the rest of the plan, in this order, plan by plan …
IN_PLAN_PASSES = (in_plan.own_prefix, in_plan.shared_head, in_plan.issuers, in_plan.edition_context,
                  in_plan.designation_context)
# … then given every plan.
ACROSS_PLAN_PASSES = (across_plans.variants, across_plans.edition_by_year)


def name_plan(plan: ExtractedPlan) -> list[tuple[str, str]]:
    """Every mention's canonical name and rule given its own plan (``canonical`` and the
    in-plan passes), in the order of ``plan.mentions``. Nothing here depends on the other plans,
    so a build runs it where the plan is extracted and keeps it in the cache with the plan
    (``ExtractedPlan.names``)."""
    where = Jurisdiction.of(plan.meta)
    mine: Named = [(mention, *_name(mention, where)) for mention in plan.mentions]
    for plan_pass in IN_PLAN_PASSES:
        mine = plan_pass(plan, where, mine)
    return [(name, rule) for _, name, rule in mine]


def resolve(plans: list[ExtractedPlan]) -> dict[str, Entity]:
    """Give every mention its canonical name and entity id; return the entities by id."""
    named: Named = []
    for plan in plans:
        names = plan.names if plan.names is not None else name_plan(plan)
        named.extend((mention, name, rule) for mention, (name, rule) in zip(plan.mentions, names, strict=True))
    for corpus_pass in ACROSS_PLAN_PASSES:
        named = corpus_pass(named, plans)
    entities: dict[str, Entity] = {}
    for mention, name, rule in named:
        _attach(mention, name, rule, entities)
    return entities


def _name(mention: Mention, where: Jurisdiction) -> tuple[str, str]:
    if mention.label == "Plan":
        return plan_title(mention.norm, where), "plan-title"
    return canonical(mention.label, mention.norm, where)


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
    return _attach(mention, *_name(mention, where), entities)
