"""Cross-level links on the seed build: IMPLEMENTS, ALIGNS_WITH, BRANCH_OF, EDITION_OF, ABOUT, groupings."""
from __future__ import annotations

from policykg.graph import schema

BAOSHAN = "Plan:2025年宝山区卫生健康工作要点"
QINGPU = "Plan:2021年青浦区卫生健康工作要点"
SHANGHAI = "Plan:2022年上海市卫生健康工作要点"


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
