"""Quantitative targets (extract/targets.py): the number parser (with Hypothesis), one test per
kind of target on invented sentences (none of them from the shared plans), bad input, the plan
records with offsets into the original, and the 2022 Zhejiang seed end to end."""
from __future__ import annotations

import cn2an
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.extract.indicators import parse_number, parse_value
from policykg.extract.normalise import normalise
from policykg.extract.pipeline import extract
from policykg.extract.targets import AT_LEAST, AT_MOST, COUNT, EXACTLY, LEVEL, find_targets


def targets(text: str):
    return find_targets(normalise(text, "invented.txt", "utf-8").text)


def one(text: str):
    [t] = targets(text)
    return t


# ---------------------------------------------------------------------------------- numbers

def test_parse_number_reads_arabic_chinese_and_magnitudes():
    assert parse_number("37") == 37 and parse_number("8.5") == 8.5
    assert parse_number("10万") == 100_000 and parse_number("1.5万") == 15_000 and parse_number("2亿") == 2e8
    assert parse_number("三十") == 30 and parse_number("两千") == 2000 and parse_number("一千五百") == 1500
    assert parse_number("三十万") == 300_000 and parse_number("三点五") == 3.5
    for bad in ("", "万", "abc", "3.5.1", "百分", "1/2", "三十万万"):
        assert parse_number(bad) is None, bad
    assert parse_value("2—3") == (2, 2, 3) and parse_value("30-50") == (30, 30, 50)
    assert parse_value("二至三") == (2, 2, 3)
    assert parse_value("5-3") is None  # no range runs backwards


@given(st.integers(min_value=0, max_value=10**9))
def test_parse_number_integers_arabic_and_chinese(n):
    assert parse_number(str(n)) == n
    assert parse_number(cn2an.an2cn(n)) == n


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=99))
def test_parse_number_decimals_and_wan(whole, cents):
    text = f"{whole}.{cents:02d}"
    assert parse_number(text) == pytest.approx(whole + cents / 100)
    assert parse_number(text + "万") == pytest.approx((whole + cents / 100) * 10_000)


@given(st.integers(min_value=0, max_value=10**5), st.integers(min_value=0, max_value=10**5),
       st.sampled_from(["-", "—", "——", "~", "至"]))
def test_parse_value_ranges(a, b, sep):
    low, high = min(a, b), max(a, b)
    assert parse_value(f"{low}{sep}{high}") == (low, low, high)


@given(st.text(max_size=30))
def test_parse_number_never_raises(text):
    value = parse_number(text)
    assert value is None or value >= 0


_ALPHABET = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("0123456789.%‰/万亿一二三十百千两达到控制在以上以下内分别、，。；率水平人个家名建成新增每千人口年底前到年")),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=120))
def test_arbitrary_text_gives_well_formed_targets(text):
    doc = normalise(text, "random.txt", "utf-8")
    for t in find_targets(doc.text):
        assert 0 <= t.start < t.end <= len(doc.text)
        assert t.indicator and t.canonical and t.direction in (AT_LEAST, AT_MOST, EXACTLY)
        assert t.low is None or t.low <= t.value <= t.high


# ---------------------------------------------------------------------------------- level targets

def test_level_target_with_direction_scope_and_deadline():
    t = one("到2027年，全县居民健康素养水平达到35%以上。")
    assert (t.indicator, t.canonical, t.kind) == ("居民健康素养水平", "居民健康素养水平", LEVEL)
    assert (t.value, t.unit, t.direction, t.deadline, t.scope) == (35, "%", AT_LEAST, 2027, "全县")


def test_aliases_share_a_canonical_indicator():
    assert one("健康素养水平提高到31.5%。").canonical == "居民健康素养水平"
    t = one("全市人均期望寿命提高到80.5岁。")
    assert (t.indicator, t.canonical, t.value, t.unit) == ("人均期望寿命", "人均预期寿命", 80.5, "岁")
    t = one("个人卫生支出占卫生总费用的比重降至25%。")
    assert (t.canonical, t.direction) == ("个人卫生支出占卫生总费用比重", AT_MOST)


def test_directions():
    assert one("门诊预约率不低于60%。").direction == AT_LEAST
    assert one("抗菌药物使用率控制在40%以内。").direction == AT_MOST
    assert one("住院费用增幅不超过6%。").direction == AT_MOST
    assert one("孕产妇死亡率为0。").direction == EXACTLY
    assert one("婴儿死亡率降至3.5‰。").direction == AT_MOST
    assert one("到2030年，本县人均健康预期寿命≥72岁。").direction == AT_LEAST
    assert one("5岁以下儿童死亡率≤6‰。").direction == AT_MOST
    assert one("高血压患者规范管理率继续保持在70%以上。").direction == AT_LEAST
    t = one("提升家庭医生签约服务覆盖率至48%。")
    assert (t.indicator, t.direction, t.value) == ("家庭医生签约服务覆盖率", AT_LEAST, 48)


def test_list_with_respectively_gives_one_target_each():
    first, second = targets("孕产妇死亡率、新生儿死亡率分别控制在9/10万、3‰以内。")
    assert (first.indicator, first.value, first.unit, first.direction) == ("孕产妇死亡率", 9, "/10万", AT_MOST)
    assert (second.indicator, second.value, second.unit, second.direction) == ("新生儿死亡率", 3, "‰", AT_MOST)


def test_rates_per_population_keep_their_denominator():
    t = one("每千人口注册护士数达4.2人。")
    assert (t.indicator, t.value, t.unit) == ("每千人口注册护士数", 4.2, "人/千人")
    assert one("每万人口全科医生数达到5人。").unit == "人/万人"


def test_items_of_a_list_each_take_their_own_indicator():
    found = targets("县域就诊率达88%，基层就诊率达60%以上、双向转诊率达30%。")
    assert [(t.indicator, t.value) for t in found] == [("县域就诊率", 88), ("基层就诊率", 60), ("双向转诊率", 30)]


def test_a_change_keeps_its_verb():
    t = one("全县医疗服务收入增长8%以上。")
    assert (t.indicator, t.value, t.direction, t.scope) == ("医疗服务收入增长", 8, AT_LEAST, "全县")


def test_percent_in_words():
    t = one("城乡居民参保率达到百分之九十五。")
    assert (t.value, t.unit) == (95, "%")


# ---------------------------------------------------------------------------------- counts

def test_count_with_the_thing_after():
    t = one("年底前建成两个区域医疗示范基地。")
    assert (t.kind, t.indicator, t.value, t.unit, t.direction) == (COUNT, "区域医疗示范基地", 2, "个", EXACTLY)
    assert t.deadline is None and t.deadline_text == "年底前"  # the plan year
    t = one("各设区市至少新建3—5家能力不低于200人/日的社区康复站。")
    assert (t.indicator, t.value, t.low, t.high, t.direction, t.scope) == ("社区康复站", 3, 3, 5, AT_LEAST, "各设区市")


def test_count_with_the_thing_before_and_lists_sharing_the_verb():
    found = targets("招聘护理人员二百名以上、药师50名和康复治疗师30名，新增家庭病床800张。")
    assert [(t.indicator, t.value, t.unit, t.direction) for t in found] == [
        ("护理人员", 200, "名", AT_LEAST), ("药师", 50, "名", EXACTLY), ("康复治疗师", 30, "名", EXACTLY),
        ("家庭病床", 800, "张", EXACTLY)]


def test_count_per_population():
    t = one("每20万人口配备1辆负压救护车。")
    assert (t.indicator, t.value, t.unit) == ("负压救护车", 1, "辆/20万人")


def test_each_of_a_list():
    found = targets("建设康复中心、护理中心各2-4个。")
    assert [(t.indicator, t.low, t.high) for t in found] == [("康复中心", 2, 4), ("护理中心", 2, 4)]


# ---------------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("text", [
    "其中35%。",  # a percentage of nothing
    "达到35%以上。",  # no indicator
    "1.加强基层卫生能力建设。",  # a task number
    "2024年3月5日印发。",  # a date
    "于2025年6月1日起施行。",
    "推进“1+3+N”体系建设，深入实施健康某某26项行动。",  # numbers in quotes and in a name
    "二、打造三个体系",  # a heading
    "（三）建成两个中心，提升服务能级\n",
    "排名第3个，位列前10名。",
    "做好三级医院评审和两癌筛查工作。",  # numerals inside names
    "编制指南2.0版。",
    "%%%，‰以上，达。",
])
def test_no_target(text):
    assert targets(text) == []


def test_a_numbered_line_of_targets_is_no_heading():
    assert [t.value for t in targets("（1）人均预期寿命达到80岁\n2.孕产妇死亡率控制在8/10万以下\n")] == [80, 8]


def test_figures_reached_are_no_targets():
    assert targets("人均预期寿命已达81岁。") == []
    text = ("2024年东山县卫生健康工作要点\n一、回顾\n1.成效。2022年末，全县居民健康素养水平达到30%。\n"
            "二、目标\n2.主要指标。居民健康素养水平达到34%以上。\n")
    plan = extract(normalise(text, "invented.txt", "utf-8"))
    assert [t.value for t in plan.targets] == [34]


def test_a_date_is_no_deadline():
    [t] = targets("2024年3月5日，西城县婴儿死亡率控制在4‰以下。")
    assert t.deadline is None


# ---------------------------------------------------------------------------------- plan records

INVENTED_PLAN = ("2024年东山县卫生健康工作要点\n一、提升健康水平\n1.深化健康促进。到2026年，居民健康素养水平達到33%以上，"
                 "每千人口执业（助理）醫師数达3.2人。\n2.加强基层服务。新建2家社区卫生服务中心。\n")


def test_plan_records_point_into_the_original_and_default_to_the_plan_year():
    plan = extract(normalise(INVENTED_PLAN, "invented.txt", "utf-8"))
    assert [(t.canonical, t.value, t.deadline) for t in plan.targets] == [
        ("居民健康素养水平", 33, 2026), ("每千人口执业（助理）医师数", 3.2, 2026), ("社区卫生服务中心", 2, 2024)]
    for t in plan.targets:
        assert INVENTED_PLAN[t.start:t.end] == t.text
        assert t.task >= 0 and t.sentence >= 0
    assert plan.targets[0].text == "居民健康素养水平達到33%以上"  # the original's characters


def test_a_named_place_is_the_scope_and_the_region():
    from policykg.build import assemble
    from policykg.graph import model, schema

    text = ("2024年浙江省卫生健康工作要点\n一、提升健康水平\n1.深化健康促进。全省居民健康素养水平达到41%以上，"
            "宁波市居民健康素养水平达到44%以上。\n2.加强基层。新增社区医院3家。\n")
    plan = extract(normalise(text, "invented.txt", "utf-8"))
    assert [(t.scope, t.value, t.text) for t in plan.targets] == [
        ("全省", 41, "居民健康素养水平达到41%以上"), ("宁波市", 44, "宁波市居民健康素养水平达到44%以上"),
        ("", 3, "新增社区医院3家")]
    graph = assemble([plan]).graph
    regions = [[v for _, v, k in graph.out_edges(f"{model.plan_id(plan)}#target{i}", keys=True)
                if k == schema.FOR_REGION] for i in (1, 2, 3)]
    assert regions == [["Region:浙江省"], ["Region:宁波市"], ["Region:浙江省"]]


def test_plan_records_survive_pickling():
    import pickle

    plan = extract(normalise(INVENTED_PLAN, "invented.txt", "utf-8"))
    assert pickle.loads(pickle.dumps(plan)).targets == plan.targets


# ---------------------------------------------------------------------------------- the seed

ZJ_2022 = "002_"


def test_zhejiang_2022_seed_targets(seeds_dir):
    from policykg.build import extract_file

    plan = extract_file(next(seeds_dir.glob(f"{ZJ_2022}*.txt")))
    found = {(t.indicator, t.value, t.unit, t.direction) for t in plan.targets}
    assert {
        ("居民健康素养水平", 37, "%", AT_LEAST),
        ("每千人口执业（助理）医师数", 3.8, "人/千人", AT_LEAST),
        ("个人卫生费用占卫生总费用比例", 26, "%", AT_MOST),
        ("孕产妇死亡率", 8.5, "/10万", AT_MOST),
        ("婴儿死亡率", 6.5, "‰", AT_MOST),
        ("移动检测车", 1, "辆/50万人", EXACTLY),
        ("人均期望寿命", 79.6, "岁", AT_LEAST),
    } <= found
    assert len(plan.targets) > 30  # the issue: "more than thirty"
    assert all(t.deadline == 2022 for t in plan.targets)
    assert all(plan.document.original[t.start:t.end] == t.text for t in plan.targets)
