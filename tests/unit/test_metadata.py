"""Plan metadata against the gold file, plus synthetic plans the seeds do not cover."""
from __future__ import annotations

import json

import pytest

from policykg.extract.metadata import extract_metadata
from policykg.extract.normalise import normalise
from policykg.extract.readers import read_document
from policykg.extract.structure import parse_structure
from tests.paths import SHARED

GOLD = SHARED / "gold" / "documents.json"
FIELDS = ("title", "issuer", "level", "region", "parent_region", "year", "issued", "doc_number")


def _meta(text: str):
    doc = normalise(text, "plan.txt")
    return extract_metadata(doc, parse_structure(doc))


def _gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8")) if GOLD.is_file() else {}


@pytest.mark.skipif(not GOLD.is_file(), reason="gold annotations not available")
@pytest.mark.parametrize("name", sorted(_gold()), ids=lambda n: n[:3])
def test_seed_metadata_matches_gold(name):
    path = SHARED / "seeds" / name
    if not path.is_file():
        pytest.skip(f"{name} not available")
    doc = read_document(path)
    meta = extract_metadata(doc, parse_structure(doc))
    expected = _gold()[name]
    assert {f: getattr(meta, f) for f in FIELDS} == {f: expected[f] for f in FIELDS}
    assert meta.province and meta.region_code


COUNTY = """长兴县卫生健康局关于印发2023年长兴县卫生健康工作要点的通知
各乡镇卫生院、县级医疗卫生单位：
现将《2023年长兴县卫生健康工作要点》印发给你们，请认真贯彻落实。
长兴县卫生健康局
2023年2月20日
2023年长兴县卫生健康工作要点
2023年是全面贯彻落实党的二十大精神的开局之年。
一、提升医疗服务能力
1.推进县域医共体建设。深化县域医共体改革。
2.加强基层卫生建设。推进乡镇卫生院提档升级。
二、加强公共卫生
3.完善疾控体系。推进县疾控中心建设。
"""


def test_county_plan_in_another_province():
    meta = _meta(COUNTY)
    assert meta.title == "2023年长兴县卫生健康工作要点"
    assert meta.issuer == "长兴县卫生健康局"
    assert (meta.level, meta.region, meta.parent_region, meta.province) == ("district", "长兴县", "湖州市", "浙江省")
    assert meta.region_code == "330522"
    assert (meta.year, meta.issued, meta.doc_number) == (2023, "2023-02-20", None)


FIVE_YEAR = """青浦区卫生健康事业发展“十四五”规划
一、发展基础
“十三五”期间，全区卫生健康事业取得长足发展。
二、主要任务
1.优化资源布局。推进青浦新城医疗资源建设。
2.提升服务能力。加强区域医疗中心建设。
"""


def test_five_year_plan_title():
    meta = _meta(FIVE_YEAR)
    assert meta.title == "青浦区卫生健康事业发展“十四五”规划"
    assert meta.year == 2021  # first year of the period
    assert (meta.region, meta.level, meta.parent_region) == ("青浦区", "district", "上海市")
    # not printed: inferred from the region, as the municipality's districts name theirs
    assert meta.issuer == "上海市青浦区卫生健康委员会"
    assert meta.issued is None


def test_year_range_and_action_plan_title():
    meta = _meta("浙江省卫生健康委员会\n关于印发《浙江省医疗卫生服务能力提升三年行动计划（2023—2025年）》的通知\n"
                 "各市卫生健康委：\n现将《浙江省医疗卫生服务能力提升三年行动计划（2023—2025年）》印发给你们。\n")
    assert meta.title == "浙江省医疗卫生服务能力提升三年行动计划(2023-2025年)"  # ASCII brackets, hyphen
    assert meta.period == "2023-2025" and meta.doc_type == "action_plan"
    assert meta.year == 2023 and meta.region == "浙江省" and meta.level == "province"
    assert meta.issuer == "浙江省卫生健康委员会"  # the name line above the 关于印发 heading


def test_bare_provincial_issuer_takes_the_province_mentioned():
    meta = _meta("发布机构：省卫生健康委员会\n2022年全省卫生健康工作要点\n一、总体\n1.贯彻浙江省委部署。\n"
                 "2.推进健康浙江建设。\n3.服务浙江发展。\n")
    assert meta.issuer == "浙江省卫生健康委员会"
    assert (meta.region, meta.level, meta.year) == ("浙江省", "province", 2022)


HEADER_ONLY = """发布机构： 杭州市卫生健康委员会   文  号： 杭卫发〔2023〕5号
成文日期： 2023-02-28   发布日期： 2023-03-02
2023年杭州市卫生健康工作要点
2023年是实施“十四五”规划承上启下的关键一年。
一、守牢疫情防控底线
1.优化疫情防控措施。落实“乙类乙管”各项措施。
2.加强医疗救治。扩容重症救治资源。
二、推进医疗高地建设
3.建设国家医学中心。推进国家区域医疗中心建设（浙卫发〔2022〕3号）。
"""


def test_page_header_only_issuer():
    meta = _meta(HEADER_ONLY)
    assert meta.issuer == "杭州市卫生健康委员会"
    assert (meta.level, meta.region, meta.parent_region, meta.province) == ("municipality", "杭州市", "浙江省", "浙江省")
    assert meta.issued == "2023-02-28"  # 成文日期 over the posting date
    assert meta.doc_number == "杭卫发〔2023〕5号"
    assert meta.year == 2023


def test_issuer_in_title_and_short_forms():
    meta = _meta("上海市卫生健康委员会2021年工作要点\n一、总体要求\n1.加强领导。\n")
    assert meta.issuer == "上海市卫生健康委员会" and meta.year == 2021 and meta.region == "上海市"
    meta = _meta("发布机构：区卫健委\n2022年闵行区卫生健康工作要点\n二〇二二年三月五日\n")
    assert meta.issuer == "上海市闵行区卫生健康委员会"
    assert meta.issued == "2022-03-05"


def test_no_title_without_a_work_plan_body():
    meta = _meta("2025年是关键之年。\n上海市宝山区卫生健康委员会\n2025年3月3日\n")
    assert meta.title is None  # no numbered parts and tasks: not evidently a work plan
    assert meta.region == "宝山区" and meta.issued == "2025-03-03"


def test_nothing_to_find():
    meta = _meta("")
    assert all(getattr(meta, f) is None for f in FIELDS)


# ---- invented documents: one per form of header, letterhead, signature and number ----

BODY = "\n一、总体要求\n1.坚持人民至上，推进卫生健康事业高质量发展。\n2.加强基层医疗卫生服务能力建设。\n"


def test_table_layout_header():
    meta = _meta("索 引 号: | 11630000-2024-017 | 主题分类: | 卫生 |\n"
                 "发布机构: | 区政府 | 发文日期: | 2024-06-18 |\n"
                 "名 称: | 西宁市城东区人民政府关于推进健康城东建设的实施方案 | |\n"
                 "文 号: | 东政发〔2024〕9号 | 公开类型: | 主动公开 |\n"
                 "各街道办事处，区政府各部门：\n为推进健康城东建设，制定本方案。" + BODY)
    assert meta.title == "西宁市城东区人民政府关于推进健康城东建设的实施方案"
    assert meta.issuer == "西宁市城东区人民政府"
    assert (meta.region, meta.parent_region, meta.level) == ("城东区", "西宁市", "district")
    assert (meta.year, meta.issued, meta.doc_number) == (2024, "2024-06-18", "东政发〔2024〕9号")  # year: the issue date's
    assert meta.doc_type == "implementation_plan"


def test_label_alone_on_its_line_and_source_field():
    meta = _meta("您现在的位置：首页>政务公开>通知公告\n发布机构：\n本网\n来源：新疆维吾尔自治区卫生健康委员会\n"
                 "2024年自治区卫生健康工作要点" + BODY)
    assert meta.issuer == "新疆维吾尔自治区卫生健康委员会"  # 本网 is the website, not the issuer
    assert (meta.region, meta.level, meta.year) == ("新疆维吾尔自治区", "province", 2024)
    assert meta.title == "2024年自治区卫生健康工作要点" and meta.doc_type == "work_plan"


def test_bracketed_fields_and_eight_digit_signature_date():
    meta = _meta("•[制定机关]兰州市人民政府\n•[发文字号]兰政发〔2022〕11号\n兰州市“十四五”卫生健康发展规划\n"
                 "各县、区人民政府：\n现将《兰州市“十四五”卫生健康发展规划》印发给你们，请认真贯彻执行。\n"
                 "兰州市人民政府\n20220315\n" + BODY)
    assert meta.title == "兰州市“十四五”卫生健康发展规划"
    assert (meta.issuer, meta.issued, meta.doc_number) == ("兰州市人民政府", "2022-03-15", "兰政发〔2022〕11号")
    assert (meta.year, meta.period, meta.doc_type) == (2022, "2021-2025", "five_year_plan")  # the year issued
    assert (meta.region, meta.level) == ("兰州市", "municipality")


def test_committee_office_with_seal_note_and_healthy_x_region():
    meta = _meta("健康青海行动推进委员会各成员单位：\n现将《健康青海行动2025年工作要点》印发给你们，请认真组织实施。\n"
                 "健康青海行动推进委员会办公室\n（代 章）\n2025年3月20日\n健康青海行动2025年工作要点" + BODY)
    assert meta.issuer == "健康青海行动推进委员会办公室"
    assert (meta.region, meta.level, meta.year, meta.issued) == ("青海省", "province", 2025, "2025-03-20")


def test_prints_heading_without_guanyu_in_a_municipality_district():
    meta = _meta("渝中区人民政府印发《渝中区健康促进行动方案》的通知\n渝中府发〔2023〕5号\n各街道办事处：\n"
                 "现将《渝中区健康促进行动方案》印发给你们。\n2023年5月8日\n渝中区健康促进行动方案" + BODY)
    assert meta.title == "渝中区健康促进行动方案" and meta.doc_type == "action_plan"
    assert meta.issuer == "重庆市渝中区人民政府"  # districts of the four municipalities carry the municipality
    assert (meta.region, meta.parent_region, meta.level, meta.year) == ("渝中区", "重庆市", "district", 2023)


def test_region_from_the_document_number_prefix():
    province = _meta("甘卫发〔2024〕3号\n关于印发2024年全省卫生健康工作要点的通知\n各市州卫生健康委：\n"
                     "现将《2024年全省卫生健康工作要点》印发给你们。\n省卫生健康委\n2024年2月1日\n"
                     "2024年全省卫生健康工作要点" + BODY)
    assert (province.region, province.level) == ("甘肃省", "province")  # 甘: the province's 简称
    assert province.issuer == "甘肃省卫生健康委员会"
    city = _meta("酒卫健发〔2024〕2号\n关于印发2024年全市卫生健康工作要点的通知\n各县市区卫生健康局：\n"
                 "为落实甘肃省卫生健康工作会议和甘肃省委部署，现将《2024年全市卫生健康工作要点》印发给你们。\n"
                 "市卫生健康委\n2024年3月1日\n2024年全市卫生健康工作要点" + BODY)
    assert (city.region, city.level) == ("酒泉市", "municipality")  # 酒: the one city of 甘肃省 so named
    assert city.issuer == "酒泉市卫生健康委员会"


def test_letterhead_and_heading_split_over_two_lines():
    meta = _meta("海口市卫生健康委员会文件\n海卫〔2024〕12号\n2024年海口市卫生健康\n工作要点\n" + BODY)
    assert meta.issuer == "海口市卫生健康委员会"
    assert meta.title == "2024年海口市卫生健康工作要点"
    assert (meta.region, meta.level, meta.year) == ("海口市", "municipality", 2024)


def test_combined_summary_and_plan():
    meta = _meta("乌鲁木齐市卫生健康委员会2023年工作总结和2024年工作计划\n来源：乌鲁木齐市卫生健康委员会\n"
                 "2023年，全市卫生健康系统稳步推进各项工作。" + BODY)
    assert meta.title == "乌鲁木齐市卫生健康委员会2023年工作总结和2024年工作计划"
    assert (meta.year, meta.summarised_year, meta.doc_type) == (2024, 2023, "summary_and_plan")
    assert (meta.issuer, meta.region, meta.level) == ("乌鲁木齐市卫生健康委员会", "乌鲁木齐市", "municipality")


def test_titles_ending_in_task_breakdown_and_action_period():
    breakdown = _meta("宁夏回族自治区2024年卫生健康重点工作任务分解\n" + BODY)
    assert breakdown.title == "宁夏回族自治区2024年卫生健康重点工作任务分解"
    assert (breakdown.region, breakdown.year, breakdown.doc_type) == ("宁夏回族自治区", 2024, "work_plan")
    action = _meta("健康宁夏行动（2021—2030年）\n为推进健康宁夏建设，制定本行动。" + BODY + "2021年9月1日\n")
    assert action.title == "健康宁夏行动(2021-2030年)"
    assert (action.region, action.period, action.doc_type) == ("宁夏回族自治区", "2021-2030", "action_plan")


def test_report_dated_in_its_subtitle():
    meta = _meta("西宁市城中区卫生健康局关于2022年以来工作情况的报告\n——2024年6月5日在城中区人大常委会会议上\n"
                 "主任、各位副主任：\n现将有关情况报告如下。" + BODY)
    assert meta.title == "西宁市城中区卫生健康局关于2022年以来工作情况的报告"  # 关于 stays in a title
    assert (meta.year, meta.issued, meta.doc_type) == (2024, "2024-06-05", "report")  # 2022年以来 is no plan year
    assert meta.issuer == "西宁市城中区卫生健康局" and meta.level == "district"


def test_national_documents():
    ministry = _meta("国卫办规划发〔2024〕6号\n国家卫生健康委办公厅关于印发2024年卫生健康工作要点的通知\n"
                     "各省、自治区、直辖市卫生健康委：\n现将《2024年卫生健康工作要点》印发给你们。\n"
                     "国家卫生健康委办公厅\n2024年4月2日\n2024年卫生健康工作要点" + BODY)
    assert (ministry.level, ministry.region, ministry.province) == ("national", "中华人民共和国", None)
    assert ministry.issuer == "国家卫生健康委办公厅" and ministry.title == "2024年卫生健康工作要点"
    committee = _meta("健康中国行动推进委员会办公室关于印发健康中国行动2024年工作要点的通知\n各成员单位：\n"
                      "健康中国行动推进委员会办公室\n2024年5月6日\n健康中国行动2024年工作要点" + BODY)
    assert (committee.level, committee.region, committee.year) == ("national", "中华人民共和国", 2024)


def test_ambiguous_district_is_settled_by_the_city_the_text_names():
    named = _meta("鼓楼区卫生健康局关于2023年工作情况的报告\n在福州市委、福州市政府领导下，全区卫生健康工作稳步推进。"
                  "福州市下达的各项任务全面完成。" + BODY + "2023年12月1日\n")
    assert (named.region, named.parent_region, named.region_doubt) == ("鼓楼区", "福州市", None)
    unnamed = _meta("鼓楼区卫生健康局关于2023年工作情况的报告\n全区卫生健康工作稳步推进。" + BODY)
    assert unnamed.region == "鼓楼区" and len(unnamed.region_doubt) >= 2  # nothing settles it: the doubt is kept


def test_excerpt_without_head_falls_back_on_the_province_named_most():
    meta = _meta("全省各级卫生健康部门认真落实青海省委部署，推动青海卫生健康事业发展，"
                 "青海省医疗服务能力持续提升。" + BODY)
    assert (meta.region, meta.level, meta.title) == ("青海省", "province", None)


def test_autonomous_region_relative_issuer():
    meta = _meta("发布机构：自治区卫生健康委\n2023年全区卫生健康工作要点\n推动新疆卫生健康事业高质量发展，新疆各地协同推进。" + BODY)
    assert (meta.issuer, meta.region, meta.level) == ("新疆维吾尔自治区卫生健康委员会", "新疆维吾尔自治区", "province")


def test_a_cited_transmittal_is_not_the_title_and_a_ministry_stays_national():
    cited = _meta("根据《国务院办公厅关于印发“十四五”国民健康规划的通知》要求，全州卫生健康系统扎实推进各项工作。" + BODY)
    assert cited.title is None
    ministry = _meta("国家卫生健康委关于支持浙江省卫生健康高质量发展的意见\n浙江省卫生健康委：\n国家卫生健康委\n2022年5月6日" + BODY)
    assert (ministry.level, ministry.region, ministry.doc_type) == ("national", "中华人民共和国", "opinion")
