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
    assert meta.title == "浙江省医疗卫生服务能力提升三年行动计划（2023—2025年）"
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
