"""Plans from anywhere (issue 16): the bodies of a government, the language of summaries and
reports, page chrome, slogans, names not cut inside, and the canonical names they resolve to.
Every sentence is invented (places from general knowledge: Qinghai, Xinjiang, Henan …)."""
from __future__ import annotations

import pytest

from policykg.extract.document import PlanMeta
from policykg.extract.normalise import normalise
from policykg.extract.pipeline import _plan_title_variants, extract
from policykg.resolve.names import Jurisdiction
from policykg.resolve.one_mention import canonical, plan_title

QINGHAI = Jurisdiction.of(PlanMeta(level="province", region="青海省", province="青海省"))
XINING = Jurisdiction.of(PlanMeta(level="municipality", region="西宁市", parent_region="青海省", province="青海省"))
HUANGYUAN = Jurisdiction.of(PlanMeta(level="district", region="湟源县", parent_region="西宁市", province="青海省"))
CHENGDONG = Jurisdiction.of(PlanMeta(level="district", region="城东区", parent_region="西宁市", province="青海省"))
GEERMU = Jurisdiction.of(PlanMeta(level="district", region="格尔木市", parent_region="海西蒙古族藏族自治州",
                                  province="青海省"))
HAIDIAN = Jurisdiction.of(PlanMeta(level="district", region="海淀区", parent_region="北京市", province="北京市"))
ZHEJIANG = Jurisdiction.of(PlanMeta(level="province", region="浙江省", province="浙江省"))


def found(text: str, label: str | None = None) -> set[str]:
    plan = extract(normalise(text, "invented.txt", "utf-8"))
    return {m.text for m in plan.mentions if label is None or m.label == label}


def name(label: str, surface: str, where: Jurisdiction = QINGHAI) -> str:
    return canonical(label, surface, where)[0]


# ----------------------------------------------------------------------------- bodies as data


def test_departments_of_a_government_are_agencies_wherever_a_task_names_them():
    agencies = found("（三）加强托育服务。牵头单位：省民政厅、省人力资源社会保障厅，配合单位：省住房和城乡建设厅、"
                     "区市场局、县文旅局。", "Agency")
    assert {"省民政厅", "省人力资源社会保障厅", "省住房和城乡建设厅", "区市场局", "县文旅局"} <= agencies


@pytest.mark.parametrize("surface, where, expected", [
    ("省人力资源社会保障厅", QINGHAI, "青海省人力资源和社会保障厅"),
    ("省财政厅", QINGHAI, "青海省财政厅"),
    ("省药监局", QINGHAI, "青海省药品监督管理局"),
    ("区市场局", CHENGDONG, "西宁市城东区市场监督管理局"),
    ("县文旅局", HUANGYUAN, "湟源县文化和旅游局"),
    ("市卫生计生委", XINING, "西宁市卫生和计划生育委员会"),
])
def test_departments_take_their_official_names_and_the_plans_jurisdiction(surface, where, expected):
    assert name("Agency", surface, where) == expected


def test_committees_leadership_groups_and_their_offices_are_bodies_not_programmes():
    text = ("健康青海行动推进委员会办公室印发通知。省爱卫会、县爱卫办、省医改办和市卫生应急工作联席会议"
            "共同组织，健康西宁建设领导小组办公室负责督导。")
    agencies = found(text, "Agency")
    assert {"健康青海行动推进委员会办公室", "省爱卫会", "县爱卫办", "省医改办", "市卫生应急工作联席会议",
            "健康西宁建设领导小组办公室"} <= agencies
    assert "健康青海行动" not in found(text, "Program")  # the name inside the committee's


@pytest.mark.parametrize("surface, where, expected", [
    ("省爱卫会", QINGHAI, "青海省爱国卫生运动委员会"),
    ("县爱卫办", HUANGYUAN, "湟源县爱国卫生运动委员会办公室"),
    ("省医改办", QINGHAI, "青海省深化医药卫生体制改革领导小组办公室"),
    ("城东工业园区管委会", XINING, "城东工业园区管理委员会"),
])
def test_committee_short_forms_expand(surface, where, expected):
    assert name("Agency", surface, where) == expected


def test_governments_general_offices_party_organs_and_congresses():
    agencies = found("经西宁市人民政府同意，市政府办公室、省政府办公厅、市委办公室、自治区党委宣传部、县人大、"
                     "市人大常委会和国务院办公厅分别部署。", "Agency")
    assert {"西宁市人民政府", "市政府办公室", "省政府办公厅", "市委办公室", "自治区党委宣传部", "县人大",
            "市人大常委会", "国务院办公厅"} <= agencies


@pytest.mark.parametrize("surface, where, expected", [
    ("省政府办公厅", QINGHAI, "青海省人民政府办公厅"),
    ("市委宣传部", XINING, "中共西宁市委宣传部"),
    ("区人大常委会", HAIDIAN, "北京市海淀区人民代表大会常务委员会"),
    ("县人大", HUANGYUAN, "湟源县人民代表大会"),
    ("县委县政府", HUANGYUAN, "中共湟源县委、湟源县人民政府"),
])
def test_governments_congresses_and_party_organs_by_their_official_names(surface, where, expected):
    assert name("Agency", surface, where) == expected


def test_mass_organisations_and_media_are_organizations():
    orgs = found("联合省妇联、省总工会、团省委、省残联，邀请青海日报社、新华社青海分社和西宁广播电视台参与。",
                 "Organization")
    assert {"省妇联", "省总工会", "团省委", "省残联", "青海日报社", "新华社青海分社", "西宁广播电视台"} <= orgs
    assert name("Organization", "省妇联") == "青海省妇女联合会"


# ----------------------------------------------------------------------------- language of summaries


def test_reporting_and_achievement_verbs_and_adverbs_are_left_edges():
    programs = found("全县相继获批全国慢性病综合防控示范区，成功入选国家中医药传承创新发展试验区，荣获全国无偿献血先进单位，"
                     "全面升级“雪域护心”工程。", "Program")
    assert "全国慢性病综合防控示范区" in programs
    assert "国家中医药传承创新发展试验区" in programs
    assert "全国无偿献血先进单位" in programs
    assert "“雪域护心”工程" in programs
    assert not any(p.startswith(("相继", "获批", "成功", "入选", "荣获", "升级")) for p in programs)


def test_pronouns_and_meeting_phrases_cut_an_agency_name():
    agencies = found("在县人大常委会第十次会议上，我代表县卫生健康局报告工作。", "Agency")
    assert "县卫生健康局" in agencies
    assert not any(a.startswith(("我", "代表", "上")) for a in agencies)


def test_quoted_slogans_are_no_programmes():
    programs = found("坚持“三抓三促”，打好“两场硬仗”，当好“主心骨”，持续推进“银龄安康”工程。", "Program")
    assert not programs & {"三抓三促", "两场硬仗", "主心骨"}
    assert "“银龄安康”工程" in programs


def test_page_chrome_separators_are_hard_breaks():
    agencies = found("发布机构: | 湟源县卫生健康局 | 主题分类: | 卫生 |\n首页 > 政务公开 > 县卫健委\n", "Agency")
    assert "湟源县卫生健康局" in agencies
    assert not any(a.startswith(("|", ">")) for a in agencies)


# ----------------------------------------------------------------------------- names not cut inside


def test_one_character_stops_do_not_split_a_word():
    text = "与青海高原药业有限公司合作，支持西宁经济技术开发区管委会社会事务局开展工作。"
    assert "青海高原药业有限公司" in found(text, "Organization")
    assert "西宁经济技术开发区管委会社会事务局" in found(text, "Agency")


def test_a_document_title_keeps_the_verb_after_its_owner_place():
    regulations = found("认真落实青海省推进中医药传承创新行动计划，执行青海省加速消除结核病实施方案（试行）。",
                        "Regulation")
    assert "青海省推进中医药传承创新行动计划" in regulations
    assert "青海省加速消除结核病实施方案（试行）" in regulations


def test_a_healthy_x_programme_ends_before_general_words():
    programs = found("推进健康西宁具体行动，实施健康知识普及行动。", "Program")
    assert "健康西宁" in programs and "健康知识普及行动" in programs
    assert "健康西宁具体行动" not in programs


def test_national_medical_centres_are_hospitals():
    assert {"国家口腔医学中心", "国家中医医学中心"} <= found("配合建设国家口腔医学中心、国家中医医学中心。", "Hospital")


# ----------------------------------------------------------------------------- canonical names


def test_county_bodies_go_by_the_county_name_districts_keep_their_city():
    assert name("Agency", "县卫健委", HUANGYUAN) == "湟源县卫生健康委员会"
    assert name("Agency", "湟源县卫生健康委员会", HUANGYUAN) == "湟源县卫生健康委员会"
    assert name("Agency", "区卫健委", CHENGDONG) == "西宁市城东区卫生健康委员会"
    assert name("Agency", "市政府", GEERMU) == "格尔木市人民政府"  # a county-level city's 市 is itself


def test_bare_hospital_kinds_in_a_district_plan_are_the_districts_own():
    assert name("Hospital", "人民医院", HUANGYUAN) == "湟源县人民医院"
    assert name("Hospital", "中医医院", CHENGDONG) == "西宁市城东区中医医院"
    assert name("Hospital", "胸科医院", CHENGDONG) == "西宁市胸科医院"  # a city's kind stays the city's
    assert name("Hospital", "市中医医院", CHENGDONG) == "西宁市中医医院"


def test_affiliated_hospitals_by_university_short_names_in_their_province():
    assert name("Hospital", "青大附院东部院区", QINGHAI) == "青海大学附属医院东部院区"
    henan = Jurisdiction.of(PlanMeta(level="province", region="河南省", province="河南省"))
    assert name("Hospital", "郑大一附院", henan) == "郑州大学第一附属医院"


def test_programme_canonicals_drop_batches_and_campaign_ordinals():
    assert name("Program", "全国首批婴幼儿照护服务示范城市") == "全国婴幼儿照护服务示范城市"
    assert name("Event", "第36个爱国卫生月") == "爱国卫生月"
    assert name("Event", "第九届全球健康促进大会") == "第九届全球健康促进大会"  # an edition keeps its own


def test_big_events_by_short_name_in_the_hosts_province():
    assert name("Event", "亚运会", ZHEJIANG) == "杭州第19届亚运会"
    assert name("Event", "亚运会", QINGHAI) == "亚运会"
    assert name("Event", "北京冬奥会", QINGHAI) == "北京2022年冬奥会"


def test_a_revised_regulation_is_the_regulation():
    assert name("Regulation", "青海省母婴保健条例（修订）") == "青海省母婴保健条例"
    assert name("Regulation", "青海省营养餐工作方案（试行）") == "青海省营养餐工作方案(试行)"


def test_plan_title_variants_and_their_one_canonical():
    meta = PlanMeta(title="2025年青海省卫生健康工作要点", level="province", region="青海省", province="青海省")
    assert _plan_title_variants(meta) == {"2025年青海省卫生健康工作要点", "2025年全省卫生健康工作要点"}
    assert plan_title("2025年全省卫生健康工作要点", QINGHAI) == "2025年青海省卫生健康工作要点"
    joined = PlanMeta(title="2024年西宁市卫生健康工作总结和2025年西宁市卫生健康工作要点", level="municipality",
                      region="西宁市", parent_region="青海省", province="青海省")
    assert {"2024年西宁市卫生健康工作总结", "2025年西宁市卫生健康工作要点"} <= _plan_title_variants(joined)
    assert plan_title("县卫健委2025年工作要点", HUANGYUAN) == "湟源县卫健委2025年工作要点"


def test_a_document_of_the_plans_own_body_takes_its_jurisdiction():
    assert name("Regulation", "县卫生健康委公平竞争审查制度", HUANGYUAN) == "湟源县卫生健康委公平竞争审查制度"
    assert "青海省营养指导员培训实施方案" in found("（二）制订青海省营养指导员培训实施方案。", "Regulation")


def test_a_short_city_name_before_a_body_is_expanded_but_not_a_district_named_like_it():
    assert name("Agency", "西宁卫生健康委", XINING) == "西宁市卫生健康委员会"
    unknown = Jurisdiction.of(PlanMeta())
    assert name("Agency", "朝阳区卫生健康委员会", unknown) != "朝阳市区卫生健康委员会"
