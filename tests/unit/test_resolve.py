"""Entity resolution rules, on invented examples (pure logic, no spaCy)."""
from __future__ import annotations

import pytest

from policykg.extract.document import Document, ExtractedPlan, Mention, PlanMeta, Structure
from policykg.extract.implements import mark_implements
from policykg.resolve.names import Jurisdiction, clean, series_of
from policykg.resolve.one_mention import canonical, region_list
from policykg.resolve.resolver import resolve

JIADING = Jurisdiction.of(PlanMeta(level="district", region="嘉定区", parent_region="上海市", province="上海市"))
MINHANG = Jurisdiction.of(PlanMeta(level="district", region="闵行区", parent_region="上海市", province="上海市"))
SHANGHAI = Jurisdiction.of(PlanMeta(level="municipality", region="上海市", province="上海市"))
JIANGSU = Jurisdiction.of(PlanMeta(level="province", region="江苏省", province="江苏省"))
NANJING = Jurisdiction.of(PlanMeta(level="municipality", region="南京市", parent_region="江苏省", province="江苏省"))


def name(label, surface, where=SHANGHAI):
    return canonical(label, surface, where)[0]


def test_jurisdiction_of_plans():
    assert JIADING.district == "上海市嘉定区" and JIADING.city == "上海市" and JIADING.local == "嘉定区"
    assert NANJING.city == "南京市" and NANJING.province == "江苏省" and NANJING.district is None
    assert JIANGSU.province == "江苏省" and JIANGSU.city is None


@pytest.mark.parametrize("surface, where, expected", [
    ("区疾控中心", JIADING, "上海市嘉定区疾病预防控制中心"),
    ("区疾控中心", MINHANG, "上海市闵行区疾病预防控制中心"),
    ("疾控中心", MINHANG, "上海市闵行区疾病预防控制中心"),
    ("市卫健委", JIADING, "上海市卫生健康委员会"),
    ("市卫健委", NANJING, "南京市卫生健康委员会"),
    ("省卫生健康委", JIANGSU, "江苏省卫生健康委员会"),
    ("监督所", MINHANG, "上海市闵行区卫生健康委员会监督所"),
    ("区老龄办", JIADING, "上海市嘉定区老龄工作委员会办公室"),
    ("国家卫健委", JIADING, "国家卫生健康委员会"),
    ("区域医疗中心", JIADING, "区域医疗中心"),  # 区域 is not the district
])
def test_agencies_scoped_to_the_plan(surface, where, expected):
    assert name("Agency", surface, where) == expected


def test_same_relative_name_two_plans_two_nodes_and_rule_recorded():
    plans = [_plan("a.txt", JIADING_META, [("区疾控中心", "Agency")]),
             _plan("b.txt", MINHANG_META, [("区疾控中心", "Agency")])]
    entities = resolve(plans)
    assert {e.name for e in entities.values()} == {"上海市嘉定区疾病预防控制中心", "上海市闵行区疾病预防控制中心"}
    assert all("jurisdiction" in e.rules for e in entities.values())


def test_traditional_and_simplified_become_one_node():
    # The extractor gives ``norm`` in simplified characters; ``text`` stays as printed.
    plans = [_plan("a.txt", JIADING_META, [("市衛健委", "Agency", "市卫健委")]),
             _plan("b.txt", MINHANG_META, [("市卫健委", "Agency")])]
    entities = resolve(plans)
    assert len(entities) == 1
    (entity,) = entities.values()
    assert entity.name == "上海市卫生健康委员会" and entity.aliases == {"市衛健委", "市卫健委"}


@pytest.mark.parametrize("surface, where, expected", [
    ("市三院", SHANGHAI, "上海市第三人民医院"),
    ("市十二院", NANJING, "南京市第十二人民医院"),
    ("肺科医院", SHANGHAI, "上海市肺科医院"),
    ("第七人民医院", JIADING, "上海市第七人民医院"),
    ("区中医医院", MINHANG, "上海市闵行区中医医院"),
    ("嘉定区中心医院", SHANGHAI, "上海市嘉定区中心医院"),
    ("区精卫中心", JIADING, "上海市嘉定区精神卫生中心"),
    ("马陆第二社区卫生服务中心", JIADING, "上海市嘉定区马陆镇第二社区卫生服务中心"),
    ("甲乙嘉定分院", JIADING, "甲乙医院嘉定分院"),
    ("甲乙-丙丁医联体", SHANGHAI, "甲乙-丙丁区域医疗联合体"),
])
def test_hospital_abbreviations(surface, where, expected):
    assert name("Hospital", surface, where) == expected


def test_hospital_outside_a_city_is_left_alone():
    assert name("Hospital", "肺科医院", JIANGSU) == "肺科医院"
    assert name("Hospital", "某某联合服务站", JIADING) == "某某联合服务站"


@pytest.mark.parametrize("surface", ["健康江苏", "健康江苏建设", "健康江苏行动", "新一轮健康江苏行动专项项目(2026-2028年)",
                                     "健康江苏26项行动", "健康江苏“十大行动”", "健康江苏五大行动"])
def test_healthy_x_forms_are_one_program(surface):
    assert canonical("Program", surface, JIANGSU) == ("健康江苏行动", "healthy-x")


@pytest.mark.parametrize("surface", ["健康中国", "健康中国行动", "健康中国建设"])
def test_healthy_china_is_the_national_healthy_x(surface):
    assert canonical("Program", surface, JIANGSU) == ("健康中国行动", "healthy-x")


@pytest.mark.parametrize("surface, expected", [("健康家庭", "健康家庭建设"), ("第三批健康村镇", "健康村镇建设"),
                                               ("健康城市(县城)", "健康城市建设"), ("健康社区建设", "健康社区建设")])
def test_healthy_settings_are_built(surface, expected):
    assert name("Program", surface, JIANGSU) == expected


def test_healthy_x_document_stays_a_regulation():
    assert name("Regulation", "健康江苏行动(2019—2030年)", JIANGSU) == "健康江苏行动(2019-2030年)"
    assert name("Program", "健康生活方式", JIANGSU) == "健康生活方式"  # 生活方式 is no place


def test_quoted_name_with_generic_head():
    assert name("Program", "“阳光护苗”系统建设项目") == "阳光护苗"
    assert name("Program", "“阳光护苗”健康科普品牌") == "阳光护苗"
    assert name("Program", "“阳光护苗”工程") == "“阳光护苗”工程"  # a real head stays


def test_variants_of_one_quoted_name_merge_across_plans():
    plans = [_plan("a.txt", JIADING_META, [("“群星闪耀”系列活动", "Program")]),
             _plan("b.txt", MINHANG_META, [("“群星闪耀”活动", "Program")])]
    assert {e.name for e in resolve(plans).values()} == {"“群星闪耀”活动"}


@pytest.mark.parametrize("surface, expected", [
    ("长三角地区", "长三角"), ("长江三角洲", "长三角"), ("三省一市", "长三角"), ("大湾区", "粤港澳大湾区"),
    ("京津冀区域", "京津冀"), ("嘉定", "上海市嘉定区"), ("吴江", "苏州市吴江区"),
])
def test_regions(surface, expected):
    assert name("Region", surface) == expected


def test_region_lists():
    assert name("Region", "京津冀") == "京津冀"  # a grouping is its own node
    assert region_list("京津冀") == "北京市、天津市、河北省"
    assert name("Region", "苏浙皖三省") == "江苏省、浙江省、安徽省"
    assert name("Region", "沪港澳") == "上海市、香港特别行政区、澳门特别行政区"
    assert name("Region", "青-吴-嘉") == "青浦区、吴江区、嘉善县"  # members of the grouping


def test_editions_and_series():
    assert name("Event", "第七届进博会") == "第七届中国国际进口博览会"
    assert series_of("Event", "第七届中国国际进口博览会") == "中国国际进口博览会"
    assert series_of("Regulation", "第七轮加强公共卫生体系建设三年行动计划") == "加强公共卫生体系建设三年行动计划"
    assert series_of("Regulation", "上海市加强公共卫生体系建设三年行动计划(2026-2028年)") == "上海市加强公共卫生体系建设三年行动计划"
    assert name("Event", "“6.1”国际儿童节") == "国际儿童节"


def test_bare_series_in_a_plan_with_one_edition_is_that_edition():
    plans = [_plan("a.txt", JIADING_META, [("第七届进博会", "Event"), ("进博会", "Event")])]
    entities = resolve(plans)
    assert set(entities) == {"Event:第七届中国国际进口博览会"}
    assert "edition-context" in entities["Event:第七届中国国际进口博览会"].rules


def test_round_resolves_to_the_dated_edition_covering_the_plan_year():
    plans = [_plan("city.txt", PlanMeta(level="municipality", region="上海市", province="上海市", year=2027),
                   [("上海市加强公共卫生体系建设三年行动计划(2026-2028年)", "Regulation")]),
             _plan("district.txt", JIADING_META, [("第七轮加强公共卫生体系建设三年行动计划", "Regulation")])]
    entities = resolve(plans)
    assert set(entities) == {"Regulation:上海市加强公共卫生体系建设三年行动计划(2026-2028年)"}


def test_national_designations_and_typos():
    assert name("Program", "国家卫生区") == name("Program", "国家卫生镇") == "国家卫生城镇创建"
    assert name("Program", "综合医改试点省") == "综合医改试点省份"
    assert name("Regulation", "医务人员人员行为规范") == "医务人员行为规范"


@pytest.mark.parametrize("label, surface, where, expected", [
    ("Regulation", "药品管理法", JIADING, "中华人民共和国药品管理法"),
    ("Regulation", "上海市急救医疗服务条例", JIADING, "上海市急救医疗服务条例"),
    ("Regulation", "某某管理办法", JIADING, "某某管理办法"),
    ("Regulation", "健康江苏2030规划纲要", JIANGSU, "“健康江苏2030”规划纲要"),
    ("Agency", "区委区政府", MINHANG, "中共上海市闵行区委员会、上海市闵行区人民政府"),
    ("Agency", "省委省政府", JIANGSU, "中共江苏省委、江苏省人民政府"),
    ("Agency", "海关", NANJING, "南京海关"),
    ("Program", "省级中医药创新示范区", JIANGSU, "江苏省中医药创新示范区"),
    ("Program", "2026-2028年护理服务提升年", JIADING, "护理服务提升年"),
    ("Organization", "同济", JIADING, "同济大学"),
    ("Organization", "南大医学院", JIANGSU, "南京大学医学院"),
    ("Organization", "交大", NANJING, "交大"),  # no 交大 is meant in 江苏省
    ("Hospital", "同济口腔医院", JIADING, "同济大学附属口腔医院"),
    ("Organization", "区计生协", JIADING, "上海市嘉定区计划生育协会"),
])
def test_general_naming_rules(label, surface, where, expected):
    assert name(label, surface, where) == expected


def test_designation_named_in_full_elsewhere_in_the_plan():
    plans = [_plan("a.txt", JIADING_META, [("公共卫生改革试点城市", "Program"), ("公共卫生改革试点", "Program")])]
    assert set(resolve(plans)) == {"Program:公共卫生改革试点城市"}


def test_implements_marks_trigger_in_the_same_clause():
    text = "认真落实健康江苏行动，关注健康江苏建设。"
    plan = _plan("a.txt", PlanMeta(level="province", region="江苏省", province="江苏省", year=2026), [], text=text)
    first = _mention("a.txt", text, "健康江苏行动", "Program", text.index("健康江苏行动"))
    second = _mention("a.txt", text, "健康江苏建设", "Program", text.index("健康江苏建设"))
    plan.mentions[:] = [first, second]
    mark_implements(plan)  # extraction marks them
    resolve([plan])
    assert first.implements and not second.implements
    assert first.entity_id == second.entity_id == "Program:健康江苏行动"


def test_a_trigger_inside_a_title_commits_to_nothing():
    text = "开展《江苏省实施〈中华人民共和国护理法〉办法》调研，落实《甲条例》《乙办法》。"
    names = ["江苏省实施〈中华人民共和国护理法〉办法", "中华人民共和国护理法", "甲条例", "乙办法"]
    plan = _plan("a.txt", JIADING_META, [], text=text)
    plan.mentions[:] = [_mention("a.txt", text, n, "Regulation", text.index(n)) for n in names]
    mark_implements(plan)  # extraction marks them
    resolve([plan])
    assert [m.implements for m in plan.mentions] == [False, False, True, True]


def test_own_city_after_benshi():
    text = "落实本市护理提升行动(2026-2028年)，推进本市国家示范项目，推进全市“早筛”。"
    plan = _plan("a.txt", JIADING_META, [("护理提升行动(2026-2028年)", "Program"), ("国家示范项目", "Program"),
                                         ("早筛", "Program")], text=text)
    resolve([plan])
    assert [m.canonical for m in plan.mentions] == ["上海市护理提升行动(2026-2028年)", "国家示范项目", "早筛"]


HANGZHOU = Jurisdiction.of(PlanMeta(level="municipality", region="杭州市", parent_region="浙江省", province="浙江省"))
WUHAN = Jurisdiction.of(PlanMeta(level="municipality", region="武汉市", parent_region="湖北省", province="湖北省"))
BEIJING = Jurisdiction.of(PlanMeta(level="municipality", region="北京市", province="北京市"))


@pytest.mark.parametrize("surface, where, expected", [
    ("浙大二院", HANGZHOU, "浙江大学医学院附属第二医院"),
    ("邵逸夫医院", HANGZHOU, "浙江大学医学院附属邵逸夫医院"),
    ("协和医院", WUHAN, "华中科技大学同济医学院附属协和医院"),
    ("协和医院", BEIJING, "中国医学科学院北京协和医院"),  # one short name, two hospitals: the province decides
    ("瑞金医院", JIADING, "上海交通大学医学院附属瑞金医院"),
    ("瑞金医院嘉定分院", JIADING, "上海交通大学医学院附属瑞金医院嘉定分院"),
    ("瑞金嘉定分院", JIADING, "上海交通大学医学院附属瑞金医院嘉定分院"),
    ("第一医院", HANGZHOU, "杭州市第一医院"),  # shared ordinal names stay the city's
])
def test_teaching_hospitals_by_short_name_in_their_province(surface, where, expected):
    assert name("Hospital", surface, where) == expected


def test_teaching_hospital_names_do_not_leak_into_other_provinces_or_labels():
    assert name("Hospital", "瑞金医院", WUHAN) == "瑞金医院"
    assert name("Region", "华山", JIADING) != "复旦大学附属华山医院"


@pytest.mark.parametrize("label, surface, expected", [
    ("Program", "援苏丹医疗队", "中国援苏丹医疗队"),
    ("Program", "全国健康促进区", "全国健康促进县(区)"),
    ("Program", "全国健康促进县", "全国健康促进县(区)"),
])
def test_national_program_names(label, surface, expected):
    assert name(label, surface, JIADING) == expected


def test_quoted_names_in_a_run_share_the_leading_word_and_the_head():
    text = "启动实施护理“百院提升”“千人培训”、“万家随访”项目，开展“银龄”行动。"
    plan = _plan("a.txt", JIADING_META, [("百院提升", "Program"), ("千人培训", "Program"),
                                         ("“万家随访”项目", "Program"), ("“银龄”行动", "Program")], text=text)
    resolve([plan])
    assert [m.canonical for m in plan.mentions] == [
        "护理“百院提升”项目", "护理“千人培训”项目", "护理“万家随访”项目", "“银龄”行动"]


def test_a_guanyu_title_is_named_with_its_issuers():
    text = "贯彻国务院办公厅、国家卫健委《关于推进护理服务高质量发展的意见》，落实《关于加强护理工作的通知》。"
    plan = _plan("a.txt", JIADING_META, [("国务院办公厅", "Agency"), ("国家卫健委", "Agency"),
                                         ("关于推进护理服务高质量发展的意见", "Regulation"),
                                         ("关于加强护理工作的通知", "Regulation")], text=text)
    resolve([plan])
    assert [m.canonical for m in plan.mentions[2:]] == [
        "国务院办公厅国家卫健委关于推进护理服务高质量发展的意见", "关于加强护理工作的通知"]


def test_clean_follows_the_guidelines():
    assert clean("《健康江苏行动（2019—2030年）》") == "健康江苏行动(2019-2030年)"
    assert clean("“551”卫生人才培养工程") == "“551”卫生人才培养工程"
    assert clean("“阳光护苗”") == "阳光护苗"


# helpers ---------------------------------------------------------------------------------------

JIADING_META = PlanMeta(level="district", region="嘉定区", parent_region="上海市", province="上海市", year=2027)
MINHANG_META = PlanMeta(level="district", region="闵行区", parent_region="上海市", province="上海市", year=2027)


def _mention(doc, text, surface, label, start, norm=None):
    return Mention(doc=doc, text=surface, label=label, start=start, end=start + len(surface),
                   norm=norm or surface, sentence=0)


def _plan(doc, meta, items, text=None):
    text = text or "。".join(i[0] for i in items) + "。"
    document = Document(path=doc, original=text, text=text, offsets=list(range(len(text) + 1)))
    from policykg.extract.document import Section

    structure = Structure(sentences=[Section("sentence", 0, len(text))])
    mentions, pos = [], 0
    for item in items:
        surface, label = item[0], item[1]
        start = text.index(surface, pos)
        mentions.append(_mention(doc, text, surface, label, start, item[2] if len(item) > 2 else None))
        pos = start + len(surface)
    return ExtractedPlan(document, meta, structure, mentions)
