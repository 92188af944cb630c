"""Cross-level links on the seed build: IMPLEMENTS, ALIGNS_WITH, BRANCH_OF, EDITION_OF, ABOUT, groupings."""
from __future__ import annotations

from policykg.graph import model, schema

# Plan ids: title|issuer|year (graph/model.py plan_id)
BAOSHAN = "Plan:2025年宝山区卫生健康工作要点|上海市宝山区卫生健康委员会|2025"
QINGPU = "Plan:2021年青浦区卫生健康工作要点|上海市青浦区卫生健康委员会|2021"
SHANGHAI = "Plan:2022年上海市卫生健康工作要点|上海市卫生健康委员会|2022"


def _edges(graph, key):
    return {(u, v): d for u, v, k, d in graph.edges(keys=True, data=True) if k == key}


def test_baoshan_implements_healthy_shanghai(seeds_build):
    g = seeds_build.graph
    edge = _edges(g, schema.IMPLEMENTS).get((BAOSHAN, "Program:健康上海行动"))
    assert edge is not None
    assert any("落实" in s and "健康上海行动" in s for s in edge["sentences"])
    assert "新一轮健康上海行动专项项目(2025-2027年)" in g.nodes["Program:健康上海行动"]["aliases"]


def test_implements_targets_programs_and_regulations_only(seeds_build):
    g = seeds_build.graph
    for u, v in _edges(g, schema.IMPLEMENTS):
        assert g.nodes[u]["label"] == schema.PLAN
        assert g.nodes[v]["label"] in ("Program", "Regulation")


def test_districts_align_with_their_municipality(seeds_build):
    aligns = _edges(seeds_build.graph, schema.ALIGNS_WITH)
    for district in (BAOSHAN, QINGPU):
        edge = aligns[(district, SHANGHAI)]
        assert edge["shared"] and 0 < edge["score"] <= 1
    assert "健康上海行动" in aligns[(BAOSHAN, SHANGHAI)]["shared"]
    assert "健康上海行动" in aligns[(BAOSHAN, SHANGHAI)]["implemented"]
    assert not any(v == QINGPU for _, v in aligns)  # never from higher to lower


def test_branches(seeds_build):
    branches = _edges(seeds_build.graph, schema.BRANCH_OF)
    # 中山医院青浦分院 and 中山青浦分院 are one branch of 复旦大学附属中山医院, the node 中山医院 names.
    parent = "Hospital:复旦大学附属中山医院"
    assert ("Hospital:复旦大学附属中山医院青浦分院", parent) in branches
    assert ("Hospital:复旦大学附属中山医院青浦新城院区", parent) in branches
    assert "中山醫院" in seeds_build.graph.nodes[parent]["aliases"]
    for u, v in branches:
        assert u.startswith("Hospital:") and v.startswith("Hospital:")


def test_editions(seeds_build):
    g = seeds_build.graph
    editions = _edges(g, schema.EDITION_OF)
    series = "EventSeries:中国国际进口博览会"
    assert g.nodes[series]["label"] == schema.EVENT_SERIES
    assert {u for u, v in editions if v == series} >= {"Event:第四届中国国际进口博览会", "Event:第五届中国国际进口博览会"}
    # The bare 进博会 of a plan that names one edition is that edition: no series-only Event node.
    assert "Event:中国国际进口博览会" not in g
    rounds = [(u, v) for u, v in editions if g.nodes[v]["label"] == "Program"]
    assert rounds and all(g.nodes[u]["label"] == "Regulation" for u, _ in rounds)


def test_round_reference_is_the_dated_municipal_edition(seeds_build):
    g = seeds_build.graph
    node = "Regulation:上海市加强公共卫生体系建设三年行动计划(2020-2022年)"
    plans = {u for u, _, k in g.in_edges(node, keys=True) if k == schema.MENTIONS and g.nodes[u]["label"] == schema.PLAN}
    assert {SHANGHAI, QINGPU} <= plans


def test_healthy_x_document_is_about_the_program(seeds_build):
    about = _edges(seeds_build.graph, schema.ABOUT)
    assert ("Regulation:健康上海行动(2019-2030年)", "Program:健康上海行动") in about


def test_region_hierarchy_and_groupings(seeds_build):
    g = seeds_build.graph
    part_of = _edges(g, schema.PART_OF)
    assert ("Region:上海市青浦区", "Region:上海市") in part_of
    assert g.nodes["Region:上海市青浦区"]["code"] == "310118"
    assert {"Region:上海市", "Region:江苏省", "Region:浙江省", "Region:安徽省"} <= {u for u, v in part_of if v == "Region:长三角"}
    demo = "Region:长三角生态绿色一体化发展示范区"
    assert {"Region:上海市青浦区", "Region:苏州市吴江区", "Region:嘉兴市嘉善县"} <= {u for u, v in part_of if v == demo}
    assert ("Region:苏州市吴江区", "Region:苏州市") in part_of


def test_diffusion_first_years(seeds_build):
    node = seeds_build.graph.nodes["Program:健康上海行动"]
    assert node["first_year_municipality"] == 2022 and node["first_year_district"] == 2025
    assert "first_year_province" not in node


def test_every_merge_records_its_rule(seeds_build):
    for entity in seeds_build.entities.values():
        assert entity.rules
    assert "healthy-x" in seeds_build.entities["Program:健康上海行动"].rules


_FILLER = ("3.加强基层医疗卫生服务体系建设，提升县域医疗卫生服务能力，推动优质医疗资源扩容下沉和区域均衡布局，持续改善群众就医体验。\n"
           "4.加强卫生健康人才队伍建设，完善基层卫生人才激励机制，提升全科医生培养质量，推进公共卫生人才培养，强化医学科技创新支撑。\n"
           "5.完善公共卫生应急管理体系，健全传染病监测预警机制，提升突发公共卫生事件应急处置能力，加强应急物资储备。\n")
NATIONAL_PLAN = ("国卫办规划发〔2023〕4号\n国家卫生健康委办公厅关于印发2023年卫生健康工作要点的通知\n"
                 "各省、自治区、直辖市卫生健康委：\n现将《2023年卫生健康工作要点》印发给你们，请认真组织实施。\n"
                 "国家卫生健康委办公厅\n2023年3月10日\n2023年卫生健康工作要点\n一、深入推进健康中国建设\n"
                 "1.实施健康中国行动，推进爱国卫生运动，开展健康知识普及行动。\n2.推进家庭医生签约服务。\n" + _FILLER)
DISTRICT_PLAN = ("2025年城东区卫生健康工作要点\n2025年，西宁市城东区卫生健康工作坚持以人民健康为中心。\n"
                 "一、推进健康城东建设\n1.落实健康中国，开展爱国卫生运动，推进家庭医生签约服务。\n"
                 "2.加强城东区人民医院建设，提升区疾控中心能力。\n" + _FILLER)


def test_national_and_district_plans_linked_through_healthy_china(tmp_path):
    from policykg.build import build

    (tmp_path / "national.txt").write_text(NATIONAL_PLAN, encoding="utf-8")
    (tmp_path / "district.txt").write_text(DISTRICT_PLAN, encoding="utf-8")
    result = build([tmp_path])
    assert not result.problems
    g = result.graph
    national, district = (model.plan_id(next(p for p in result.plans if p.document.name == name))
                          for name in ("national.txt", "district.txt"))
    assert (g.nodes[national]["level"], g.nodes[district]["level"]) == ("national", "district")
    program = "Program:健康中国行动"  # 健康中国 is the programme, not a generic word
    mentions = _edges(g, schema.MENTIONS)
    assert (national, program) in mentions and (district, program) in mentions
    assert "健康中国" in mentions[(district, program)]["surfaces"]
    assert program in [f"Program:{name}" for name in _edges(g, schema.ALIGNS_WITH)[(district, national)]["shared"]]
    assert g.nodes[program]["first_year_national"] == 2023 and g.nodes[program]["first_year_district"] == 2025
    country = f"Region:{schema.COUNTRY}"
    covers = _edges(g, schema.COVERS)
    assert (national, country) in covers and (district, "Region:西宁市城东区") in covers
    part_of = _edges(g, schema.PART_OF)
    assert ("Region:西宁市城东区", "Region:西宁市") in part_of and ("Region:青海省", country) in part_of
    assert g.nodes[country]["level"] == schema.COUNTRY_LEVEL


def _pairwise_alignments(graph, plans):
    """ALIGNS_WITH as defined: every ordered pair of plans where the second's region is above the
    first's and the two mention an initiative in common (the reference add_alignment must equal)."""
    def initiatives(pid):
        return {v for _, v, k in graph.out_edges(pid, keys=True)
                if k == schema.MENTIONS and graph.nodes[v]["label"] in schema.INITIATIVE_LABELS}
    found = []
    for lower in plans:
        m = lower.meta
        above = {m.parent_region, m.province, schema.COUNTRY if m.level != "national" else None} - {None, m.region}
        for higher in plans:
            if higher is not lower and higher.meta.region in above:
                common = initiatives(model.plan_id(lower)) & initiatives(model.plan_id(higher))
                if common:
                    found.append((model.plan_id(lower), model.plan_id(higher), sorted(graph.nodes[n]["name"] for n in common)))
    return found


def test_alignment_meets_each_plan_only_with_those_above_it_in_plan_order():
    """Many plans of a few jurisdictions: the plans are met through their regions, not pair by pair,
    and the relationships come out as the pairwise definition has them, in its order."""
    from array import array

    import networkx as nx

    from policykg.extract.document import Document, ExtractedPlan, PlanMeta, Structure
    from policykg.graph.links import add_alignment

    levels = [("national", None, None, None), ("province", "浙江省", None, "浙江省"),
              ("municipality", "杭州市", "浙江省", "浙江省"), ("district", "西湖区", "杭州市", "浙江省"),
              ("district", "上城区", "杭州市", "浙江省"), ("municipality", "宁波市", "浙江省", "浙江省")]
    graph, plans = nx.MultiDiGraph(), []
    for i in range(24):
        level, region, parent, province = levels[(i * 5) % len(levels)]
        meta = PlanMeta(title=f"工作要点{i}", issuer=f"机关{i}", level=level, region=region,
                        parent_region=parent, province=province, year=2020 + i % 4)
        plans.append(ExtractedPlan(Document(f"{i}.txt", "", "", array("i", [0])), meta, Structure(), []))
        pid = model.plan_id(plans[-1])
        graph.add_node(pid, label=schema.PLAN)
        for name in [f"行动{i % 3}", f"工程{i % 5}"] + (["健康浙江行动"] if i % 7 else []):
            graph.add_node(f"Program:{name}", label="Program", name=name)
            graph.add_edge(pid, f"Program:{name}", key=schema.MENTIONS)
    add_alignment(graph, plans)
    got = [(u, v, d["shared"]) for u, v, k, d in graph.edges(keys=True, data=True) if k == schema.ALIGNS_WITH]
    assert got == _pairwise_alignments(graph, plans)
    assert len(got) > 20
